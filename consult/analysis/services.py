"""Running the theme analysis on a consultation and storing the result.

What is analysed follows "What counts where": published and pending submissions (hidden ones
never); only published submissions with consent to publish are quotable. Each open question is
analysed on its answers; the general free text is analysed together with the text of attached
position papers, and quotes keep their location (free text, or attachment page/paragraph).

Each section also stores what the engine found beyond themes: form-letter campaigns (each copy's
own added words located like quotes), per theme the distinct texts, campaigns, stakeholder
emphasis and summary sentences (located like quotes), and the saved theme set (the engine's JSON
model), which the next run of the same question starts from so theme ids and the drafter's edit
markers (pinned themes, locked labels, fixed or excluded submissions) carry over.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import themes as engine
from ..accounts.models import Role
from ..common.types import utcnow
from ..common.visibility import Audience, passes
from ..consultations.models import Consultation
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..submissions.models import Submission
from ..submissions.queries import submissions_for
from ..themes.codebook import CodebookTheme, seed_model
from ..themes.model import MODEL_VERSION
from .editing import codebook
from .models import (
    AnalysisRun,
    AnalysisSection,
    RunState,
    Theme,
    ThemeAssignment,
    ThemeQuote,
    section_key,
)
from .sources import Segment, locate, locate_pieces, section_text

Progress = Callable[[str, float], None]


class AnalysisRunning(DomainError):
    """Another analysis of the consultation is queued or running."""


def active_run(consultation: Consultation) -> AnalysisRun | None:
    """The consultation's queued or running analysis run, if any."""
    return db.session.scalar(select(AnalysisRun).where(
        AnalysisRun.consultation_id == consultation.id,
        AnalysisRun.state.in_((RunState.queued, RunState.running))))


def request_analysis(consultation: Consultation, actor=None, *, n_themes: int | None = None,
                     seed: int = 0) -> AnalysisRun:
    """Record a queued analysis run (flushed). ``actor`` ``None`` means the CLI.

    An unfinished run whose job stopped beating (a crashed worker), or that never got a job, is
    marked failed first. The database allows one active run per consultation, so when two
    requests race, the second one's commit fails with ``IntegrityError``: callers treat that as
    :class:`AnalysisRunning`.

    Raises:
        NotAllowed: the actor is neither admin nor a drafter of the consultation.
        AnalysisRunning: another run is queued or running.
    """
    if actor is not None and not actor.has_role(Role.drafter, consultation.id):
        raise NotAllowed(_l("Only drafters of this consultation may run the analysis."))
    active = active_run(consultation)
    if active is not None:
        if active.job is not None and active.job.is_active:
            raise AnalysisRunning(_l("An analysis is already running."))
        mark_failed(active, "stopped: its worker stopped reporting")
    run = AnalysisRun(consultation=consultation, requested_by_id=getattr(actor, "id", None),
                      n_themes=n_themes, seed=seed, state=RunState.queued)
    db.session.add(run)
    db.session.flush()
    return run


def _previous_section(consultation_id: int, question_id: int | None, before_run_id: int) -> AnalysisSection | None:
    """The latest finished run's section for this question (``None``: the general section)."""
    return db.session.scalar(
        select(AnalysisSection).join(AnalysisRun)
        .where(AnalysisRun.consultation_id == consultation_id, AnalysisRun.state == RunState.done,
               AnalysisRun.id != before_run_id,
               AnalysisSection.question_id.is_(None) if question_id is None
               else AnalysisSection.question_id == question_id)
        .order_by(AnalysisRun.id.desc()).limit(1)
    )


def _previous_result(section: AnalysisSection) -> list:
    """A finished section's themes as engine themes, for stable theme ids: the fallback for
    sections stored before the saved theme set was kept (see :func:`_previous`)."""
    return [engine.Theme(id=t.engine_id, label=t.label, key_phrases=[], key_phrase_sources={},
                         document_ids=[str(a.submission_id) for a in t.assignments], quotes=[],
                         by_stakeholder_type={}) for t in section.themes]


def _previous(consultation_id: int, question_id: int | None, before_run_id: int):
    """What the engine's ``previous=`` gets for a section: the saved theme set (JSON model, with
    the drafter's edit markers) of the latest finished run's matching section when it holds one
    of a version the engine reads, else that section's themes (:func:`_previous_result`), else
    ``None`` (no finished run yet)."""
    section = _previous_section(consultation_id, question_id, before_run_id)
    if section is None:
        return None
    model = section.model
    if isinstance(model, dict) and model.get("version") == MODEL_VERSION and model.get("themes") is not None:
        return model
    return _previous_result(section)


def _emphasis_json(emphasis: dict[str, float]) -> dict[str, float | None]:
    """Stakeholder emphasis with the engine's ``inf`` stored as ``None`` (JSON has no infinity)."""
    return {group: (None if math.isinf(ratio) else float(ratio)) for group, ratio in emphasis.items()}


def _located(maps: dict[str, list[Segment]], quote, kind: str, position: int) -> ThemeQuote | None:
    """A stored excerpt for an engine quote or summary sentence, or ``None`` if it cannot be located."""
    located = locate(maps[quote.document_id], quote.start, quote.end)
    if located is None:
        return None
    seg, start, end = located
    return ThemeQuote(submission_id=int(quote.document_id), kind=kind, position=position, source=seg.source,
                      page=seg.page, paragraph=seg.paragraph, start=start, end=end, text=quote.text)


def _campaigns_json(campaigns, maps: dict[str, list[Segment]], texts: dict[str, str]) -> list[dict]:
    """The section's campaigns as stored (see ``AnalysisSection.campaigns``)."""
    out = []
    for campaign in campaigns:
        added = []
        for doc_id in campaign.document_ids:
            spans = []
            for start, end in campaign.added_text.get(doc_id, []):
                for seg, lo, hi in locate_pieces(maps[doc_id], start, end):
                    piece = texts[doc_id][seg.offset + lo:seg.offset + hi]
                    if piece.strip():
                        spans.append({"source": seg.source, "page": seg.page, "paragraph": seg.paragraph,
                                      "start": lo, "end": hi, "text": piece})
            if spans:
                added.append({"submission_id": int(doc_id), "spans": spans})
        out.append({"id": campaign.id, "representative_id": int(campaign.representative_id),
                    "member_ids": [int(d) for d in campaign.document_ids], "added_text": added})
    return out


def _documents(subs: list[Submission], question_id: int | None):
    """Engine documents for one section, each document's segment map, and the ids of
    submissions whose only content is an attachment without readable text (general section)."""
    docs, maps, unreadable = [], {}, []
    for sub in subs:
        text, segments = section_text(sub, question_id)
        if not text.strip():
            if question_id is None and sub.attachment is not None:
                unreadable.append(sub.id)
            continue
        doc_id = str(sub.id)
        docs.append(engine.Document(
            id=doc_id, text=text,
            stakeholder_type=sub.stakeholder_type.value if sub.stakeholder_type else None,
            language=sub.language, quotable=passes(sub, Audience.QUOTABLE),
        ))
        maps[doc_id] = segments
    return docs, maps, unreadable


def run_analysis(run: AnalysisRun, progress: Progress | None = None) -> AnalysisRun:
    """Analyse every open question and the general free text of the run's consultation.

    Stores one :class:`AnalysisSection` per question that has text, with its themes, member
    submissions, unassigned submissions, unreadable submissions (an attachment with no text
    layer, e.g. a scan, and nothing typed), form-letter campaigns and saved theme set; per theme
    its distinct texts, campaigns, stakeholder emphasis, and located quotes and summary
    sentences; marks the run done (flushed). Each section starts from the saved theme set of the
    latest finished run's matching section (:func:`_previous`).
    The analysis itself only reads: nothing is written until it has finished, so progress can
    be recorded meanwhile on another connection (a SQLite database allows one writer).
    """
    consultation = run.consultation
    started = run.started_at or utcnow()
    subs = submissions_for(consultation, Audience.ANALYSIS)
    targets: list[int | None] = [q.id for q in consultation.open_questions] + [None]
    prepared = [(qid, *_documents(subs, qid)) for qid in targets]
    prepared = [p for p in prepared if p[1] or p[3]]
    results = []
    for index, (question_id, docs, maps, unreadable) in enumerate(prepared):
        def section_progress(stage: str, fraction: float, index=index) -> None:
            if progress:
                progress(stage, (index + fraction) / len(prepared))

        previous = _previous(consultation.id, question_id, run.id)
        entries = [CodebookTheme(e.key, e.label, tuple(e.keywords))
                   for e in codebook(consultation.id, section_key(question_id))]
        start_from = seed_model(entries, docs, previous)
        result = engine.analyse(docs, n_themes=run.n_themes, seed=run.seed, previous=start_from,
                                progress=section_progress)
        texts = {d.id: d.text for d in docs}
        _never_reuse(result, consultation.id, question_id, start_from)
        known = _known_themes(consultation.id, question_id, run.id, start_from)
        results.append((question_id, maps, texts, unreadable, result, known, {e.key for e in entries}))

    run.started_at, run.submission_count = started, len(subs)
    for position, (question_id, maps, texts, unreadable, result, known, codebook_keys) in enumerate(results):
        section = AnalysisSection(question_id=question_id, position=position,
                                  unassigned_ids=[int(d) for d in result.unassigned],
                                  unreadable_ids=unreadable, diagnostics=result.diagnostics,
                                  campaigns=_campaigns_json(result.campaigns, maps, texts),
                                  model=result.model or None)
        run.sections.append(section)
        for t_pos, found in enumerate(result.themes):
            theme = Theme(engine_id=found.id, position=t_pos, label=found.label,
                          key_phrases=list(found.key_phrases),
                          key_phrase_sources={p: [int(d) for d in ids] for p, ids in found.key_phrase_sources.items()},
                          distinct_texts=found.distinct_texts, campaign_ids=list(found.campaign_ids),
                          stakeholder_emphasis=_emphasis_json(found.stakeholder_emphasis))
            for a_pos, doc_id in enumerate(found.document_ids):
                theme.assignments.append(ThemeAssignment(submission_id=int(doc_id), position=a_pos))
            for q_pos, quote in enumerate(found.quotes):
                if (stored := _located(maps, quote, "quote", q_pos)) is not None:
                    theme.quotes.append(stored)
            for s_pos, sentence in enumerate(found.summary):
                if (stored := _located(maps, sentence, "summary", s_pos)) is not None:
                    theme.summary.append(stored)
            _carry_over(theme, known, codebook_keys)
            section.themes.append(theme)
    for section in run.sections:
        _carry_sign_off(section, consultation.id, run.id)
    run.state, run.finished_at = RunState.done, utcnow()
    db.session.flush()
    return run


def _carry_sign_off(section: AnalysisSection, consultation_id: int, run_id: int) -> None:
    """Keep the previous run's sign-off when the theme set came out unchanged: the same themes
    with the same members (and nothing new unassigned)."""
    before = _previous_section(consultation_id, section.question_id, run_id)
    if before is None or before.signed_off_at is None:
        return
    def shape(s: AnalysisSection) -> set:
        return {(t.engine_id, frozenset(a.submission_id for a in t.assignments)) for t in s.themes}
    if shape(before) == shape(section) and set(before.unassigned_ids) == set(section.unassigned_ids):
        section.signed_off_at, section.signed_off_by_id = before.signed_off_at, before.signed_off_by_id


def _never_reuse(result, consultation_id: int, question_id: int | None, start_from) -> None:
    """Give a new theme a fresh id when the engine handed it an id an earlier theme of this
    question had (and lost): a response, a link or the edit log must never follow a key to
    another theme. Changes ``result.themes`` and ``result.model`` in place."""
    from .models import Response

    carried = {str(t["id"]) for t in start_from.get("themes") or []} if isinstance(start_from, dict) else \
        {str(t.id) for t in start_from or []}
    section_filter = (AnalysisSection.question_id.is_(None) if question_id is None
                      else AnalysisSection.question_id == question_id)
    used = set(db.session.scalars(select(Theme.engine_id).join(AnalysisSection).join(AnalysisRun).where(
        AnalysisRun.consultation_id == consultation_id, section_filter)))
    used |= set(db.session.scalars(select(Response.theme_key).where(
        Response.consultation_id == consultation_id, Response.section_key == section_key(question_id),
        Response.theme_key.is_not(None))))
    taken = used | carried | {t.id for t in result.themes}
    renamed = {}
    for i, theme in enumerate(result.themes):
        if theme.id in used and theme.id not in carried:
            n = 1
            while f"t{n}" in taken:
                n += 1
            renamed[theme.id] = f"t{n}"
            taken.add(f"t{n}")
            result.themes[i] = dataclasses.replace(theme, id=f"t{n}")  # (engine themes are frozen)
    if renamed and isinstance(result.model, dict):
        for entry in result.model.get("themes") or []:
            entry["id"] = renamed.get(entry["id"], entry["id"])


def _known_themes(consultation_id: int, question_id: int | None, before_run_id: int, start_from) -> dict | None:
    """What a new run's themes inherit, by engine id: ``{engine id: Theme of the latest finished
    run's matching section}`` plus the ids of the theme set the run started from (under the key
    ``None``); ``None`` when there is no earlier run and no codebook (nothing is "proposed" then)."""
    section = _previous_section(consultation_id, question_id, before_run_id)
    ids = {str(t["id"]) for t in start_from.get("themes") or []} if isinstance(start_from, dict) else \
        {str(t.id) for t in start_from or []}
    if section is None and not ids:
        return None
    known: dict = {t.engine_id: t for t in section.themes} if section is not None else {}
    known[None] = ids | set(known)
    return known


def _carry_over(theme: Theme, known: dict | None, codebook_keys: set[str]) -> None:
    """Give a new run's ``theme`` what drafters set on its namesake in the previous run (its
    description, locked label, origin and review) or mark it proposed (new since that run)."""
    if theme.engine_id in codebook_keys:
        theme.origin, theme.label_locked = "codebook", True
    if known is None:
        return
    before = known.get(theme.engine_id)
    if before is None:
        theme.proposed = theme.engine_id not in known[None]
        return
    theme.description = before.description
    theme.label_locked = theme.label_locked or before.label_locked
    if before.label_locked and theme.engine_id not in codebook_keys:
        theme.label = before.label
    if theme.origin in (None, "engine"):  # (column defaults apply only at the flush)
        theme.origin = before.origin
    if {a.submission_id for a in theme.assignments} == {a.submission_id for a in before.assignments}:
        theme.reviewed_at, theme.reviewed_by_id = before.reviewed_at, before.reviewed_by_id  # else: review again


def mark_running(run: AnalysisRun) -> None:
    """Record that a run has started (flushed); the job commits it before the work begins."""
    run.state, run.started_at = RunState.running, utcnow()
    db.session.flush()


def mark_failed(run: AnalysisRun, error: str) -> None:
    """Record that a run failed (flushed)."""
    run.state, run.finished_at, run.error = RunState.failed, utcnow(), error[-4000:]
    db.session.flush()
