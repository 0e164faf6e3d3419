"""Stopword lists, kept as data files in ``consult/text/data`` (``stopwords_<code>.txt``).

Indonesian (``id``) and English (``en``) are the theme pipeline's stopwords. Javanese (``jv``),
Sundanese (``su``) and a short Acehnese list (``ace``) hold function words for the language
detector (:mod:`consult.text.language`); each file's header says how it was written. Files hold
one lowercase word per line; lines starting with ``#`` are comments.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@lru_cache(maxsize=None)
def stopwords(language: str) -> frozenset[str]:
    """The stopword set for ``language`` (``"id"``, ``"en"``, ``"jv"``, ``"su"`` or ``"ace"``).

    Raises:
        ValueError: no list exists for ``language``.
    """
    path = DATA_DIR / f"stopwords_{language}.txt"
    if not path.exists():
        raise ValueError(f"no stopword list for language {language!r}")
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


def all_stopwords() -> frozenset[str]:
    """Indonesian and English stopwords together, for mixed-language text.

    The regional lists are not included: the theme pipeline's vocabulary stays as it was, and a
    few of their entries are content words in Indonesian texts (abdi negara, dina).
    """
    return stopwords("id") | stopwords("en")
