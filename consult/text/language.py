"""Guessing whether a text is Indonesian, English or a mix of both.

A cheap, offline heuristic: the share of tokens that are Indonesian versus English function
words (the stopword lists). Good enough to choose a stemmer; not a general language identifier.
"""
from __future__ import annotations

import re

from .stopwords import stopwords

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str) -> str | None:
    """Return ``"id"``, ``"en"``, ``"mixed"`` or ``None`` (no function words found).

    ``mixed`` means both languages supply at least a quarter of the function words found
    (with at least two of each).
    """
    ids = stopwords("id")
    ens = stopwords("en")
    n_id = n_en = 0
    for word in _WORD.findall(text.lower()):
        in_id, in_en = word in ids, word in ens
        if in_id and not in_en:
            n_id += 1
        elif in_en and not in_id:
            n_en += 1
    total = n_id + n_en
    if total == 0:
        return None
    if min(n_id, n_en) >= 2 and min(n_id, n_en) / total >= 0.25:
        return "mixed"
    return "id" if n_id >= n_en else "en"
