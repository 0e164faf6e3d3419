"""The analysis pipeline: preprocess → TF-IDF → LSA → k-means → key phrases, labels, quotes.

Documents become vectors of TF-IDF weights over stems and stem bigrams (scikit-learn's
``TfidfVectorizer``, sublinear term frequency), reduced by truncated SVD (latent semantic
analysis, Deerwester et al. 1990) and length-normalised, then grouped by k-means. When the number
of themes is not given, it is the k between 2 and ``max_themes`` with the best cosine silhouette
(Rousseeuw 1987). Documents far from every centre, with no usable words, or left in a group too
small to be a theme are reported as unassigned rather than forced into a theme.
"""
from __future__ import annotations

import math
import time
from collections import Counter
from typing import Callable, Iterable

import numpy as np

from .phrases import build_index, key_phrases
from .preprocess import Processed, preprocess
from .quotes import pick_quotes
from .types import Document, Theme, ThemeResult

Progress = Callable[[str, float], None]

MIN_DOCUMENTS_TO_CLUSTER = 6
MIN_SIMILARITY = 0.1  # cosine to the theme centre in LSA space; below it a document is unassigned
LSA_COMPONENTS = 100


def _features(proc: Processed) -> list[str]:
    stems = proc.content_stems()
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:])]


def _report(progress: Progress | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, max(0.0, min(1.0, fraction)))


def _max_themes(n: int) -> int:
    return max(2, min(20, int(round(math.sqrt(n / 2))) + 2))


def _choose_k(Z: np.ndarray, seed: int, k_values: Iterable[int], progress: Progress | None):
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    k_values = list(k_values)
    scores: dict[int, float] = {}
    best = None
    sample = min(len(Z), 3000)
    for step, k in enumerate(k_values):
        model = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(Z)
        if len(set(model.labels_)) < 2:
            continue
        score = float(silhouette_score(Z, model.labels_, metric="cosine", sample_size=sample, random_state=seed))
        scores[k] = round(score, 4)
        if best is None or score > best[0]:
            best = (score, k, model)
        _report(progress, "cluster", (step + 1) / len(k_values))
    return best, scores


def _match_previous(themes: list[dict], previous) -> None:
    """Carry theme ids over from ``previous`` (greedy best Jaccard overlap ≥ 0.3)."""
    prev_themes = getattr(previous, "themes", previous) or []
    pairs = []
    for i, theme in enumerate(themes):
        members = set(theme["document_ids"])
        for old in prev_themes:
            old_members = set(old.document_ids)
            union = members | old_members
            if union:
                jaccard = len(members & old_members) / len(union)
                if jaccard >= 0.3:
                    pairs.append((jaccard, i, old.id))
    taken_new, taken_old = set(), set()
    for _jac, i, old_id in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i not in taken_new and old_id not in taken_old:
            themes[i]["id"] = old_id
            taken_new.add(i)
            taken_old.add(old_id)
    used = {t["id"] for t in themes if t.get("id")} | {t.id for t in prev_themes}
    counter = 1
    for theme in themes:
        if not theme.get("id"):
            while f"t{counter}" in used:
                counter += 1
            theme["id"] = f"t{counter}"
            used.add(theme["id"])


def analyse(
    documents: Iterable[Document],
    *,
    n_themes: int | None = None,
    seed: int = 0,
    previous: ThemeResult | list[Theme] | None = None,
    progress: Progress | None = None,
) -> ThemeResult:
    """Group documents into themes.

    Args:
        documents: the texts to analyse; ids must be unique.
        n_themes: number of themes wanted, capped so each theme can have its minimum size (2
            documents, 3 from 100 documents up); ``None`` chooses it by silhouette.
        seed: random seed; the same input and seed give the same result.
        previous: an earlier result for the same question; themes that mostly keep their
            members keep their ids.
        progress: called as ``progress(stage, fraction)`` with stage in ``preprocess``,
            ``vectorise``, ``cluster``, ``describe`` and fraction in [0, 1].

    Returns:
        A :class:`ThemeResult`; every input id is in exactly one theme or in ``unassigned``.

    Raises:
        ValueError: duplicate document ids, or ``n_themes`` < 1.
    """
    started = time.perf_counter()
    docs = list(documents)
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    if n_themes is not None and n_themes < 1:
        raise ValueError("n_themes must be at least 1")
    n = len(docs)
    diagnostics: dict = {"n_documents": n}
    if n == 0:
        return ThemeResult([], [], 0, diagnostics)

    texts = [d.text for d in docs]
    processed: list[Processed] = []
    for i, doc in enumerate(docs):
        processed.append(preprocess(doc.text, doc.language))
        if i % 100 == 0:
            _report(progress, "preprocess", i / n)
    _report(progress, "preprocess", 1.0)

    from scipy.sparse import csr_matrix
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    features = [_features(p) for p in processed]
    usable = [i for i, f in enumerate(features) if f]
    unassigned: set[int] = set(range(n)) - set(usable)
    labels = np.full(n, -1)
    similarity = np.zeros(n)
    k_used = 0

    if len(usable) < MIN_DOCUMENTS_TO_CLUSTER or n_themes == 1:
        for i in usable:
            labels[i] = 0
            similarity[i] = 1.0
        k_used = 1 if usable else 0
        diagnostics["method"] = "single theme (few documents)" if n_themes != 1 else "single theme (asked)"
    else:
        _report(progress, "vectorise", 0.0)
        vectoriser = TfidfVectorizer(
            analyzer=lambda f: f,
            min_df=2 if len(usable) >= 20 else 1,
            max_df=0.6 if len(usable) >= 50 else 1.0,
            sublinear_tf=True,
        )
        X: csr_matrix = vectoriser.fit_transform([features[i] for i in usable])
        nonzero = np.asarray((X != 0).sum(axis=1)).ravel() > 0
        keep = [usable[j] for j in range(len(usable)) if nonzero[j]]
        unassigned |= {usable[j] for j in range(len(usable)) if not nonzero[j]}
        X = X[nonzero]
        diagnostics["n_features"] = int(X.shape[1])
        components = min(LSA_COMPONENTS, X.shape[1] - 1, X.shape[0] - 1)
        if components >= 2:
            Z = TruncatedSVD(n_components=components, random_state=seed).fit_transform(X)
        else:
            Z = X.toarray()
        Z = normalize(Z)
        # identical texts (form letters) are one point: k-means cannot use more centres than points
        distinct = len(np.unique(np.round(Z, 6), axis=0))
        diagnostics["distinct_vectors"] = distinct
        _report(progress, "vectorise", 1.0)

        min_size = 2 if len(keep) < 100 else 3
        if n_themes is not None:
            # never more themes than groups of the minimum size can fill
            k = max(1, min(n_themes, distinct, len(keep) // min_size))
            model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(Z)
            diagnostics["method"] = f"k-means, k={k} (asked)"
        else:
            k_max = min(_max_themes(len(keep)), distinct - 1, len(keep) - 1)
            best, scores = _choose_k(Z, seed, range(2, k_max + 1), progress)
            diagnostics["silhouette_by_k"] = scores
            if best is None:
                model = KMeans(n_clusters=1, n_init=1, random_state=seed).fit(Z)
            else:
                diagnostics["silhouette"] = round(best[0], 4)
                # the search used few restarts; fit the chosen k properly
                model = KMeans(n_clusters=best[1], n_init=10, random_state=seed).fit(Z)
            diagnostics["method"] = f"k-means, k={model.n_clusters} (silhouette)"
        centres = normalize(model.cluster_centers_)
        sims = (Z * centres[model.labels_]).sum(axis=1)
        for row, i in enumerate(keep):
            labels[i] = model.labels_[row]
            similarity[i] = sims[row]
        k_used = model.n_clusters
        # too far from its centre → unassigned
        for i in keep:
            if similarity[i] < MIN_SIMILARITY:
                labels[i] = -1
                unassigned.add(i)
        # groups too small to be a theme → unassigned
        sizes = Counter(int(l) for l in labels if l >= 0)
        for i in keep:
            if labels[i] >= 0 and sizes[int(labels[i])] < min_size:
                labels[i] = -1
                unassigned.add(i)
    _report(progress, "cluster", 1.0)

    # describe each theme
    index = build_index(processed, texts)
    quotable = [d.quotable for d in docs]
    groups: dict[int, list[int]] = {}
    for i in range(n):
        if labels[i] >= 0:
            groups.setdefault(int(labels[i]), []).append(i)
    mean_size = (sum(len(m) for m in groups.values()) / len(groups)) if groups else 1.0
    raw_themes = []
    for step, (_label_id, members) in enumerate(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
        members.sort(key=lambda i: (-similarity[i], i))
        phrases = key_phrases(index, members, quotable, n, mean_size)
        weights: dict[str, float] = {}
        for _surface, _inside, score, key in phrases:
            for stem_ in key:
                weights[stem_] = weights.get(stem_, 0.0) + score
        quotes = pick_quotes([i for i in members if quotable[i]], ids, texts, processed, weights)
        stakeholder = Counter(docs[i].stakeholder_type or "unknown" for i in members)
        raw_themes.append({
            "label": label_from_phrases([p[0] for p in phrases]),
            "key_phrases": [p[0] for p in phrases],
            "key_phrase_sources": {p[0]: [ids[i] for i in sorted(p[1], key=lambda i: (-similarity[i], i))]
                                   for p in phrases},
            "document_ids": [ids[i] for i in members],
            "quotes": quotes,
            "by_stakeholder_type": dict(sorted(stakeholder.items())),
        })
        _report(progress, "describe", (step + 1) / max(1, len(groups)))
    _match_previous(raw_themes, previous)
    themes = [Theme(**t) for t in raw_themes]
    diagnostics.update({
        "k": k_used,
        "n_themes": len(themes),
        "n_unassigned": len(unassigned),
        "seconds": round(time.perf_counter() - started, 3),
    })
    _report(progress, "describe", 1.0)
    return ThemeResult(themes, [ids[i] for i in sorted(unassigned)], n, diagnostics)


def label_from_phrases(phrases: list[str]) -> str:
    """A short label from the best key phrases: up to three joined by " · ", first letter capital.

    Returns ``"—"`` when there is no phrase (a theme of non-quotable texts only).
    """
    if not phrases:
        return "—"
    picked = phrases[:3]
    text = " · ".join(picked)
    return text[0].upper() + text[1:]
