"""The saved theme set: a JSON model, the drafter's edit markers, and ``assign``.

``ThemeResult.model`` is a plain JSON-serialisable dict (no pickled library objects, so it
survives upgrades of scikit-learn or of this package)::

    {"version": 1,
     "space": {...},            # FeatureSpace.to_json(), restricted to the centroids' features
     "themes": [{"id": "t1", "label": "...", "key_phrases": [...],
                 "centroid": {"feature": weight, ...},   # mean TF-IDF row, heaviest features
                 "threshold": 0.08,                       # cosine a new document needs to join
                 "document_ids": [...],
                 "pinned": false, "label_locked": false,  # edit markers set by drafters
                 "fixed": [...], "excluded": [...]}]}

Edit markers and what ``analyse(..., previous=model)`` does with them:

- ``pinned``: the theme is kept as it is — same id, same members (its ``document_ids`` and
  ``fixed`` documents still present, minus ``excluded``); those documents are not re-clustered.
- ``label_locked``: the theme keeps its label when it is found again.
- ``fixed``: documents a drafter put in this theme; they go to it (and leave other themes), and
  the theme is kept even when the clustering no longer finds it.
- ``excluded``: documents a drafter took out; they never return to this theme and move to their
  next closest theme, or to unassigned.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from consult.text.normalise import is_placeholder

from .types import Document, Quote, Theme, ThemeResult
from .vectorise import FeatureSpace

MODEL_VERSION = 1
JACCARD_MATCH = 0.3  # a new theme takes an old theme's id when their members overlap this much
MIN_THRESHOLD = 0.05


@dataclass
class PreviousTheme:
    """One theme of an earlier run, with the drafter's edit markers."""

    id: str
    document_ids: list[str]
    label: str = ""
    centroid: dict[str, float] = field(default_factory=dict)
    pinned: bool = False
    label_locked: bool = False
    fixed: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


@dataclass
class EditMarkers:
    """The earlier themes an analysis must respect (empty when there is none)."""

    themes: list[PreviousTheme] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_previous(cls, previous) -> "EditMarkers":
        """Read ``previous``: a :class:`ThemeResult`, a list of :class:`Theme`, a model dict or ``None``.

        Document ids are compared as strings (a JSON round trip turns every id into one). Only
        ``true`` (JSON) sets ``pinned`` or ``label_locked``.

        Raises:
            ValueError: anything else, a model dict of an unknown version, or a malformed one
                (a theme without an id, ids twice, lists that are not lists).
        """
        if previous is None:
            return cls()
        if isinstance(previous, ThemeResult):
            if previous.model and previous.model.get("themes") is not None:
                return cls.from_previous(previous.model)
            previous = previous.themes
        if isinstance(previous, dict):
            if previous.get("version") != MODEL_VERSION:
                raise ValueError("not a theme model of a supported version")
            try:
                themes = [PreviousTheme(
                    id=str(t["id"]), document_ids=[str(d) for d in t.get("document_ids") or []],
                    label=str(t.get("label") or ""), centroid=dict(t.get("centroid") or {}),
                    pinned=t.get("pinned") is True, label_locked=t.get("label_locked") is True,
                    fixed=[str(d) for d in t.get("fixed") or []],
                    excluded=[str(d) for d in t.get("excluded") or []],
                ) for t in previous.get("themes") or []]
            except (TypeError, KeyError, AttributeError, ValueError) as error:
                raise ValueError(f"malformed theme model: {error!r}") from error
            seen: set[str] = set()
            for theme in themes:
                if theme.id in seen:
                    raise ValueError(f"malformed theme model: theme id {theme.id!r} appears twice")
                seen.add(theme.id)
            return cls(themes)
        try:
            return cls([PreviousTheme(id=t.id, document_ids=[str(d) for d in t.document_ids], label=t.label)
                        for t in previous])
        except (TypeError, AttributeError) as error:
            raise ValueError(f"previous must be a ThemeResult, a list of Theme or a model dict: {error!r}") from error

    def pinned_documents(self, present: set[str]) -> set[str]:
        """Ids of present documents that belong to a pinned theme."""
        out: set[str] = set()
        for t in self.themes:
            if t.pinned:
                out |= (set(t.document_ids) | set(t.fixed)) - set(t.excluded)
        return out & present

    def pinned_themes(self, pinned_docs: set[str], ids: list[str]) -> list[dict]:
        """Raw theme dicts for the pinned themes, members in the previous order then fixed ones."""
        out = []
        for t in self.themes:
            if not t.pinned:
                continue
            members = [d for d in dict.fromkeys(t.document_ids + t.fixed) if d in pinned_docs and d not in t.excluded]
            out.append({"key": None, "id": t.id, "document_ids": members, "centroid": dict(t.centroid),
                        **_markers_of(t)})
        return out


def _markers_of(t: PreviousTheme) -> dict:
    return {"pinned": t.pinned, "label_locked": t.label_locked, "fixed": list(t.fixed),
            "excluded": list(t.excluded), "locked_label": t.label if t.label_locked else None}


def match_previous(themes: list[dict], markers: EditMarkers) -> None:
    """Give each new theme an id: an earlier theme's id when their members overlap enough.

    Pairs are taken greedily by Jaccard overlap (≥ ``JACCARD_MATCH``) of member ids; pinned
    themes already carry their id. Unmatched themes get the lowest free ``t<n>``; a matched
    theme inherits the earlier theme's edit markers.
    """
    old_by_id = {t.id: t for t in markers.themes}
    taken_old = {t["id"] for t in themes if t.get("id")}
    pairs = []
    for i, theme in enumerate(themes):
        if theme.get("id"):
            continue
        members = set(theme["document_ids"])
        for old in markers.themes:
            if old.pinned:
                continue
            old_members = set(old.document_ids)
            union = members | old_members
            if union:
                jaccard = len(members & old_members) / len(union)
                if jaccard >= JACCARD_MATCH:
                    pairs.append((jaccard, i, old.id))
    taken_new: set[int] = set()
    for _jac, i, old_id in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i not in taken_new and old_id not in taken_old:
            themes[i]["id"] = old_id
            themes[i].update(_markers_of(old_by_id[old_id]))
            taken_new.add(i)
            taken_old.add(old_id)
    used = taken_old | set(old_by_id)
    counter = 1
    for theme in themes:
        if not theme.get("id"):
            while f"t{counter}" in used:
                counter += 1
            theme["id"] = f"t{counter}"
            used.add(theme["id"])


def _cosine_to(vector, centroid: dict[str, float], space: FeatureSpace | None) -> float:
    if space is None or not centroid:
        return 0.0
    cols = [(space.vocabulary[f], w) for f, w in centroid.items() if f in space.vocabulary]
    if not cols:
        return 0.0
    norm = float(np.sqrt(sum(w * w for _, w in cols)))
    dense = vector.toarray().ravel()
    return float(sum(dense[c] * w for c, w in cols) / norm) if norm else 0.0


def apply_markers(themes: list[dict], markers: EditMarkers, docs: list[Document], space: FeatureSpace | None) -> None:
    """Apply ``fixed`` and ``excluded`` markers to the new themes, in place.

    A theme with fixed documents that the clustering did not find again is re-created with
    them. Documents left in no theme by an exclusion move to their closest other theme when its
    centroid is within reach (cosine ≥ the model's minimum threshold), else they are unassigned.
    Themes left empty are removed.
    """
    present = {d.id for d in docs}
    by_id = {t["id"]: t for t in themes}
    for old in markers.themes:
        if old.pinned or not old.fixed:
            continue
        fixed = [d for d in old.fixed if d in present and d not in old.excluded]
        if not fixed:
            continue
        theme = by_id.get(old.id)
        if theme is None:
            theme = {"key": None, "id": old.id, "document_ids": [], "centroid": dict(old.centroid), **_markers_of(old)}
            themes.append(theme)
            by_id[old.id] = theme
        for doc_id in fixed:
            for other in themes:
                if other is not theme and not other.get("pinned") and doc_id in other["document_ids"] \
                        and doc_id not in other.get("fixed", []):
                    other["document_ids"].remove(doc_id)
            if doc_id not in theme["document_ids"]:
                theme["document_ids"].append(doc_id)
    text_of = {d.id: d.text for d in docs}
    for theme in themes:
        excluded = [d for d in theme.get("excluded", []) if d in theme["document_ids"]]
        for doc_id in excluded:
            theme["document_ids"].remove(doc_id)
            if any(doc_id in t["document_ids"] for t in themes):
                continue
            if space is None:
                continue
            vector = space.transform([text_of[doc_id]])
            options = [(_cosine_to(vector, t["centroid"], space), t["id"]) for t in themes
                       if t is not theme and doc_id not in t.get("excluded", []) and not t.get("pinned")]
            options = [o for o in options if o[0] >= MIN_THRESHOLD]
            if options:
                best = max(options)[1]
                by_id[best]["document_ids"].append(doc_id)
    themes[:] = [t for t in themes if t["document_ids"]]


def build_model(space: FeatureSpace | None, themes: list[dict], extra: dict | None = None) -> dict:
    """The JSON model of a theme set (see the module docstring); ``space`` may be ``None``."""
    features: set[str] = set()
    for t in themes:
        features |= set(t.get("centroid") or {})
    space_json = None
    if space is not None:
        kept = sorted(f for f in features if f in space.vocabulary)
        stems = {part for f in kept for part in f.split(" ")}
        space_json = FeatureSpace(
            {w: s for w, s in space.word_stem.items() if s in stems},
            {f: i for i, f in enumerate(kept)},
            np.asarray([space.idf[space.vocabulary[f]] for f in kept], dtype=np.float64),
        ).to_json()
    out_themes = []
    for t in themes:
        out_themes.append({
            "id": t["id"], "label": t.get("label", ""), "key_phrases": list(t.get("key_phrases", [])),
            "centroid": dict(t.get("centroid") or {}), "threshold": round(float(t.get("threshold", MIN_THRESHOLD)), 4),
            "document_ids": list(t["document_ids"]),
            "pinned": bool(t.get("pinned")), "label_locked": bool(t.get("label_locked")),
            "fixed": list(t.get("fixed", [])), "excluded": list(t.get("excluded", [])),
        })
    return {"version": MODEL_VERSION, "space": space_json, "themes": out_themes, **(extra or {})}


def _centroid_matrix(model: dict, space: FeatureSpace):
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    rows, cols, vals = [], [], []
    for r, t in enumerate(model["themes"]):
        for f, w in (t.get("centroid") or {}).items():
            if f in space.vocabulary:
                rows.append(r)
                cols.append(space.vocabulary[f])
                vals.append(w)
    C = csr_matrix((vals, (rows, cols)), shape=(len(model["themes"]), space.n_features))
    return normalize(C)


def assign(documents, model: dict) -> ThemeResult:
    """Put new documents into an existing theme set without re-clustering.

    Each document joins the theme whose centroid is most similar (cosine in the model's TF-IDF
    space) if the similarity reaches that theme's ``threshold`` and the document is not excluded
    from it; documents fixed to a theme go there. The rest are unassigned; when at least six of
    them have words, they are analysed on their own and groups of three or more are returned as
    ``ThemeResult.candidates`` (lists of ids): candidates for new themes, for a drafter to review.

    Args:
        documents: iterable of :class:`Document` with ids unique among themselves.
        model: a ``ThemeResult.model`` from :func:`analyse` (or a JSON round trip of it).

    Returns:
        A :class:`ThemeResult` over ``documents`` only: themes that received documents (with the
        model's ids, labels and key phrases; quotes from the new documents) and a ``model``
        whose themes list the new members too.

    Raises:
        ValueError: duplicate ids, or a model of an unknown version or without a feature space.
    """
    from .engine import analyse
    from .preprocess import preprocess
    from .quotes import pick_quotes

    docs = list(documents)
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    if not isinstance(model, dict) or model.get("version") != MODEL_VERSION:
        raise ValueError("not a theme model of a supported version")
    themes = model.get("themes", [])
    if not docs:
        return ThemeResult([], [], 0, {"n_documents": 0}, model=model)
    if model.get("space") is None or not themes:
        chosen = [None] * len(docs)
        space = None
    else:
        space = FeatureSpace.from_json(model["space"])
        C = _centroid_matrix(model, space)
        X = space.transform([d.text for d in docs])
        S = (X @ C.T).toarray()
        chosen = []
        for i, doc in enumerate(docs):
            if is_placeholder(doc.text):
                chosen.append(None)
                continue
            fixed = [r for r, t in enumerate(themes) if doc.id in t.get("fixed", [])]
            if fixed:
                chosen.append(fixed[0])
                continue
            order = np.argsort(-S[i])
            pick = None
            for r in order:
                t = themes[r]
                if S[i, r] < max(MIN_THRESHOLD, float(t.get("threshold", MIN_THRESHOLD))):
                    break
                if doc.id not in t.get("excluded", []):
                    pick = int(r)
                    break
            chosen.append(pick)
    members: dict[int, list[int]] = {}
    for i, r in enumerate(chosen):
        if r is not None:
            members.setdefault(r, []).append(i)
    out_themes = []
    new_model = {**model, "themes": [dict(t) for t in themes]}
    for r, rows in sorted(members.items()):
        t = themes[r]
        if space is not None:
            rows.sort(key=lambda i: (-S[i, r], i))
        weights: dict[str, float] = {}
        for f, w in (t.get("centroid") or {}).items():
            for part in f.split(" "):
                weights[part] = weights.get(part, 0.0) + w
        quotable = [i for i in rows if docs[i].quotable and not is_placeholder(docs[i].text)]
        processed = {i: preprocess(docs[i].text, docs[i].language) for i in quotable[:50]}
        quotes: list[Quote] = pick_quotes(quotable[:50], ids, [d.text for d in docs],
                                          [processed.get(i) for i in range(len(docs))], weights)
        sources = {p: [ids[i] for i in rows if p.lower() in docs[i].text.lower()] for p in t.get("key_phrases", [])}
        out_themes.append(Theme(
            id=t["id"], label=t.get("label", ""), key_phrases=list(t.get("key_phrases", [])),
            key_phrase_sources={p: s for p, s in sources.items() if s}, document_ids=[ids[i] for i in rows],
            quotes=quotes, by_stakeholder_type=dict(sorted(Counter(docs[i].stakeholder_type or "unknown" for i in rows).items())),
        ))
        new_model["themes"][r]["document_ids"] = list(dict.fromkeys(t.get("document_ids", []) + [ids[i] for i in rows]))
    out_themes.sort(key=lambda t: -len(t.document_ids))
    unassigned = [ids[i] for i, r in enumerate(chosen) if r is None]
    candidates: list[list[str]] = []
    leftovers = [docs[i] for i, r in enumerate(chosen) if r is None and not is_placeholder(docs[i].text)]
    if len(leftovers) >= 6:
        fresh = analyse(leftovers)
        candidates = [list(th.document_ids) for th in fresh.themes if len(th.document_ids) >= 3]
    diagnostics = {"n_documents": len(docs), "n_themes": len(out_themes), "n_unassigned": len(unassigned),
                   "method": "assigned to the nearest saved theme"}
    return ThemeResult(out_themes, unassigned, len(docs), diagnostics, model=new_model, candidates=candidates)
