"""Bilingual preprocessing: tokens with offsets, stopwords, stems, sentences.

Tokenisation uses NLTK's ``RegexpTokenizer`` (no downloaded data). Indonesian words are stemmed
with PySastrawi (Nazief–Adriani with the ECS extensions, Asian & Tahaghoghi 2007), English words
with NLTK's Snowball (Porter2) stemmer. Stems are cached: a consultation repeats a small
vocabulary many times, and Sastrawi is slow per call.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer

from consult.text.language import guess_language
from consult.text.normalise import sentence_spans
from consult.text.stopwords import all_stopwords

# Letters only, allowing inner hyphens and apostrophes (masing-masing, e-learning, don't).
_tokenizer = RegexpTokenizer(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")

_english = SnowballStemmer("english")


@lru_cache(maxsize=1)
def _sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """Stem one lowercase word: Snowball English for ``"en"``, Sastrawi otherwise.

    Hyphenated words keep their form, except Indonesian reduplication (``masing-masing`` →
    stem of ``masing``).
    """
    if language == "en":
        return _english.stem(word)
    if "-" in word:
        parts = word.split("-")
        if len(set(parts)) == 1:
            return _sastrawi().stem(parts[0]) or parts[0]
        return word
    if "'" in word or "’" in word:
        return _english.stem(word)
    return _sastrawi().stem(word) or word


_PARTICLE = re.compile(r"(?:lah|kah|tah|pun)$")
_POSSESSIVE = re.compile(r"(?:ku|mu|nya)$")


def light_stem(word: str, language: str) -> str:
    """A cheap stem for rare words: Snowball for English; for Indonesian only the particles
    (-lah, -kah, -tah, -pun) and possessives (-ku, -mu, -nya) are removed, keeping ≥ 4 letters.

    Used where the full Indonesian stemmer would cost too much (it takes 0.1–0.7 ms per word).
    """
    if language == "en":
        return _english.stem(word)
    for pattern in (_PARTICLE, _POSSESSIVE):
        match = pattern.search(word)
        if match and match.start() >= 4:
            word = word[:match.start()]
    return word


class Token(NamedTuple):
    """A word of the text: ``surface`` is ``text[start:end]``, ``norm`` its lowercase form.

    A named tuple: documents are made of thousands of them, and tuples are built several times
    faster than frozen dataclasses.
    """

    surface: str
    norm: str
    stem: str
    start: int
    end: int
    stop: bool
    sentence: int


@dataclass(frozen=True)
class Processed:
    """A document after preprocessing: its tokens and its sentence spans ``(start, end)``."""

    language: str
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]

    def content_stems(self) -> list[str]:
        """Stems of the non-stopword tokens, in order."""
        return [t.stem for t in self.tokens if not t.stop]


def preprocess(text: str, language: str | None = None, stems: dict[str, str] | None = None,
               stops: frozenset[str] | None = None) -> Processed:
    """Tokenise, mark stopwords and stem ``text``.

    Args:
        text: the document text.
        language: ``"id"``, ``"en"``, ``"mixed"``; ``None`` guesses it from function words.
        stems: a known word → stem map (a fitted feature space's); words not in it get
            :func:`light_stem`. ``None`` stems every word fully.
        stops: the stopwords to mark; ``None`` means Indonesian and English ones.

    Returns:
        A :class:`Processed`; tokens shorter than two letters count as stopwords.
    """
    language = language or guess_language(text) or "id"
    stops = all_stopwords() if stops is None else stops
    sentences = sentence_spans(text)
    from .vectorise import URL

    urls = [m.span() for m in URL.finditer(text)]
    tokens = []
    sentence_index = 0
    for start, end in _tokenizer.span_tokenize(text):
        while sentence_index + 1 < len(sentences) and start >= sentences[sentence_index][1]:
            sentence_index += 1
        surface = text[start:end]
        norm = surface.lower().replace("’", "'")
        is_stop = (len(norm) < 2 or len(norm) > 40 or norm in stops or norm.split("'")[0] in stops
                   or any(a <= start < b for a, b in urls))
        word_language = "en" if language == "en" else "id"
        if is_stop:
            stemmed = norm
        elif stems is not None:
            stemmed = stems.get(norm) or light_stem(norm, word_language)
        else:
            stemmed = stem(norm, word_language)
        tokens.append(Token(surface, norm, stemmed,
                            start, end, is_stop, sentence_index))
    return Processed(language, tuple(tokens), tuple(sentences))
