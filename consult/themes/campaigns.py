"""Form-letter campaigns: near-identical submissions grouped, with each copy's own additions.

A campaign is a set of at least ``min_size`` documents whose word 3-shingle sets have a Jaccard
similarity of at least ``threshold`` to one another, directly or through other copies (connected
components of the "similar enough" graph). Detection follows the classic recipe of Broder (1997,
"On the resemblance and containment of documents") and Leskovec, Rajaraman & Ullman, *Mining of
Massive Datasets*, ch. 3 ("Finding similar items"):

1. **Normalise and tokenise** (:func:`_token_spans`): word tokens of the text, NFKC-normalised and
   case-folded, with zero-width and other invisible characters removed (so ``pen\\u200bolakan`` is
   ``penolakan``); punctuation and whitespace only separate tokens. Chinese and Japanese
   characters are one token each (those scripts put no spaces between words).
2. **Filter short texts**: a text with fewer than ``min_words`` tokens (default 8) is never part of
   a campaign. Short replies such as "setuju", "-", "tidak ada" or "ok" are identical by nature,
   not because they were copied from a shared letter.
3. **Exact duplicates first**: texts with the same normalised token sequence are merged before any
   hashing (a dictionary look-up), so a campaign of 10,000 identical e-mails costs one MinHash.
4. **MinHash** (``datasketch``'s ``"affine32"`` scheme, computed for all texts at once with NumPy
   and checked against :class:`datasketch.MinHash` in the tests) over the set of word shingles
   (``shingle_size`` consecutive tokens; a text shorter than that is one shingle).
5. **LSH banding** (:class:`datasketch.MinHashLSH`, bands and rows tuned for recall: false
   negatives weigh 0.98, false positives 0.02) gives candidate pairs; every candidate is **confirmed
   with the exact Jaccard similarity** of the two shingle sets, so the LSH only costs time, never
   precision. A vectorised pre-pass over the same bands leaves out of the index the texts that
   share no band with any other text (most texts): they could never be candidates.
   Within one LSH bucket, texts are taken shortest first and each is compared with up to three
   exemplars (the first members seen) of each group already there, not with every member: this
   keeps campaigns of many thousands of near copies linear, and the shortest copies, the plainest,
   make the best exemplars. A bucket crowded with unlike texts keeps at most 16 exemplars, and
   there the MinHash estimate skips the clearly unlike ones before the exact comparison.
6. **Union-find** joins confirmed pairs; components with fewer than ``min_size`` documents are
   dropped.

Each campaign then gets a representative (the copy closest to the consensus of the copies), a
template (the representative's words that most copies share) and, for every copy, the character
spans of its own additions, found by aligning its tokens with the template's
(:class:`difflib.SequenceMatcher`, Ratcliff–Obershelp matching).

The same input (same documents in the same order, same parameters) always gives the same output:
hashing uses BLAKE2b and seeded permutations, never Python's per-process ``hash()``.
"""
from __future__ import annotations

import difflib
import gc
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, chain
from typing import Iterable

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .types import Document

SHINGLE_SIZE = 3
MIN_WORDS = 8
LSH_WEIGHTS = (0.02, 0.98)  # (false positive, false negative) weights for the band/row choice
EXEMPLARS_PER_GROUP = 3  # per LSH bucket and group: members a new text may be compared with
MAX_EXEMPLARS = 16  # per LSH bucket, all groups together (guards buckets of many unlike texts)
# Where a bucket already holds more than 4 exemplars (many unlike texts), those whose MinHash
# estimate is below threshold * (1 - ESTIMATE_MARGIN) are not compared exactly: at 128
# permutations a pair exactly at 0.7 is estimated below 0.56 with probability 4e-4 (at 0.8, 1e-5).
ESTIMATE_MARGIN = 0.2
CORE_SAMPLE = 200  # distinct copies that vote on the template (the most frequent ones)
_CHUNK = 1 << 14  # shingles per NumPy block when computing signatures (8 MiB at 128 perms)

# Characters that draw nothing: soft hyphen, zero-width space/joiners, word joiner, bidi marks,
# BOM, variation selectors, Mongolian vowel separator. Kept inside a token, then removed.
_INVISIBLE = ("\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
              "\ufe00-\ufe0f\ufeff")
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining accents
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"  # kana and ideographs
# Underscores are replaced by spaces before these run (same length, so offsets hold).
_WORD = re.compile(rf"[\w{_INVISIBLE}{_MARKS}]+")
_WORD_CJK = re.compile(rf"[{_CJK}]|(?:[^\W{_CJK}]|[{_INVISIBLE}{_MARKS}])+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_SPECIAL = re.compile(rf"[{_INVISIBLE}{_MARKS}{_CJK}]")
_PLAIN_WORD = re.compile(r"\w+")
_PLAIN_SPLIT = re.compile(r"(\w+)")
_STRIP = dict.fromkeys(
    [c for lo, hi in re.findall(r"(.)(?:-(.))?", _INVISIBLE) for c in range(ord(lo), ord(hi or lo) + 1)])
_OPENING = "([{<«‹“‘„‚\"'¿¡"  # may open a span; the unambiguous ones never close one
_SEP = "\x1f"  # joins tokens for substring search: never inside a token
_TRAILING_PUNCT = re.compile(r"[^\w\s([{<«‹“‘„‚¿¡]*")

# Odd 64-bit multipliers, one per shingle position (order matters: "a b c" ≠ "c b a").
_POSITION_MULTIPLIERS = np.array(
    [int.from_bytes(hashlib.blake2b(b"consult-shingle-%d" % i, digest_size=8).digest(), "little") | 1
     for i in range(64)], dtype=np.uint64)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@dataclass(frozen=True)
class Campaign:
    """A form-letter campaign: documents that are copies of one shared text.

    Attributes:
        id: ``"c1"``, ``"c2"``, … in order of size (largest first), then of the input position of
            the campaign's earliest document.
        representative_id: the copy closest to the shared text: the document whose shingle set has
            the highest Jaccard similarity to the campaign's consensus set (the shingles found in
            more than half of the copies); ties go to the text sent most often, then the shortest,
            then the earliest. It is a real document, so it can be quoted as is.
        document_ids: every copy, the representative first, the others in input order.
        template: the text the copies share: the representative's text restricted to its words
            that more than half of the copies also contain (in the same order), with original
            spacing and punctuation; where the representative's own words were left out, the
            pieces are joined with ``" … "``. Empty only in degenerate cases.
        added_text: document id → character spans ``(start, end)`` in that document's own text
            (``document.text[start:end]`` is verbatim) holding the words that are not matched by
            the template, in order and non-overlapping; a span runs from the first word of a run
            of unmatched words to the end of the punctuation after its last word. A personal
            sentence before, inside or after the letter is one span; a changed word (a typo, a
            filled-in name or school) is a short span of its own. Empty list for a pure copy.
    """

    id: str
    representative_id: str
    document_ids: list[str]
    template: str
    added_text: dict[str, list[tuple[int, int]]]

    @property
    def size(self) -> int:
        """Number of documents in the campaign (copies, the representative included)."""
        return len(self.document_ids)


@lru_cache(maxsize=1 << 16)
def _normalise(raw: str) -> str:
    """One raw token NFKC-normalised, case-folded, without invisible characters or spaces (NFKC
    expands a few ligatures into several words)."""
    return "".join(unicodedata.normalize("NFKC", raw.translate(_STRIP)).casefold().split())


def _plain(text: str) -> bool:
    """Whether ``text`` needs no per-token normalisation: NFKC already, no invisible characters,
    combining accents or CJK characters (nearly all real text)."""
    return not _SPECIAL.search(text) and unicodedata.is_normalized("NFKC", text)


def _token_spans(text: str) -> list[tuple[str, int, int]]:
    """Normalised word tokens of ``text`` with their character offsets in it.

    Returns ``[(token, start, end), …]`` where ``text[start:end]`` is the token as written. Tokens
    are runs of letters and digits (underscores and punctuation separate them), kept whole across
    invisible characters and combining accents; each Chinese or Japanese character is a token.
    The token is NFKC-normalised, case-folded and stripped of invisible characters.
    """
    text = text.replace("_", " ")
    if _plain(text):
        folded = text.casefold()
        if len(folded) == len(text):  # case folding kept every character in place
            parts = _PLAIN_SPLIT.split(folded)  # [gap, word, gap, word, …, gap]
            ends = list(accumulate(map(len, parts)))
            return list(zip(parts[1::2], ends[0:-1:2], ends[1::2]))
    pattern = _WORD_CJK if _HAS_CJK.search(text) else _WORD
    out = []
    for match in pattern.finditer(text):
        token = _normalise(match.group())
        if token:
            out.append((token, match.start(), match.end()))
    return out


def _tokens(text: str) -> list[str]:
    """The tokens of :func:`_token_spans` without offsets, as detection uses them.

    Plain text (see :func:`_plain`) is case-folded whole and split in one regular-expression pass,
    several times faster than normalising token by token, with the same result.
    """
    text = text.replace("_", " ")
    if _plain(text):
        return _PLAIN_WORD.findall(text.casefold())
    return [token for token, _start, _end in _token_spans(text)]


def _token_hashes(vocabulary: Iterable[str]) -> np.ndarray:
    """Stable 64-bit hashes (BLAKE2b) of the given tokens, in order; never Python's ``hash()``."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
                        for t in vocabulary), dtype=np.uint64)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine permutations."""
    s1, m1, s2, m2, s3 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s3)


def _shingle_hashes(texts: list[tuple[int, ...]], token_hashes: np.ndarray,
                    k: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of the word k-shingles of every text, concatenated.

    ``texts`` are token ids, ``token_hashes[id]`` each token's 64-bit hash. Returns
    ``(hashes, offsets)``: text ``i``'s shingles are ``hashes[offsets[i]:offsets[i+1]]``
    (``len(tokens) - k + 1`` of them, or one for a text shorter than ``k``, hashed as if padded).
    A shingle's hash is a position-weighted sum of its tokens' hashes (mod 2**64), folded to 32 bits.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    padded = np.maximum(lengths, k)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(padded, out=starts[1:])
    real_starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=real_starts[1:])
    flat = np.zeros(int(starts[-1]), dtype=np.uint64)
    positions = np.repeat(starts[:-1] - real_starts[:-1], lengths) + np.arange(real_starts[-1])
    ids = np.fromiter(chain.from_iterable(texts), dtype=np.int64, count=int(real_starts[-1]))
    flat[positions] = token_hashes[ids]
    counts = padded - k + 1
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    first = np.repeat(starts[:-1] - offsets[:-1], counts) + np.arange(offsets[-1])
    acc = np.zeros(offsets[-1], dtype=np.uint64)
    for j in range(k):
        acc += flat[first + j] * _POSITION_MULTIPLIERS[j]
    folded = (acc ^ (acc >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return folded.astype(np.uint32), offsets


def _signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signatures, shape ``(len(offsets) - 1, num_perm)``, dtype uint32.

    Identical to ``datasketch.MinHash(num_perm, seed, hashfunc=lambda h: h)`` updated with each
    text's shingle hashes (scheme ``"affine32"``: ``min(a * fmix32(h) + b mod 2**32)``), but for all
    texts at once. Every text must have at least one shingle.
    """
    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    a, b = a.astype(np.uint32)[:, None], b.astype(np.uint32)[:, None]
    mixed = _fmix32(hashes)
    n = len(offsets) - 1
    out = np.empty((n, num_perm), dtype=np.uint32)
    lo = 0
    while lo < n:  # blocks of whole texts, about _CHUNK shingles each; permutations along rows
        hi = int(np.searchsorted(offsets, offsets[lo] + _CHUNK, side="right")) - 1
        hi = min(max(hi, lo + 1), n)
        block = a * mixed[None, offsets[lo]:offsets[hi]]
        block += b
        out[lo:hi] = np.minimum.reduceat(block, offsets[lo:hi] - offsets[lo], axis=1).T
        lo = hi
    return out


@lru_cache(maxsize=32)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that datasketch's optimiser picks for ``threshold`` with :data:`LSH_WEIGHTS`.

    At 0.7 and 128 permutations: 23 bands of 5 rows, so a pair at Jaccard 0.7 shares a band with
    probability 0.985, at 0.77 (a letter with a 30-word personal paragraph) 0.9993, at 0.3 0.054.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


def _band_colliders(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Indices of the signatures that share at least one LSH band with another signature.

    The same bands as :class:`datasketch.MinHashLSH` (``bands`` consecutive slices of ``rows``
    values). A signature that collides in no band can never be a candidate, so leaving it out of the
    index changes no result; in real consultations that is most texts, and inserting them one by
    one would dominate the run time.
    """
    hit = np.zeros(len(sigs), dtype=bool)
    for band in range(bands):
        # A 64-bit hash of the band's values: a rare hash collision only adds a text to the index.
        key = np.zeros(len(sigs), dtype=np.uint64)
        for row in range(band * rows, (band + 1) * rows):
            key = key * np.uint64(0x9E3779B97F4A7C15) + sigs[:, row]
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        same = ordered[1:] == ordered[:-1]
        hit[order[1:][same]] = True
        hit[order[:-1][same]] = True
    return np.flatnonzero(hit)


class _UnionFind:
    """Disjoint sets over ``0 … n-1`` (path halving); the smallest index is each set's root."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        """The root of ``x``'s set (halving the path on the way)."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        """Join the sets of ``x`` and ``y``; the smaller root stays the root."""
        rx, ry = self.find(x), self.find(y)
        if rx != ry:  # the smaller index becomes the root: deterministic
            self.parent[max(rx, ry)] = min(rx, ry)


def _near_duplicate_groups(texts: list[tuple[int, ...]], vocabulary: list[str], *, threshold: float,
                           num_perm: int, seed: int,
                           shingle_size: int) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
    """Connected components (lists of text indices) of confirmed near-duplicate pairs.

    ``texts`` are token ids into ``vocabulary``. Also returns the shingle hashes and offsets (see
    :func:`_shingle_hashes`) for later use.
    """
    hashes, offsets = _shingle_hashes(texts, _token_hashes(vocabulary), shingle_size)
    n = len(texts)
    uf = _UnionFind(n)
    if n > 1:
        sigs = _signatures(hashes, offsets, num_perm, seed)
        lsh = MinHashLSH(num_perm=num_perm, params=_lsh_params(threshold, num_perm))
        with lsh.insertion_session(buffer_size=n) as session:
            for i in _band_colliders(sigs, lsh.b, lsh.r):
                session.insert(int(i), LeanMinHash(seed=seed, hashvalues=sigs[i], scheme="affine32"),
                               check_duplication=False)
        sets: dict[int, set[int]] = {}

        def shingle_set(i: int) -> set[int]:
            s = sets.get(i)
            if s is None:
                s = sets[i] = set(hashes[offsets[i]:offsets[i + 1]].tolist())
            return s

        def similar(i: int, j: int) -> bool:
            si, sj = shingle_set(i), shingle_set(j)
            inter = len(si & sj)
            return inter >= threshold * (len(si) + len(sj) - inter)

        sizes = np.diff(offsets).tolist()
        margin = ESTIMATE_MARGIN * threshold
        for table in lsh.hashtables:
            for key in table.keys():
                bucket = table.get(key)
                if len(bucket) < 2:
                    continue
                # Shortest texts first: they are the plainest copies, the best exemplars.
                exemplars: list[int] = []
                roots: list[int] = []  # each exemplar's group, kept current
                ex_sigs = None
                for m in sorted(bucket, key=lambda i: (sizes[i], i)):
                    rm = uf.find(m)
                    if len(exemplars) > 4:  # many groups here: skip the clearly unlike ones cheaply
                        if ex_sigs is None or len(ex_sigs) < len(exemplars):
                            ex_sigs = sigs[exemplars]
                        estimate = np.count_nonzero(ex_sigs == sigs[m], axis=1) / num_perm
                        todo = [i for i in np.flatnonzero(estimate >= threshold - margin).tolist()
                                if roots[i] != rm]
                    else:
                        todo = [i for i, root in enumerate(roots) if root != rm]
                    merged = False
                    for i in todo:
                        if uf.find(exemplars[i]) != rm and similar(m, exemplars[i]):
                            uf.union(m, exemplars[i])
                            rm = uf.find(m)
                            merged = True
                    if merged:
                        roots = [uf.find(e) for e in exemplars]
                    if len(exemplars) < MAX_EXEMPLARS and roots.count(rm) < EXEMPLARS_PER_GROUP:
                        exemplars.append(m)
                        roots.append(rm)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    return list(groups.values()), hashes, offsets


def _char_spans(text: str, spans: list[tuple[str, int, int]],
                runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of tokens ``(first, last + 1)`` as character spans of ``text``, in order, disjoint.

    A span runs from its first word's start to its last word's end, widened to the brackets or
    quotes that directly open it and the punctuation that directly follows it (``motor.`` → with
    the dot, ``[nama]`` → with both brackets).
    """
    out: list[tuple[int, int]] = []
    for a, b in runs:
        start, end = spans[a][1], spans[b - 1][2]
        floor = out[-1][1] if out else 0
        while start > floor and text[start - 1] in _OPENING:
            start -= 1
        out.append((start, _TRAILING_PUNCT.match(text, end).end()))
    return out


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """Maximal runs ``(first, last + 1)`` of indices whose flag is true."""
    runs, start = [], None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(flags)))
    return runs


def _unmatched(matcher: difflib.SequenceMatcher, core_joined: str,
               tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """Runs ``(first, last + 1)`` of ``tokens`` that the template does not match.

    ``matcher`` holds the template's tokens as its second sequence, ``core_joined`` the same tokens
    joined by :data:`_SEP` with one before and after. A copy that holds the whole template in one
    piece (additions only before or after it: the common case) is settled by one string search;
    any other copy is aligned with :class:`difflib.SequenceMatcher`.
    """
    joined = _SEP + _SEP.join(tokens) + _SEP
    at = joined.find(core_joined)
    if at >= 0:
        first = joined.count(_SEP, 0, at + 1) - 1
        last = first + core_joined.count(_SEP) - 1
        return [r for r in ((0, first), (last, len(tokens))) if r[0] < r[1]]
    flags = [True] * len(tokens)
    matcher.set_seq1(tokens)
    for i, _j, size in matcher.get_matching_blocks():
        flags[i:i + size] = [False] * size
    return _runs(flags)


def _consensus_scores(group: list[int], weights: np.ndarray, hashes: np.ndarray,
                      offsets: np.ndarray) -> np.ndarray:
    """For each text of ``group``: the Jaccard similarity of its shingle set to the consensus.

    The consensus is the set of shingles found in more than half of the copies (each text weighs
    as many documents as carry it). Returns float64 scores in [0, 1], shape ``(len(group),)``.
    """
    uniques = [np.unique(hashes[offsets[t]:offsets[t + 1]]) for t in group]
    sizes = np.array([len(u) for u in uniques], dtype=np.int64)
    owner = np.repeat(np.arange(len(group)), sizes)
    _values, inverse = np.unique(np.concatenate(uniques), return_inverse=True)
    inverse = inverse.ravel()
    support = np.bincount(inverse, weights=weights[owner])
    consensus = support * 2 > weights.sum()
    inter = np.bincount(owner, weights=consensus[inverse], minlength=len(group))
    return inter / (sizes + consensus.sum() - inter)


def _build_campaign(group: list[int], copies: list[list[int]], documents: list[Document],
                    hashes: np.ndarray, offsets: np.ndarray) -> Campaign:
    """Representative, template and added text of one group of distinct texts (see :class:`Campaign`).

    ``group`` holds indices of distinct texts, ``copies[t]`` the input positions of text ``t``'s
    documents (in input order). Alignment uses the offset-carrying tokens of each document's own
    text, so the spans are exact whatever the detection tokens were.
    """
    weights = np.array([len(copies[t]) for t in group], dtype=np.int64)
    score = _consensus_scores(group, weights, hashes, offsets)
    best = min(range(len(group)), key=lambda g: (-round(float(score[g]), 12), -int(weights[g]),
                                                  len(documents[copies[group[g]][0]].text),
                                                  copies[group[g]][0]))
    rep_index = copies[group[best]][0]
    rep_text = documents[rep_index].text
    rep_spans = _token_spans(rep_text)
    rep_tokens = [token for token, _start, _end in rep_spans]

    # Template: the representative's tokens matched in more than half of the (most sent) copies.
    voters = sorted((g for g in range(len(group)) if g != best),
                    key=lambda g: (-int(weights[g]), copies[group[g]][0]))[:CORE_SAMPLE]
    votes = np.full(len(rep_tokens), int(weights[best]), dtype=np.int64)
    voted = int(weights[best]) + sum(int(weights[g]) for g in voters)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(rep_tokens)
    for g in voters:
        matcher.set_seq1([token for token, _s, _e in _token_spans(documents[copies[group[g]][0]].text)])
        for _i, j, size in matcher.get_matching_blocks():
            votes[j:j + size] += int(weights[g])
    keep = (votes * 2 > voted).tolist()
    core = [token for token, kept in zip(rep_tokens, keep) if kept]
    pieces = _char_spans(rep_text, rep_spans, _runs(keep))
    template = " … ".join(rep_text[start:end] for start, end in pieces)

    # Added text: each copy's tokens that the template does not match, as spans of its own text.
    matcher.set_seq2(core)
    core_joined = _SEP + _SEP.join(core) + _SEP
    unmatched_runs: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    members = sorted(d for t in group for d in copies[t])
    ordered = [rep_index] + [d for d in members if d != rep_index]
    added: dict[str, list[tuple[int, int]]] = {}
    by_text: dict[str, list[tuple[int, int]]] = {}  # identical copies are common: align each text once
    for d in ordered:
        text = documents[d].text
        if text in by_text:
            added[documents[d].id] = list(by_text[text])
            continue
        spans = _token_spans(text)
        tokens = tuple(token for token, _s, _e in spans)
        runs = unmatched_runs.get(tokens)
        if runs is None:
            runs = unmatched_runs[tokens] = _unmatched(matcher, core_joined, tokens)
        added[documents[d].id] = by_text[text] = _char_spans(text, spans, runs)
    return Campaign(id="", representative_id=documents[rep_index].id,
                    document_ids=[documents[d].id for d in ordered], template=template, added_text=added)


def detect_campaigns(documents: Iterable[Document], *, threshold: float = 0.7, min_size: int = 3,
                     num_perm: int = 128, seed: int = 1, shingle_size: int = SHINGLE_SIZE,
                     min_words: int = MIN_WORDS) -> list[Campaign]:
    """Find form-letter campaigns: groups of near-identical documents.

    Args:
        documents: the texts to search (any iterable of :class:`Document`; ids unique).
        threshold: minimum Jaccard similarity (0–1] of two texts' word-shingle sets for them to be
            copies of each other; a campaign is a connected component of such pairs. At 0.7 with
            3-word shingles, a copy of a 150-word letter stays a copy with up to about 60 words of
            its own added in one place, or about 8 single words changed.
        min_size: minimum number of documents (exact duplicates included) in a campaign, ≥ 2.
        num_perm: number of MinHash permutations (signature length); more costs time, gives the
            LSH sharper recall around ``threshold``.
        seed: seed of the MinHash permutations; results are reproducible for a given seed.
        shingle_size: words per shingle, ≥ 1.
        min_words: texts with fewer normalised word tokens never belong to a campaign (short
            replies such as "setuju" or "tidak ada" are not form letters), ≥ 1.

    Returns:
        Campaigns, largest first (see :class:`Campaign` for the order and every field). Documents in
        no campaign are simply absent. Empty input gives ``[]``.

    Raises:
        ValueError: for duplicate document ids or a parameter out of range.

    Cost: linear in the total length of the texts, plus one exact Jaccard comparison per candidate
    pair that LSH finds and one token alignment per distinct copy; single-threaded. 100,000 real
    texts (3.2 million words, ``benchmarks/campaigns.py``) took 6–7.5 s of CPU on a shared 2-core
    machine busy with two other jobs, and about 0.4 GiB beyond the input: tokenising ≈1 s, token
    ids ≈0.6 s, shingle hashes and MinHash signatures ≈1.2 s, inserting the ≈28,000 texts that
    share a band with another into ``MinHashLSH`` ≈1.5–2.4 s (and ≈180 MB), confirming ≈0.5 s.

    Sources: Broder 1997 (resemblance, MinHash); Leskovec, Rajaraman & Ullman, *Mining of Massive
    Datasets*, ch. 3 (shingling, LSH banding); datasketch's ``MinHash``/``MinHashLSH``
    (https://ekzhu.com/datasketch/).
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    if min_size < 2:
        raise ValueError(f"min_size must be at least 2, got {min_size!r}")
    if num_perm < 2:
        raise ValueError(f"num_perm must be at least 2, got {num_perm!r}")
    if not 1 <= shingle_size <= len(_POSITION_MULTIPLIERS):
        raise ValueError(f"shingle_size must be in 1..{len(_POSITION_MULTIPLIERS)}, got {shingle_size!r}")
    if min_words < 1:
        raise ValueError(f"min_words must be at least 1, got {min_words!r}")
    documents = list(documents)
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            raise ValueError(f"duplicate document id {doc.id!r}")
        seen.add(doc.id)

    # The run allocates many small objects that all live until it returns; the cyclic garbage
    # collector would walk them again and again (a quarter of the time), and there are no cycles
    # to find. It is paused for the call and resumed as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _detect(documents, threshold=threshold, min_size=min_size, num_perm=num_perm, seed=seed,
                       shingle_size=shingle_size, min_words=min_words)
    finally:
        if collecting:
            gc.enable()


def _detect(documents: list[Document], *, threshold: float, min_size: int, num_perm: int, seed: int,
            shingle_size: int, min_words: int) -> list[Campaign]:
    """:func:`detect_campaigns` on a validated list."""
    # Exact duplicates (after normalisation) become one text with several copies. Texts are kept
    # as tuples of token ids: the token strings of 100,000 texts would take hundreds of MB.
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new token gets the next id
    index: dict[tuple[int, ...], int] = {}
    texts: list[tuple[int, ...]] = []
    copies: list[list[int]] = []
    for position, doc in enumerate(documents):
        tokens = _tokens(doc.text)
        if len(tokens) < min_words:
            continue
        key = tuple(map(vocabulary.__getitem__, tokens))
        t = index.get(key)
        if t is None:
            t = index[key] = len(texts)
            texts.append(key)
            copies.append([])
        copies[t].append(position)
    if not texts:
        return []

    groups, hashes, offsets = _near_duplicate_groups(texts, list(vocabulary), threshold=threshold,
                                                     num_perm=num_perm, seed=seed, shingle_size=shingle_size)
    groups = [g for g in groups if sum(len(copies[t]) for t in g) >= min_size]
    campaigns = [_build_campaign(g, copies, documents, hashes, offsets) for g in groups]
    first = [min(copies[t][0] for t in g) for g in groups]
    order = sorted(range(len(campaigns)), key=lambda i: (-campaigns[i].size, first[i]))
    return [replace(campaigns[i], id=f"c{n}") for n, i in enumerate(order, 1)]
