"""Grouping TF-IDF vectors into themes: LSA, then k-means, with bounded cost.

Latent semantic analysis (truncated SVD, Deerwester et al. 1990; scikit-learn's randomized
solver, Halko et al. 2011) is fitted on at most ``SVD_SAMPLE`` rows and applied to all. The
number of themes, when not given, is chosen on at most ``K_SAMPLE`` rows (the silhouette is
quadratic in the rows). k-means (Lloyd with k-means++ seeding, Arthur & Vassilvitskii 2007) is
fitted on at most ``FIT_SAMPLE`` rows; every row is then assigned to its nearest centre. So the
quadratic and iterative parts run on bounded samples and the rest is linear in the input.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

FIT_SAMPLE = 20_000  # rows k-means is fitted on
SVD_SAMPLE = 5_000  # rows the LSA basis is fitted on
SVD_ITERATIONS = 5  # power iterations of the randomized SVD; 2 lost 0.09 AMI on NusaParagraph
K_SAMPLE = 1_500
LSA_COMPONENTS = 100  # at most; fewer for small inputs: n/15, at least LSA_MIN_COMPONENTS
LSA_MIN_COMPONENTS = 30
NEIGHBOURS = 10  # rows averaged into each row by :func:`smooth`
NEIGHBOUR_SAMPLE = 2_000  # reference rows the neighbours are searched among
WARM_START_COVERAGE = 0.7  # share of rows the previous themes must hold to start from them
MIN_SIMILARITY = 0.1  # cosine to the theme centre in LSA space; below it a document is unassigned

Progress = Callable[[str, float], None]


@dataclass
class Clustering:
    """The outcome of :func:`cluster`.

    Attributes:
        labels: theme index per row, ``-1`` for unassigned; shape ``(n,)``.
        similarity: cosine of each row to its centre (0 when unassigned); shape ``(n,)``.
        Z: the rows in LSA space, L2-normalised; shape ``(n, d)``.
        centres: L2-normalised centres in LSA space; shape ``(k, d)``.
        diagnostics: method, k, silhouette by k …
    """

    labels: np.ndarray
    similarity: np.ndarray
    Z: np.ndarray
    centres: np.ndarray
    diagnostics: dict = field(default_factory=dict)


def max_themes(n: int) -> int:
    """The largest number of themes tried for ``n`` rows: about √(n/2) + 2, between 2 and 20."""
    return max(2, min(20, int(round(math.sqrt(n / 2))) + 2))


def _sample(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size=size, replace=False))


def lsa(X, seed: int, rng: np.random.Generator) -> np.ndarray:
    """Rows of the sparse matrix ``X`` (n × features) in LSA space, L2-normalised, shape (n, d).

    ``d`` grows with the input: n/15 between 30 and 100 (fewer dimensions suit few documents:
    on the labelled sets this beat a fixed 100 by 0.01–0.05 AMI).
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n, n_features = X.shape
    components = int(min(LSA_COMPONENTS, max(LSA_MIN_COMPONENTS, n / 15), n_features - 1, n - 1))
    if components < 2:
        return normalize(X.toarray())
    rows = _sample(n, SVD_SAMPLE, rng)
    svd = TruncatedSVD(n_components=components, n_iter=SVD_ITERATIONS, random_state=seed).fit(X[rows])
    return normalize(svd.transform(X))


def smooth(Z: np.ndarray, rng: np.random.Generator, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """Each row plus the mean of its ``neighbours`` nearest rows, L2-normalised; shape as ``Z``.

    A one-step feature propagation over the k-nearest-neighbour graph (as in SGC, Wu et al.
    2019, "Simplifying Graph Convolutional Networks"): a short submission borrows the words of the
    submissions most like it, which LSA alone cannot give it. On the labelled sets it raised AMI
    by 0.01–0.07 (most on short English sentences and on Javanese). Neighbours are searched among
    at most ``NEIGHBOUR_SAMPLE`` reference rows (exactly, when there are no more rows than that),
    in chunks, so the cost is linear in the rows.
    """
    from sklearn.preprocessing import normalize

    n = len(Z)
    if n <= neighbours + 1:
        return Z
    ref = _sample(n, NEIGHBOUR_SAMPLE, rng)
    position = np.full(n, -1)
    position[ref] = np.arange(len(ref))
    R = Z[ref]
    R32 = R.astype(np.float32)  # ranking neighbours needs no double precision; twice as fast
    out = np.empty_like(Z)
    for start in range(0, n, 4096):
        chunk = Z[start:start + 4096]
        S = chunk.astype(np.float32) @ R32.T
        own = position[start:start + len(chunk)]
        rows = np.flatnonzero(own >= 0)
        S[rows, own[rows]] = -np.inf  # a row is not its own neighbour
        top = np.argpartition(-S, neighbours, axis=1)[:, :neighbours]
        out[start:start + len(chunk)] = chunk + R[top].mean(axis=1)
    return normalize(out)


def _kmeans(Z: np.ndarray, k: int, seed: int, n_init: int):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(Z)


def k_candidates(k_max: int) -> list[int]:
    """The numbers of themes tried: every k up to 8, then every second one, and ``k_max``."""
    ks = [k for k in range(2, k_max + 1) if k <= 8 or k % 2 == 0]
    if k_max >= 2 and ks[-1] != k_max:
        ks.append(k_max)
    return ks


def choose_k(Z: np.ndarray, seed: int, k_values: list[int], progress: Progress | None = None):
    """Pick the number of themes by the mean cosine silhouette (Rousseeuw 1987) on ``Z``.

    Returns:
        ``(k, scores)`` with ``scores`` k → silhouette; ``k`` is ``None`` when no k splits the rows.
    """
    from sklearn.metrics import silhouette_score

    scores: dict[int, float] = {}
    # rows are unit length, so cosine distance is 1 − Z·Zᵀ; computed once for every k
    distances = np.clip(1.0 - Z @ Z.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    for step, k in enumerate(k_values):
        model = _kmeans(Z, k, seed, n_init=1)
        if len(set(model.labels_)) < 2:
            continue
        scores[k] = round(float(silhouette_score(distances, model.labels_, metric="precomputed")), 4)
        if progress:
            progress("cluster", 0.8 * (step + 1) / len(k_values))
    if not scores:
        return None, scores
    mode = os.environ.get("CONSULT_K_MODE", "max")
    best = max(scores.values())
    if mode == "max":
        return max(scores, key=lambda k: (scores[k], -k)), scores
    tol = float(mode)
    return min(k for k, s in scores.items() if s >= best - tol), scores


def cluster(X, *, n_themes: int | None, seed: int, min_size: int,
            progress: Progress | None = None, previous_groups: list[list[int]] | None = None) -> Clustering:
    """Group the rows of the TF-IDF matrix ``X``; see :func:`_cluster`.

    Runs with one BLAS and one OpenMP thread (threadpoolctl): their worker threads spin while
    waiting, and on a busy 2-core machine (a web server next to the worker, a second analysis)
    that made the SVD and the many small k-means fits 10–15× slower, for at best 1.5× gain on
    an idle machine.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _cluster(X, n_themes=n_themes, seed=seed, min_size=min_size, progress=progress,
                        previous_groups=previous_groups)


def _cluster(X, *, n_themes: int | None, seed: int, min_size: int,
             progress: Progress | None = None, previous_groups: list[list[int]] | None = None) -> Clustering:
    """Group the rows of the TF-IDF matrix ``X`` (shape n × features, no empty rows).

    Args:
        n_themes: wanted number of themes, or ``None`` to choose it.
        previous_groups: rows of each theme of the previous run (for a re-run). When they cover
            at least ``WARM_START_COVERAGE`` of the rows and ``n_themes`` is ``None``, k-means
            starts from their centres with their number, so a re-run after a few submissions
            more or less keeps the themes drafters already know instead of reshuffling them.
        seed: random seed; the same input and seed give the same labels.
        min_size: groups smaller than this are dissolved (their rows become unassigned).

    Returns:
        A :class:`Clustering`.
    """
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(seed)
    n = X.shape[0]
    Z = smooth(lsa(X, seed, rng), rng)
    distinct = len(np.unique(np.round(Z, 6), axis=0))
    diagnostics: dict = {"distinct_vectors": int(distinct), "lsa_dimensions": int(Z.shape[1])}
    fit_rows = _sample(n, FIT_SAMPLE, rng)
    groups = [g for g in (previous_groups or []) if len(g) >= min_size]
    covered = len({r for g in groups for r in g})
    init = None
    if n_themes is not None:
        k = max(1, min(n_themes, distinct, n // min_size))
        diagnostics["method"] = f"k-means, k={k} (asked)"
    elif len(groups) >= 2 and covered >= WARM_START_COVERAGE * n:
        init = normalize(np.vstack([Z[g].mean(axis=0) for g in groups]))
        k = len(groups)
        diagnostics["method"] = f"k-means, k={k} (started from the previous run's themes)"
    else:
        k_rows = _sample(n, K_SAMPLE, rng)
        Zk = Z[k_rows]
        distinct_k = len(np.unique(np.round(Zk, 6), axis=0))
        k_max = min(max_themes(n), distinct_k, len(k_rows) // min_size)
        k, scores = choose_k(Zk, seed, k_candidates(k_max), progress) if k_max >= 2 else (None, {})
        diagnostics["silhouette_by_k"] = scores
        if k is None:
            k = 1
        else:
            diagnostics["silhouette"] = scores[k]
        diagnostics["method"] = f"k-means, k={k} (silhouette on {len(k_rows)} rows)"
    if init is not None:
        from sklearn.cluster import KMeans

        model = KMeans(n_clusters=k, init=init, n_init=1, random_state=seed).fit(Z[fit_rows])
    else:
        model = _kmeans(Z[fit_rows], k, seed, n_init=4 if k > 1 else 1)
    centres = normalize(model.cluster_centers_)
    sims_all = Z @ centres.T
    labels = sims_all.argmax(axis=1)
    similarity = sims_all[np.arange(n), labels]
    labels = np.where(similarity < MIN_SIMILARITY, -1, labels)
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    small = np.flatnonzero(sizes < min_size)
    labels = np.where(np.isin(labels, small), -1, labels)
    similarity = np.where(labels >= 0, similarity, 0.0)
    diagnostics["k"] = int(k)
    if progress:
        progress("cluster", 1.0)
    return Clustering(labels, similarity, Z, centres, diagnostics)
