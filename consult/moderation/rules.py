"""Automatic holds: the checks that send a submission to the moderation queue, as pure functions.

Each check returns :class:`Hit` objects — which rule, why, and where in the text — and never
changes the text; :func:`redact` does that, on a moderator's click. The checks:

- **personal data** (:func:`find_personal_data`): Indonesian identity numbers whose structure is
  valid, not just any long number —
  NIK (16 digits: province code, regency, district, birth date with +40 on the day for women,
  serial; Permendagri 72/2019 for the region codes), KK (a 16-digit family-card number: the same
  region code and an issue date, recognised by the words "KK" or "kartu keluarga" just before it),
  NIP (18 digits: birth date, appointment year and month, sex 1/2, serial; PP 11/2017 and BKN's
  numbering), NPWP (15 digits, usually ``99.999.999.9-999.999``, or any 15–16 digits right after
  "NPWP"), any 16 digits right after "NIK" or "KTP"
  ("NIK saya …"), mobile phone numbers (``+62 8…``, ``62 8…``,
  ``08…``, with spaces, dots or dashes) and e-mail addresses, also when written in full-width or
  other Unicode digits (fixed-line numbers are left alone: in these texts they are offices');
- **abusive language** (:func:`find_abuse`): Indonesian and English word lists kept in
  ``consult/moderation/data``, matched after undoing common obfuscations — digits and symbols for
  letters (``anj1ng``, ``a5u``, ``sh!t``), stretched letters (``anjiiing``), letters spaced or
  dotted out (``a.n.j.i.n.g``), an asterisk for a letter or two (``f*ck``) — and with the usual
  suffixes (``-nya``, ``-lah``, ``-ing``, ``-s``);
- **link spam** (:func:`find_link_spam`): three links or more, a text that is mostly links, or a
  link shortener hiding where it goes;
- **floods** (:func:`is_flood`): many submissions from one source in a short time.

A hit holds a submission for review; it never hides one by itself: a word list cannot tell an
insult from a quotation of one, and "babi" is also a farm animal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")

PERSONAL_DATA_RULES = ("nik", "kk", "nip", "npwp", "phone", "email")
REASONS = {
    "nik": "NIK (nomor induk kependudukan)",
    "kk": "nomor kartu keluarga",
    "nip": "NIP (nomor induk pegawai)",
    "npwp": "NPWP",
    "phone": "nomor telepon",
    "email": "alamat e-mail",
    "abuse": "kata kasar",
    "link_spam": "tautan berlebihan",
    "flood": "banyak kiriman dalam waktu singkat",
}
# what replaces redacted personal data
REDACTION = {"nik": "[NIK]", "kk": "[KK]", "nip": "[NIP]", "npwp": "[NPWP]", "phone": "[telepon]",
             "email": "[e-mail]"}

# Kemendagri province codes (two digits) in use since the 2022 Papua provinces
PROVINCES = frozenset({11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
                       61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97})


@dataclass(frozen=True)
class Hit:
    """One rule that fired: ``rule`` (a code in ``REASONS``), ``reason`` (Indonesian, for the
    queue) and the span ``text[start:end]`` that made it fire (``0, 0`` for whole-text rules)."""

    rule: str
    reason: str
    start: int
    end: int


def _hit(rule: str, start: int = 0, end: int = 0) -> Hit:
    return Hit(rule, REASONS[rule], start, end)


# digits, optionally grouped by spaces, dots, dashes (any Unicode dash), underscores, slashes or
# brackets (at most three of them between digits: "(0812) 3456-7890", "0812 - 3456 - 7890",
# "1803/1245/..."); anchored so no run is re-scanned
_DIGIT_RUN = re.compile(r"(?<![\d.\-/])\+?\(?\d(?:[ .\-/()_\u2010-\u2015\u00a0]{0,3}\d)+(?![\d])")
# e-mail addresses written to dodge filters: "budi [at] gmail [dot] com", "budi @ gmail.com"
_EMAIL_DODGED = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:[\[(]\s*(?:at|et)\s*[\])]|\s@\s*|@\s+)\s*[\w-]+"
    r"(?:\s*(?:[\[(]\s*(?:dot|titik)\s*[\])]|\.)\s*[\w-]+)*\s*(?:[\[(]\s*(?:dot|titik)\s*[\])]|\.)\s*[a-z]{2,}(?![\w-])",
    re.IGNORECASE)
_NPWP_FORMAT = re.compile(r"(?<!\d)\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)
_KK_CONTEXT = re.compile(r"(?:\bkk\b|kartu\s+keluarga)[\s.:#-]*(?:no(?:mor)?\.?)?[\s.:#-]*$", re.IGNORECASE)
_NIK_CONTEXT = re.compile(r"(?:\bn\.?\s?i\.?\s?k\.?(?:-?nya|-?ku)?\b|\bktp\b|nomor\s+induk\s+kependudukan)"
                          r"(?:[\s.:#=()\-]|\b(?:saya|sy|aku|gue|gw|kami|ku|no|nomor|adalah|yaitu|ialah|is|my)\b)*$",
                          re.IGNORECASE)
_NPWP_CONTEXT = re.compile(r"\bnpwp\b[\s.:#-]*(?:no(?:mor)?\.?)?[\s.:#-]*$", re.IGNORECASE)


def _valid_date(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def valid_nik(digits: str) -> bool:
    """Whether 16 digits have the structure of a NIK: a known province, regency and district
    codes not 00, a birth date (day + 40 for women), and a serial not 0000."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    day, month, serial = int(digits[6:8]), int(digits[8:10]), int(digits[12:16])
    day = day - 40 if day > 40 else day
    return (province in PROVINCES and regency > 0 and district > 0 and _valid_date(day, month)
            and serial > 0)


def valid_kk(digits: str) -> bool:
    """Whether 16 digits can be a family-card (KK) number: region codes as a NIK's, an issue
    date (no +40) and a serial not 0000."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    return (province in PROVINCES and regency > 0 and district > 0
            and _valid_date(int(digits[6:8]), int(digits[8:10])) and int(digits[12:16]) > 0)


def valid_nip(digits: str) -> bool:
    """Whether 18 digits have the structure of a civil servant's NIP: birth date (year 1940–2010),
    appointment year (1960–2035) and month, sex digit 1 or 2, serial not 000."""
    if len(digits) != 18 or not digits.isdigit():
        return False
    birth_year, birth_month, birth_day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    start_year, start_month = int(digits[8:12]), int(digits[12:14])
    return (1940 <= birth_year <= 2010 and _valid_date(birth_day, birth_month)
            and birth_year + 15 <= start_year <= 2035 and 1 <= start_month <= 12
            and digits[14] in "12" and int(digits[15:18]) > 0)


# characters dropped before matching (zero-width and soft hyphen) and look-alike letters mapped
# to Latin (Cyrillic and Greek letters used to dodge word lists)
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_DIGITS = {chr(base + d): str(d) for base in (0xFF10, 0x0660, 0x06F0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6)
           for d in range(10)}  # full-width, Arabic-Indic and mathematical digits, as ASCII digits
_CONFUSABLES = str.maketrans({**_DIGITS, "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
                              "ј": "j", "к": "k", "м": "m", "т": "t", "н": "h", "в": "b", "ѕ": "s", "ԁ": "d",
                              "А": "A", "Е": "E", "О": "O", "Р": "P", "С": "C", "Х": "X", "У": "Y", "І": "I",
                              "К": "K", "М": "M", "Т": "T", "Н": "H", "В": "B", "α": "a", "ο": "o", "ι": "i",
                              "ε": "e", "ν": "v", "κ": "k", "τ": "t", "ρ": "p"})


def _normalised(text: str) -> tuple[str, list[int]]:
    """``text`` without invisible characters, with look-alike letters mapped to Latin and
    full-width or other Unicode digits to ASCII digits, and for each character of the result its
    index in ``text`` (plus one past the end)."""
    chars, index = [], []
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        chars.append(ch)
        index.append(i)
    index.append(len(text))
    return "".join(chars).translate(_CONFUSABLES), index


def _mapped(finder):
    """Run ``finder`` on the normalised text and map its spans back onto the original."""

    def run(text: str) -> list[Hit]:
        norm, index = _normalised(text)
        if len(norm) == len(text) and norm == text:
            return finder(text)
        return [Hit(h.rule, h.reason, index[h.start], index[h.end - 1] + 1 if h.end > h.start else index[h.start])
                for h in finder(norm)]

    run.__doc__ = finder.__doc__
    run.__name__ = finder.__name__
    return run


def find_personal_data(text: str) -> list[Hit]:
    """Personal identifiers in ``text``: NIK, KK, NIP, NPWP, mobile phone numbers, e-mail addresses.

    Returns:
        Hits in text order, spans covering the number as written (separators included). A
        16-digit number is a KK when "KK"/"kartu keluarga" stands just before it, else a NIK if its
        structure is valid; numbers with no valid structure (amounts, years, article numbers) are
        not hits.
    """
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(rule: str, start: int, end: int) -> None:
        if not any(a < end and start < b for a, b in taken):
            hits.append(_hit(rule, start, end))
            taken.append((start, end))

    for match in _EMAIL.finditer(text):
        add("email", *match.span())
    for match in _EMAIL_DODGED.finditer(text):
        add("email", *match.span())
    for match in _NPWP_FORMAT.finditer(text):
        add("npwp", *match.span())
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group()
        digits = re.sub(r"\D", "", raw)
        start, end = match.span()
        before = text[max(0, start - 30):start]
        if _NPWP_CONTEXT.search(before) and len(digits) in (15, 16):
            add("npwp", start, end)
        elif len(digits) == 16 and _KK_CONTEXT.search(before) and valid_kk(digits):
            add("kk", start, end)
        elif len(digits) == 16 and (valid_nik(digits) or _NIK_CONTEXT.search(before)):
            add("nik", start, end)  # valid structure, or any 16 digits right after "NIK (saya)" / "KTP"
        elif len(digits) == 18 and valid_nip(digits):
            add("nip", start, end)
        elif _is_mobile(raw, digits):
            add("phone", start, end)
        elif len(digits) == 15 and not _separated_like_amount(raw):
            add("npwp", start, end)  # a 15-digit tax number written without its dots
    hits.sort(key=lambda h: h.start)
    return hits


def _separated_like_amount(raw: str) -> bool:
    """Grouped in threes by dots or commas, like an amount of rupiah ("150.000.000.000.000")."""
    return re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw.strip()) is not None


def _is_mobile(raw: str, digits: str) -> bool:
    """Indonesian mobile numbers: 08 + 8–11 digits, or +62/62 + 8 + 8–11 digits (also the
    common "+62 0812…", with the trunk 0 kept)."""
    if digits.startswith("620"):
        digits = "62" + digits[3:]
    if digits.startswith("08"):
        return 10 <= len(digits) <= 13 and not raw.startswith("+")
    if digits.startswith("628"):
        return 11 <= len(digits) <= 14
    return False


# --------------------------------------------------------------------------- abusive language

_LEET = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "5": "s", "$": "s",
                       "7": "t", "+": "t"})
_TOKEN = re.compile(r"[a-z0-9@$!*+]+")
_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ .\-_*]){2,}[a-z](?![a-z])")
_SUFFIXES = ("nya", "lah", "kah", "mu", "ku", "an", "in", "ing", "ed", "er", "ers", "s", "y", "es")


def _collapse(word: str) -> str:
    """``word`` with runs of one letter shortened to one (``anjiiing`` → ``anjing``)."""
    return re.sub(r"(.)\1+", r"\1", word)


@lru_cache(maxsize=1)
def abusive_terms() -> tuple[frozenset[str], tuple[str, ...]]:
    """The abusive word lists: ``(single words collapsed, phrases)`` from ``data/abusive_*.txt``."""
    words, phrases = set(), []
    for path in sorted(DATA_DIR.glob("abusive_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lower()
            if not line or line.startswith("#"):
                continue
            if " " in line:
                phrases.append(line)
            else:
                words.add(_collapse(line))
    return frozenset(words), tuple(phrases)


def _abusive(token: str, words: frozenset[str]) -> bool:
    plain = _collapse(token.translate(_LEET))
    if "*" in plain:
        pattern = re.compile(plain.replace("*", "[a-z]{0,2}"))
        return any(pattern.fullmatch(w) for w in words if len(w) >= 3)
    if plain in words:
        return True
    for suffix in _SUFFIXES:
        stem = plain[: -len(suffix)]
        if plain.endswith(suffix) and len(stem) >= 4 and stem in words:
            return True
    return False


def _find_abuse(text: str) -> list[Hit]:
    """Abusive words and phrases in ``text`` (see the module docstring for the obfuscations undone).

    Returns:
        One hit per abusive word or phrase, spans as written, in text order.
    """
    words, phrases = abusive_terms()
    lowered = text.lower()
    hits = []
    for match in _TOKEN.finditer(lowered):
        token = match.group()
        if any(ch.isalpha() for ch in token) and _abusive(token, words):
            hits.append(_hit("abuse", *match.span()))
    for match in _SPACED.finditer(lowered):
        joined = re.sub(r"[ .\-_*]", "", match.group())
        if _abusive(joined, words) and not any(h.start <= match.start() < h.end for h in hits):
            hits.append(_hit("abuse", *match.span()))
    for phrase in phrases:
        for match in re.finditer(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", lowered):
            hits.append(_hit("abuse", *match.span()))
    hits.sort(key=lambda h: h.start)
    return hits


# --------------------------------------------------------------------------- links and floods

_LINK = re.compile(r"(?:https?://|www\.)\S++|(?<![\w@.-])(?:[a-z0-9-]++\.)+(?:com|net|org|id|info|xyz|ly|co|me|io|link|top|site|online|shop)(?:/\S*+)?(?![\w-])",
                   re.IGNORECASE)
SHORTENERS = frozenset({"bit.ly", "tinyurl.com", "t.co", "goo.gl", "cutt.ly", "s.id", "shorturl.at", "rb.gy",
                        "is.gd", "ow.ly", "tiny.cc", "rebrand.ly"})
MAX_LINKS = 2


find_personal_data = _mapped(find_personal_data)


def find_abuse(text: str) -> list[Hit]:
    """Abusive words and phrases in ``text``, also when hidden by zero-width characters or
    look-alike letters (see the module docstring for the other obfuscations undone).

    Returns:
        One hit per abusive word or phrase, spans as written, in text order.
    """
    return _mapped(_find_abuse)(text)


def find_link_spam(text: str) -> list[Hit]:
    """Link spam: more than ``MAX_LINKS`` links, links making up most of the text, or a link
    shortener. One whole-text hit (span ``0, 0``) when it fires, else none."""
    links = [m for m in _LINK.finditer(text)]
    if not links:
        return []
    link_chars = sum(m.end() - m.start() for m in links)
    words_outside = len(re.findall(r"[^\W\d_]{2,}", _LINK.sub(" ", text)))
    shortened = any(re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group().lower()).split("/")[0] in SHORTENERS
                    for m in links)
    if len(links) > MAX_LINKS or link_chars > 0.5 * len(text.strip()) or words_outside < 3 or shortened:
        return [_hit("link_spam")]
    return []


FLOOD_WINDOW = timedelta(minutes=10)
FLOOD_LIMIT = 5


def flood_hit() -> Hit:
    """The hit recorded when :func:`is_flood` fires (no span: it is about the sender)."""
    return _hit("flood")


def is_flood(times: list[datetime], now: datetime, *, window: timedelta = FLOOD_WINDOW,
             limit: int = FLOOD_LIMIT) -> bool:
    """Whether one source has sent more than ``limit`` submissions within ``window`` before ``now``.

    Args:
        times: when that source's earlier submissions arrived (any order; timezone-aware or not,
            as ``now``).
    """
    return sum(1 for t in times if now - window <= t <= now) >= limit


def check(text: str) -> list[Hit]:
    """Every content rule on ``text``: personal data, abusive language, link spam (text order)."""
    return sorted(find_personal_data(text) + find_abuse(text) + find_link_spam(text),
                  key=lambda h: (h.start, h.rule))


def redact(text: str, hits: list[Hit], rules: tuple[str, ...] = PERSONAL_DATA_RULES) -> str:
    """``text`` with the spans of ``hits`` whose rule is in ``rules`` replaced by a placeholder
    (``[NIK]``, ``[telepon]`` …; ``[…]`` for other rules). Overlapping spans are merged."""
    spans = sorted((h.start, h.end, h.rule) for h in hits if h.rule in rules and h.end > h.start)
    out, pos = [], 0
    for start, end, rule in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(REDACTION.get(rule, "[…]"))
        pos = end
    out.append(text[pos:])
    return "".join(out)
