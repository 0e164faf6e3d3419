"""Reading analysis results through the visibility gate.

Counts, key phrases and quotes are derived at read time from the stored assignments and the
submissions' current moderation state, so a submission hidden after the run drops out of every
count, phrase and quote at once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.visibility import Audience, passes
from ..consultations.models import Consultation, Question
from ..extensions import db
from ..submissions.models import Submission
from ..themes import label_from_phrases
from .models import AnalysisRun, AnalysisSection, RunState, Theme, ThemeAssignment

GENERAL_TITLE = _l("General comments (free text and attachments)")


@dataclass
class QuoteView:
    """A quote that may be shown: verbatim ``text`` of submission ``submission_ref``."""

    submission_ref: str
    text: str
    source: str
    page: int | None
    paragraph: int | None
    start: int
    end: int


@dataclass
class ThemeView:
    """A theme as ``audience`` sees it now."""

    id: int
    engine_id: str
    label: str
    key_phrases: list[str]
    submission_count: int
    by_stakeholder_type: dict[str, int]
    quotes: list[QuoteView]
    submission_refs: list[str]


@dataclass
class SectionView:
    """The themes of one question (``question`` ``None``: general free text)."""

    question: Question | None
    title: str
    submission_count: int
    unassigned_refs: list[str]
    themes: list[ThemeView] = field(default_factory=list)
    # only an attachment without readable text: drafters read these themselves
    unreadable_refs: list[str] = field(default_factory=list)


@dataclass
class RunView:
    """A finished run, as ``audience`` sees it now."""

    run: AnalysisRun
    submission_count: int
    sections: list[SectionView]


def latest_run(consultation: Consultation, *, finished: bool = True) -> AnalysisRun | None:
    """The newest run of ``consultation`` (only done ones when ``finished``)."""
    stmt = select(AnalysisRun).where(AnalysisRun.consultation_id == consultation.id)
    if finished:
        stmt = stmt.where(AnalysisRun.state == RunState.done)
    return db.session.scalar(stmt.order_by(AnalysisRun.id.desc()).limit(1))


def _submissions(ids: set[int]) -> dict[int, Submission]:
    if not ids:
        return {}
    rows = db.session.scalars(select(Submission).where(Submission.id.in_(ids)))
    return {s.id: s for s in rows}


def run_view(run: AnalysisRun, audience: Audience = Audience.ANALYSIS) -> RunView:
    """Derive the counts, phrases and quotes of ``run`` that ``audience`` may see.

    ``audience`` decides which submissions count (ANALYSIS for staff and drafter exports, PUBLIC
    for public pages); quotes and key phrases always need QUOTABLE support.
    """
    ids: set[int] = set()
    for section in run.sections:
        ids.update(section.unassigned_ids)
        ids.update(section.unreadable_ids)
        for theme in section.themes:
            ids.update(a.submission_id for a in theme.assignments)
    subs = _submissions(ids)

    def counted(sid: int) -> bool:
        sub = subs.get(sid)
        return sub is not None and passes(sub, audience)

    def quotable(sid: int) -> bool:
        sub = subs.get(sid)
        return sub is not None and passes(sub, Audience.QUOTABLE)

    sections, all_counted = [], set()
    for section in run.sections:
        view = SectionView(
            question=section.question,
            title=section.question.text if section.question else str(GENERAL_TITLE),
            submission_count=0,
            unassigned_refs=[subs[s].reference for s in section.unassigned_ids if counted(s)],
            unreadable_refs=[subs[s].reference for s in section.unreadable_ids if counted(s)],
        )
        members_in_section = {s for s in (*section.unassigned_ids, *section.unreadable_ids) if counted(s)}
        for theme in section.themes:
            members = [a.submission_id for a in theme.assignments if counted(a.submission_id)]
            if not members:
                continue
            members_in_section.update(members)
            stakeholders = Counter(
                subs[s].stakeholder_type.value if subs[s].stakeholder_type else "unknown" for s in members
            )
            member_set = set(members)
            phrases = [p for p in theme.key_phrases
                       if any(quotable(s) and s in member_set for s in theme.key_phrase_sources.get(p, []))]
            quotes = [
                QuoteView(subs[q.submission_id].reference, q.text, q.source, q.page, q.paragraph, q.start, q.end)
                for q in theme.quotes if quotable(q.submission_id) and q.submission_id in member_set
            ]
            view.themes.append(ThemeView(
                id=theme.id, engine_id=theme.engine_id,
                label=theme.label if phrases == theme.key_phrases else label_from_phrases(phrases),
                key_phrases=phrases, submission_count=len(members),
                by_stakeholder_type=dict(sorted(stakeholders.items())), quotes=quotes,
                submission_refs=[subs[s].reference for s in members],
            ))
        view.submission_count = len(members_in_section)
        all_counted |= members_in_section
        sections.append(view)
    return RunView(run=run, submission_count=len(all_counted), sections=sections)


def themes_of_submission(submission: Submission) -> list[tuple[str, str]]:
    """``(section title, theme label)`` of the latest finished run's themes holding ``submission``."""
    run = latest_run(submission.consultation)
    if run is None:
        return []
    rows = db.session.execute(
        select(AnalysisSection, Theme)
        .join(Theme, Theme.section_id == AnalysisSection.id)
        .join(ThemeAssignment, ThemeAssignment.theme_id == Theme.id)
        .where(AnalysisSection.run_id == run.id, ThemeAssignment.submission_id == submission.id)
        .order_by(AnalysisSection.position, Theme.position)
    ).all()
    return [(section.question.text if section.question else str(GENERAL_TITLE), theme.label)
            for section, theme in rows]
