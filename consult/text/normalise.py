"""Normalising user text before it is stored or analysed."""
from __future__ import annotations

import re
import unicodedata

# A sentence ends at . ! ? … (with closing quotes/brackets) followed by space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str | None) -> str:
    """Return ``text`` in Unicode NFC with uniform line ends and trimmed spaces.

    Line breaks and paragraph breaks (blank lines) are kept, so offsets into the cleaned text stay
    meaningful for quotes; runs of spaces collapse to one; the result has no leading or trailing
    whitespace. ``None`` gives ``""``.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def is_blank(text: str | None) -> bool:
    """True when ``text`` is ``None``, empty or only whitespace (of any Unicode kind)."""
    return not text or not text.strip() or not clean_text(text)


# Replies that mean "nothing to say"; compared after lower-casing and stripping punctuation.
PLACEHOLDERS = frozenset({
    "", "-", "n a", "na", "none", "nil", "nothing", "no comment", "no comments", "null",
    "tidak ada", "tdk ada", "gak ada", "ga ada", "nggak ada", "enggak ada", "belum ada", "tak ada",
    "kosong", "nihil", "tidak ada komentar", "tidak ada tanggapan",
    "tidak ada saran", "tidak ada masukan", "x", "xx", "xxx",
})
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def is_placeholder(text: str | None) -> bool:
    """True when ``text`` says nothing: blank, punctuation only, or a stock reply such as "-",
    "tidak ada", "n/a" or "no comment" (see ``PLACEHOLDERS``). Such text is never analysed,
    counted as a view or quoted."""
    if text and len(text) > 80 and len(text.strip()) > 80:
        return False  # longer than any stock reply, even with punctuation around it
    if is_blank(text):
        return True
    simplified = _NON_WORD.sub(" ", text.casefold()).strip()
    return simplified in PLACEHOLDERS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence and line spans ``(start, end)`` of ``text``, without surrounding whitespace.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) followed
    by whitespace, or at a line break.
    """
    spans = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out
