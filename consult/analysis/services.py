"""Running the theme analysis on a consultation and storing the result.

What is analysed follows "What counts where": published and pending submissions (hidden ones
never); only published submissions with consent to publish are quotable. Each open question is
analysed on its answers; the general free text is analysed together with the text of attached
position papers, and quotes keep their location (free text, or attachment page/paragraph).
"""
from __future__ import annotations

from dataclasses import dataclass
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
from .models import (
    AnalysisRun,
    AnalysisSection,
    RunState,
    Theme,
    ThemeAssignment,
    ThemeQuote,
)

Progress = Callable[[str, float], None]
SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Segment:
    """Where a stretch of an analysed text comes from.

    ``offset`` is its start in the combined document text; ``source`` is ``"text"`` or
    ``"attachment"``; ``page``/``paragraph`` locate attachment text.
    """

    offset: int
    length: int
    source: str
    page: int | None = None
    paragraph: int | None = None


def combined_text(submission: Submission) -> tuple[str, list[Segment]]:
    """The general free text of a submission followed by its attachment's text, with a map."""
    parts: list[tuple[str, str, int | None, int | None]] = []
    if submission.body:
        parts.append((submission.body, "text", None, None))
    if submission.attachment is not None:
        for seg in submission.attachment.segments or []:
            parts.append((seg["text"], "attachment", seg.get("page"), seg.get("paragraph")))
    text, segments, offset = [], [], 0
    for i, (part, source, page, paragraph) in enumerate(parts):
        if i:
            text.append(SEPARATOR)
            offset += len(SEPARATOR)
        segments.append(Segment(offset, len(part), source, page, paragraph))
        text.append(part)
        offset += len(part)
    return "".join(text), segments


def locate(segments: list[Segment], start: int, end: int) -> tuple[Segment, int, int] | None:
    """Map ``[start, end)`` of a combined text to ``(segment, local start, local end)``.

    Returns ``None`` if the span crosses a segment boundary (never for the engine's sentence quotes,
    which do not cross blank lines).
    """
    for seg in segments:
        if seg.offset <= start and end <= seg.offset + seg.length:
            return seg, start - seg.offset, end - seg.offset
    return None


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


def _previous_result(consultation_id: int, question_id: int | None, before_run_id: int):
    """The latest finished section for this question, as engine themes (for stable theme ids)."""
    section = db.session.scalar(
        select(AnalysisSection).join(AnalysisRun)
        .where(AnalysisRun.consultation_id == consultation_id, AnalysisRun.state == RunState.done,
               AnalysisRun.id != before_run_id,
               AnalysisSection.question_id.is_(None) if question_id is None
               else AnalysisSection.question_id == question_id)
        .order_by(AnalysisRun.id.desc()).limit(1)
    )
    if section is None:
        return None
    return [engine.Theme(id=t.engine_id, label=t.label, key_phrases=[], key_phrase_sources={},
                         document_ids=[str(a.submission_id) for a in t.assignments], quotes=[],
                         by_stakeholder_type={}) for t in section.themes]


def _documents(subs: list[Submission], question_id: int | None):
    """Engine documents for one section, each document's segment map, and the ids of
    submissions whose only content is an attachment without readable text (general section)."""
    docs, maps, unreadable = [], {}, []
    for sub in subs:
        if question_id is None:
            text, segments = combined_text(sub)
        else:
            answer = sub.answer_for(question_id)
            text = (answer.text or "") if answer else ""
            segments = [Segment(0, len(text), "text")]
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
    layer, e.g. a scan, and nothing typed) and located quotes; marks the run done (flushed).
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

        result = engine.analyse(docs, n_themes=run.n_themes, seed=run.seed,
                                previous=_previous_result(consultation.id, question_id, run.id),
                                progress=section_progress)
        results.append((question_id, maps, unreadable, result))

    run.started_at, run.submission_count = started, len(subs)
    for position, (question_id, maps, unreadable, result) in enumerate(results):
        section = AnalysisSection(question_id=question_id, position=position,
                                  unassigned_ids=[int(d) for d in result.unassigned],
                                  unreadable_ids=unreadable, diagnostics=result.diagnostics)
        run.sections.append(section)
        for t_pos, found in enumerate(result.themes):
            theme = Theme(engine_id=found.id, position=t_pos, label=found.label,
                          key_phrases=list(found.key_phrases),
                          key_phrase_sources={p: [int(d) for d in ids] for p, ids in found.key_phrase_sources.items()})
            for a_pos, doc_id in enumerate(found.document_ids):
                theme.assignments.append(ThemeAssignment(submission_id=int(doc_id), position=a_pos))
            for q_pos, quote in enumerate(found.quotes):
                located = locate(maps[quote.document_id], quote.start, quote.end)
                if located is None:
                    continue
                seg, start, end = located
                theme.quotes.append(ThemeQuote(
                    submission_id=int(quote.document_id), position=q_pos, source=seg.source,
                    page=seg.page, paragraph=seg.paragraph, start=start, end=end, text=quote.text,
                ))
            section.themes.append(theme)
    run.state, run.finished_at = RunState.done, utcnow()
    db.session.flush()
    return run


def mark_running(run: AnalysisRun) -> None:
    """Record that a run has started (flushed); the job commits it before the work begins."""
    run.state, run.started_at = RunState.running, utcnow()
    db.session.flush()


def mark_failed(run: AnalysisRun, error: str) -> None:
    """Record that a run failed (flushed)."""
    run.state, run.finished_at, run.error = RunState.failed, utcnow(), error[-4000:]
    db.session.flush()
