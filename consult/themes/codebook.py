"""Codebook themes: themes drafters define themselves, matched to documents by keyword.

A codebook entry is ``(key, label, keywords)``. A document matches an entry when, for one of its
keywords, every content word of the keyword occurs in the document, compared by stem in both
languages (Sastrawi for Indonesian, Snowball for English), so "mutasi" matches "dimutasi" and
"placement" matches "placements". :func:`seed_model` turns the matches into a theme model whose
themes have those documents ``fixed`` (see :mod:`consult.themes.model`), so
``analyse(..., previous=model)`` keeps every codebook theme with its documents and proposes
further themes for the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .model import MODEL_VERSION
from .preprocess import stem
from .types import Document
from .vectorise import content_words


@dataclass(frozen=True)
class CodebookTheme:
    """A drafter's theme: engine id ``key`` (unique in its model), ``label``, ``keywords``."""

    key: str
    label: str
    keywords: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=50_000)
def _forms(word: str) -> frozenset[str]:
    """A word, its Indonesian stem and its English stem."""
    return frozenset({word, stem(word, "id"), stem(word, "en")})


def _keyword_forms(keyword: str) -> list[frozenset[str]]:
    # no stopword filter: a drafter's keyword means every word of it (but skip one-letter words)
    return [_forms(w) for w in content_words(keyword, frozenset()) if len(w) > 1]


def match(entries: list[CodebookTheme], documents: list[Document]) -> dict[str, list[str]]:
    """``{entry key: [document id, ...]}`` of the documents that hold one of each entry's keywords.

    An entry without keywords matches on its label's content words (all of them). Documents keep
    their input order; a document may match several entries. Time: linear in the words of the
    documents (stems are cached).
    """
    wanted = {e.key: [f for f in (_keyword_forms(k) for k in (e.keywords or (e.label,))) if f] for e in entries}
    out: dict[str, list[str]] = {e.key: [] for e in entries}
    for doc in documents:
        forms: set[str] = set()
        for word in content_words(doc.text, frozenset()):
            forms |= _forms(word)
            if "-" in word:  # "APBD-funded" also holds "apbd"
                for part in word.split("-"):
                    if len(part) > 1:
                        forms |= _forms(part)
        for key, keywords in wanted.items():
            if any(all(part & forms for part in keyword) for keyword in keywords):
                out[key].append(doc.id)
    return out


def seed_model(entries: list[CodebookTheme], documents: list[Document], previous: dict | list | None) -> dict | list | None:
    """``previous`` (a theme model, a list of themes or ``None``) with the codebook added.

    Each entry becomes a label-locked theme with its matched documents ``fixed`` to it (an entry
    already in a model dict keeps its markers and gains the new matches, minus documents a
    drafter excluded). Returns ``previous`` unchanged when there are no entries; a list of
    themes (an old run without a saved model) is replaced by a model of the entries only.
    """
    if not entries:
        return previous
    matches = match(entries, documents)
    model = dict(previous) if isinstance(previous, dict) else {"version": MODEL_VERSION, "space": None}
    themes = [dict(t) for t in (model.get("themes") or [])] if isinstance(previous, dict) else []
    by_id = {t["id"]: t for t in themes}
    for entry in entries:
        theme = by_id.get(entry.key)
        if theme is None:
            theme = {"id": entry.key, "label": entry.label, "key_phrases": [], "centroid": {},
                     "threshold": 0.0, "document_ids": [], "pinned": False, "fixed": [], "excluded": []}
            themes.append(theme)
            by_id[entry.key] = theme
        excluded = set(theme.get("excluded") or [])
        fixed = list(dict.fromkeys([*(theme.get("fixed") or []), *(d for d in matches[entry.key] if d not in excluded)]))
        theme.update(label=entry.label, label_locked=True, fixed=fixed)
    model["themes"] = themes
    return model
