"""Reading submissions, always through the visibility gate for public reads."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..common.mixins import ModerationStatus
from ..common.visibility import Audience, visibility_clause, visible
from ..consultations.models import Consultation, QuestionKind
from ..extensions import db
from .models import Answer, Submission
from .services import hash_token


def get_by_receipt_token(token: str) -> Submission | None:
    """The submission whose receipt token is ``token`` (compared by SHA-256), or ``None``.

    The receipt page belongs to the token holder (the respondent), so no visibility filter
    applies: they see their own hidden or pending submission and why.
    """
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(Submission).where(Submission.receipt_token_hash == hash_token(token)))


def public_submission_counts(consultation_ids: list[int]) -> dict[int, int]:
    """consultation id → number of submissions counted on public pages (published only)."""
    if not consultation_ids:
        return {}
    stmt = visible(
        select(Submission.consultation_id, func.count()).where(Submission.consultation_id.in_(consultation_ids)),
        Submission, Audience.PUBLIC,
    ).group_by(Submission.consultation_id)
    return dict(db.session.execute(stmt).all())


def count_for(consultation: Consultation, audience: Audience) -> int:
    """Number of the consultation's submissions that ``audience`` counts."""
    stmt = visible(select(func.count()).select_from(Submission)
                   .where(Submission.consultation_id == consultation.id), Submission, audience)
    return db.session.scalar(stmt) or 0


def submissions_for(consultation: Consultation, audience: Audience) -> list[Submission]:
    """The consultation's submissions that ``audience`` may see, oldest first."""
    stmt = visible(select(Submission).where(Submission.consultation_id == consultation.id),
                   Submission, audience).order_by(Submission.submitted_at, Submission.id)
    return list(db.session.scalars(stmt))


def choice_counts(consultation: Consultation, audience: Audience) -> dict[int, Counter]:
    """question id → Counter of chosen options, for choice and Likert questions."""
    ids = [q.id for q in consultation.questions if q.kind is not QuestionKind.open]
    if not ids:
        return {}
    stmt = visible(
        select(Answer.question_id, Answer.choice, func.count())
        .join(Submission, Submission.id == Answer.submission_id)
        .where(Answer.question_id.in_(ids), Answer.choice.is_not(None)),
        Submission, audience,
    ).group_by(Answer.question_id, Answer.choice)
    out: dict[int, Counter] = {qid: Counter() for qid in ids}
    for qid, choice, n in db.session.execute(stmt):
        out[qid][choice] = n
    return out


def choice_crosstab(consultation: Consultation, audience: Audience, by: str) -> dict[int, dict[str, Counter]]:
    """question id → group → Counter of chosen options, for choice and Likert questions, where
    the group is the respondent's ``by`` (``"stakeholder_type"`` or ``"region"``; ``""`` when
    not given). Counts pass the visibility gate for ``audience``."""
    column = {"stakeholder_type": Submission.stakeholder_type, "region": Submission.region}[by]
    ids = [q.id for q in consultation.questions if q.kind is not QuestionKind.open]
    if not ids:
        return {}
    stmt = visible(
        select(Answer.question_id, column, Answer.choice, func.count())
        .join(Submission, Submission.id == Answer.submission_id)
        .where(Answer.question_id.in_(ids), Answer.choice.is_not(None)),
        Submission, audience,
    ).group_by(Answer.question_id, column, Answer.choice)
    out: dict[int, dict[str, Counter]] = {qid: {} for qid in ids}
    for qid, group, choice, n in db.session.execute(stmt):
        key = getattr(group, "value", group) or ""
        if by == "region":
            key = " ".join(key.split()).title()
        out[qid].setdefault(key, Counter())[choice] += n
    return out


SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


def suppress(n: int) -> int | str:
    """A count as shown in tallies: the number, or ``"<5"`` for 1 to 4 respondents (so no one is
    singled out); 0 stays 0."""
    return SUPPRESSED if 0 < n < SUPPRESS_BELOW else n


@dataclass
class Tally:
    """A closed question's answers as shown: ``overall`` option → count, and per group (stakeholder
    type code or kecamatan) option → count, for ``by_type`` and ``by_region``. Cells of 1 to 4
    respondents read ``"<5"``; a group of fewer than five respondents in all (or one that gave no
    kecamatan) is merged into ``OTHER_GROUPS`` so its answers cannot be read off."""

    question: object
    options: list[str]
    overall: dict[str, int | str]
    by_type: list[tuple[str, dict[str, int | str]]]
    by_region: list[tuple[str, dict[str, int | str]]]


OTHER_GROUPS = "other"


def choice_tallies(consultation: Consultation, audience: Audience) -> list[Tally]:
    """One :class:`Tally` per single-choice or Likert question that has answers, in question
    order; counts pass the visibility gate for ``audience``."""
    out = []
    crosstabs = {by: choice_crosstab(consultation, audience, by) for by in ("stakeholder_type", "region")}
    for question in consultation.questions:
        if question.kind is QuestionKind.open:
            continue
        by_type_raw = crosstabs["stakeholder_type"].get(question.id, {})
        if not by_type_raw:
            continue
        options = list(question.options or []) or sorted({o for c in by_type_raw.values() for o in c})
        total = sum(by_type_raw.values(), Counter())

        def groups(raw: dict[str, Counter]) -> list[tuple[str, dict[str, int | str]]]:
            shown, small = [], Counter()
            for group, counts in sorted(raw.items()):
                if not group or sum(counts.values()) < SUPPRESS_BELOW:
                    small.update(counts)
                else:
                    shown.append((group, {o: suppress(counts.get(o, 0)) for o in options}))
            if small:
                shown.append((OTHER_GROUPS, {o: suppress(small.get(o, 0)) for o in options}))
            return shown

        out.append(Tally(question, options, {o: suppress(total.get(o, 0)) for o in options},
                         groups(by_type_raw), groups(crosstabs["region"].get(question.id, {}))))
    return out


def counts_over_time(consultation: Consultation, audience: Audience) -> list[tuple[str, int]]:
    """Submissions per local day (``"2026-11-03"``), or per week (``"2026-W45"``) when they span
    more than 45 days, oldest first, empty periods included; counts pass the gate for ``audience``."""
    from datetime import timedelta

    from ..common.dates import to_local

    stmt = visible(select(Submission.submitted_at).where(Submission.consultation_id == consultation.id),
                   Submission, audience)
    days = Counter(to_local(when).date() for (when,) in db.session.execute(stmt))
    if not days:
        return []
    first, last = min(days), max(days)
    if (last - first).days > 45:
        weeks: Counter = Counter()
        for day, n in days.items():
            year, week, _ = day.isocalendar()
            weeks[(year, week)] += n
        out, day = [], first
        while day <= last + timedelta(days=6):
            year, week, _ = day.isocalendar()
            if not out or out[-1][0] != f"{year}-W{week:02d}":
                out.append((f"{year}-W{week:02d}", weeks.get((year, week), 0)))
            day += timedelta(days=7)
        return out
    return [((first + timedelta(days=i)).isoformat(), days.get(first + timedelta(days=i), 0))
            for i in range((last - first).days + 1)]


def counts_by_region(consultation: Consultation, audience: Audience, *, other: str, unknown: str) -> list[tuple[str, int | str]]:
    """Submissions per kecamatan (as typed, spacing and case normalised), largest first; kecamatan
    with fewer than five are merged under ``other`` (itself ``"<5"`` when that total is small),
    and those that gave none under ``unknown``."""
    stmt = visible(select(Submission.region, func.count()).where(Submission.consultation_id == consultation.id),
                   Submission, audience).group_by(Submission.region)
    regions: Counter = Counter()
    for region, n in db.session.execute(stmt):
        regions[" ".join((region or "").split()).title() or unknown] += n
    small = sum(n for r, n in regions.items() if n < SUPPRESS_BELOW)
    out: list[tuple[str, int | str]] = [(r, n) for r, n in regions.most_common() if n >= SUPPRESS_BELOW]
    if small:
        out.append((other, suppress(small)))
    return out


def public_listing(consultation: Consultation, *, page: int = 1, per_page: int = 20):
    """One page of the consultation's public list of submissions, newest first.

    Holds the quotable submissions (published, author agreed to publish) and the hidden ones,
    which the page shows only as "hidden by a moderator: reason" without text. Pending and
    unpublished-by-choice submissions are not listed (the latter are counted on the consultation
    page). Returns a Flask-SQLAlchemy ``Pagination`` (``.items``, ``.pages``, ``.has_next`` …).
    """
    stmt = select(Submission).where(
        Submission.consultation_id == consultation.id,
        or_(visibility_clause(Submission, Audience.QUOTABLE), Submission.moderation_status == ModerationStatus.hidden),
    ).order_by(Submission.submitted_at.desc(), Submission.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def public_submission(consultation: Consultation, reference: str) -> Submission | None:
    """The submission ``reference`` of ``consultation`` as the public may reach it: published or
    hidden (shown as a placeholder); ``None`` when unknown, still waiting for review, or withdrawn."""
    return db.session.scalar(select(Submission).where(
        Submission.consultation_id == consultation.id, Submission.reference == reference,
        Submission.moderation_status.in_([ModerationStatus.published, ModerationStatus.hidden])))
