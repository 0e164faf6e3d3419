"""The engine's input and output: frozen dataclasses with no behaviour beyond small helpers."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One text to analyse.

    Attributes:
        id: caller's identifier (e.g. a submission reference); unique within one call.
        text: the text itself; quotes are verbatim substrings of it.
        stakeholder_type: who wrote it (counted per theme); ``None`` counts as ``"unknown"``.
        language: ``"id"``, ``"en"`` or ``"mixed"``; ``None`` lets the engine guess.
        quotable: whether its text may be quoted or surface as a key phrase on its own
            (see "What counts where"); non-quotable documents are still grouped and counted.
    """

    id: str
    text: str
    stakeholder_type: str | None = None
    language: str | None = None
    quotable: bool = True


@dataclass(frozen=True)
class Quote:
    """A verbatim quote: ``text == document.text[start:end]`` (character offsets)."""

    document_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Theme:
    """A group of documents that share a policy concern.

    Attributes:
        id: stable within a result (``"t1"`` …), carried over from ``previous`` when the same
            theme is found again.
        label: short human-readable name built from the key phrases.
        key_phrases: the phrases that best distinguish the theme, best first (lowercase).
        key_phrase_sources: phrase → ids of the theme's documents that contain it; every phrase
            has at least one quotable source.
        document_ids: members, most central first.
        quotes: up to three verbatim quotes from quotable members.
        by_stakeholder_type: stakeholder type → number of member documents (every voice,
            campaign copies included).
        distinct_texts: members once each campaign counts as one text (voices = ``size``).
        campaign_ids: ids of the campaigns (``ThemeResult.campaigns``) whose copies are members.
        stakeholder_emphasis: stakeholder type → how many times more often that group's
            documents are in this theme than everyone else's, for groups that raise it at least
            twice as often (and in at least three documents); counted on distinct texts, so a
            campaign is one voice here.
        summary: a short extractive summary: whole sentences of member documents, each a
            :class:`Quote` citing its document, covering the key phrases in order.
    """

    id: str
    label: str
    key_phrases: list[str]
    key_phrase_sources: dict[str, list[str]]
    document_ids: list[str]
    quotes: list[Quote]
    by_stakeholder_type: dict[str, int]
    distinct_texts: int = 0
    campaign_ids: list[str] = field(default_factory=list)
    stakeholder_emphasis: dict[str, float] = field(default_factory=dict)
    summary: list[Quote] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Number of member documents."""
        return len(self.document_ids)


@dataclass(frozen=True)
class ThemeResult:
    """The outcome of :func:`consult.themes.analyse`.

    Attributes:
        themes: largest first.
        unassigned: ids of documents that fit no theme (too short, or unlike every theme).
            Together with the themes' members they cover every input document exactly once.
        n_documents: number of input documents.
        diagnostics: facts about the run (chosen number of themes, silhouette, seconds …).
        model: the theme set as plain JSON (see :mod:`consult.themes.model`), for
            :func:`consult.themes.assign` and for the next ``analyse(..., previous=model)``.
        campaigns: form-letter campaigns found among the documents, largest first.
        candidates: from :func:`consult.themes.assign`, groups of unassigned document ids that
            could form new themes.
        languages: document id → its language (``Document.language`` or, when not given,
            :func:`consult.text.language.detect_language`: id, en, mixed, jv, su or other).
    """

    themes: list[Theme]
    unassigned: list[str]
    n_documents: int
    diagnostics: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    campaigns: list = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)
    candidates: list[list[str]] = field(default_factory=list)

    def assignments(self) -> dict[str, str | None]:
        """Each input document id → the id of its main theme, or ``None`` when unassigned.

        A document that belongs to several themes (a long submission split into paragraphs, a
        campaign copy) maps to its main theme: the one where it carries most weight, as recorded
        in ``diagnostics["primary"]`` when present, else the first theme that lists it.
        """
        primary = self.diagnostics.get("primary") or {}
        out: dict[str, str | None] = {doc_id: None for doc_id in self.unassigned}
        for theme in self.themes:
            for doc_id in theme.document_ids:
                if out.get(doc_id) is None:
                    out[doc_id] = theme.id
        out.update({doc_id: theme_id for doc_id, theme_id in primary.items() if doc_id in out})
        return out

