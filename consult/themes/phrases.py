"""Key phrases per theme, scored with class-based TF-IDF.

Candidates are word n-grams (1–3 words) of the documents' own text that neither start nor end with
a stopword. Surface variants that stem alike (``pelatihan`` / ``latihan``) count as one phrase and
show their most frequent quotable form. The score is the class-based TF-IDF of BERTopic
(Grootendorst 2022, arXiv:2203.05794), ``W = f(p, c) · log(1 + A / f(p))``, computed on document
frequencies: ``f(p, c)`` is the share of the theme's documents containing ``p``, ``f(p)`` the number
of documents containing it anywhere, ``A`` the average theme size; longer phrases get a small bonus.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .preprocess import Processed

MAX_NGRAM = 3
LENGTH_BONUS = {1: 1.0, 2: 1.35, 3: 1.45}


@dataclass
class PhraseIndex:
    """Where each phrase key (tuple of stems) occurs.

    ``docs[key]`` is the set of document indices containing it; ``doc_keys[i]`` the keys of
    document ``i``; ``spans[key][i]`` the token positions ``(a, b)`` of its first occurrence in
    document ``i``, rendered on demand by :meth:`surface` (most phrases are never shown).
    """

    docs: dict[tuple[str, ...], set[int]]
    doc_keys: list[set[tuple[str, ...]]]
    spans: dict[tuple[str, ...], dict[int, tuple[int, int]]]
    processed: list[Processed]

    def surface(self, key: tuple[str, ...], i: int) -> str:
        """The form ``key`` takes in document ``i``: lowercase words, acronyms as written."""
        a, b = self.spans[key][i]
        return " ".join(_display(t) for t in self.processed[i].tokens[a:b + 1])


def _display(token) -> str:
    """How a word shows in a phrase: lowercase, except acronyms as written (ASN, SKP, PPPK)."""
    return token.surface if len(token.surface) > 1 and token.surface.isupper() else token.surface.lower()


def build_index(processed: list[Processed], texts: list[str]) -> PhraseIndex:
    """Collect candidate phrases of every document (within sentences, 1–3 words)."""
    docs: dict[tuple[str, ...], set[int]] = defaultdict(set)
    spans: dict[tuple[str, ...], dict[int, tuple[int, int]]] = defaultdict(dict)
    doc_keys: list[set[tuple[str, ...]]] = [set() for _ in processed]
    for i, proc in enumerate(processed):
        toks = proc.tokens
        text = texts[i]
        # words must be adjacent in the text (only spaces or hyphens between them)
        adjacent = [text[toks[j].end:toks[j + 1].start].strip(" -") == ""
                    and toks[j].sentence == toks[j + 1].sentence for j in range(len(toks) - 1)]
        keys = doc_keys[i]
        for a in range(len(toks)):
            if toks[a].stop:
                continue
            for n in range(1, MAX_NGRAM + 1):
                b = a + n - 1
                if b >= len(toks) or (b > a and not adjacent[b - 1]):
                    break
                if toks[b].stop:
                    continue
                key = tuple(t.stem for t in toks[a:b + 1])
                docs[key].add(i)
                keys.add(key)
                forms = spans[key]
                if i not in forms:
                    forms[i] = (a, b)
    return PhraseIndex(dict(docs), doc_keys, dict(spans), processed)


def key_phrases(
    index: PhraseIndex,
    members: list[int],
    quotable: list[bool],
    n_documents: int,
    mean_theme_size: float,
    limit: int = 6,
) -> list[tuple[str, list[int], float, tuple[str, ...]]]:
    """The best ``limit`` key phrases of one theme.

    Args:
        index: the phrase index of all documents.
        members: document indices in the theme.
        quotable: per document index, whether it may be quoted.
        n_documents: number of documents analysed.
        mean_theme_size: average number of documents per theme (``A`` above).
        limit: most phrases returned.

    Returns:
        ``(surface, member indices containing it, score, stem key)``, best first. Each phrase occurs in at
        least one quotable member, and in at least two members when the theme has three or more;
        a phrase contained in a better one (same stems) is dropped unless it is much more frequent.
    """
    member_set = set(members)
    size = len(members)
    min_df = 2 if size >= 3 else 1
    counts: Counter = Counter()
    for i in members:
        counts.update(index.doc_keys[i])
    scored = []
    for key, count in counts.items():
        if count < min_df:
            continue
        doc_ids = index.docs[key]
        inside = doc_ids & member_set
        quotable_inside = [i for i in inside if quotable[i]]
        if not quotable_inside:
            continue
        weight = (len(inside) / size) * math.log(1 + mean_theme_size / len(doc_ids))
        score = weight * LENGTH_BONUS[len(key)]
        scored.append((score, key, sorted(inside), quotable_inside))
    scored.sort(key=lambda row: (-row[0], row[1]))

    chosen: list[tuple[float, tuple[str, ...], list[int], list[int]]] = []
    for score, key, inside, quotable_inside in scored:
        key_set = set(key)
        replaced = False
        skip = False
        for j, (_c_score, c_key, c_inside, _q) in enumerate(chosen):
            c_set = set(c_key)
            if key_set <= c_set:  # shorter or equal variant of a chosen phrase
                skip = True
                break
            if c_set < key_set and len(inside) >= 0.6 * len(c_inside):
                chosen[j] = (score, key, inside, quotable_inside)  # the longer phrase says more
                replaced = True
                break
        if skip or replaced:
            continue
        chosen.append((score, key, inside, quotable_inside))
        if len(chosen) >= limit:
            break

    # de-duplicate after replacements (two chosen phrases may have become the same)
    out, seen = [], set()
    for score, key, inside, quotable_inside in chosen:
        if key in seen:
            continue
        seen.add(key)
        forms = Counter(index.surface(key, i) for i in quotable_inside)
        surface = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out.append((surface, inside, score, key))
    return out
