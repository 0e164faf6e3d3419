"""Moderation business rules: screening new submissions and moderators' actions."""
from __future__ import annotations

from ..common.mixins import ModerationStatus
from ..errors import DomainError
from ..extensions import db
from . import rules
from .models import Action, ModerationAction, Reason


class NotAllowedHere(DomainError):
    """The action does not apply to the submission's current state (e.g. approving a hidden one)."""


def submission_text(submission) -> str:
    """Everything a respondent typed in a submission: free text and answers, one per line."""
    parts = [submission.body or ""] + [a.text or "" for a in submission.answers]
    return "\n".join(p for p in parts if p)


def screen(submission) -> list[rules.Hit]:
    """Run the automatic rules on a new submission (flushed).

    When a rule fires the submission is held for review — pending, even in post-moderation — and
    a ``hold`` action with the hits (rule, reason, span; never the matched text) is logged.

    Returns:
        The hits (empty when nothing fired).
    """
    hits = rules.check(submission_text(submission))
    if hits:
        before = submission.moderation_status
        submission.moderation_status = ModerationStatus.pending
        db.session.add(ModerationAction(
            consultation_id=submission.consultation_id, submission_id=submission.id, actor_id=None,
            action=Action.hold, before=before.value, after=ModerationStatus.pending.value,
            rule_hits=[{"rule": h.rule, "reason": h.reason, "start": h.start, "end": h.end} for h in hits],
        ))
        db.session.flush()
    return hits


_TRANSITIONS = {
    Action.approve: ({ModerationStatus.pending}, ModerationStatus.published),
    Action.hide: ({ModerationStatus.pending, ModerationStatus.published}, ModerationStatus.hidden),
    Action.restore: ({ModerationStatus.hidden}, ModerationStatus.published),
}


def moderate(submission, actor, action: Action | str, *, reason: Reason | str | None = None,
             public_note: str | None = None) -> ModerationAction:
    """Approve, hide or restore one submission and log it (flushed; the view commits).

    Args:
        actor: the moderator (a :class:`~consult.accounts.models.User`).
        action: ``approve`` (pending → published), ``hide`` (pending/published → hidden; needs a
            ``reason``) or ``restore`` (hidden → published).
        public_note: shown to the public and the author with a hidden submission.

    Raises:
        NotAllowedHere: the action does not apply to the current state, or hiding without a reason.
        ValueError: an unknown action or reason.
    """
    action = Action(action)
    if action not in _TRANSITIONS:
        raise ValueError(f"{action.value} is not a moderator's action")
    allowed, after = _TRANSITIONS[action]
    before = submission.moderation_status
    if before not in allowed:
        raise NotAllowedHere(f"cannot {action.value} a {before.value} submission")
    reason_value = Reason(reason).value if reason else None
    if action is Action.hide and reason_value is None:
        raise NotAllowedHere("hiding needs a reason")
    submission.moderation_status = after
    row = ModerationAction(
        consultation_id=submission.consultation_id, submission_id=submission.id, actor_id=actor.id,
        action=action, before=before.value, after=after.value, reason=reason_value,
        public_note=(public_note or "").strip() or None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def queue(consultation, state: ModerationStatus | None = ModerationStatus.pending):
    """Submissions of ``consultation`` in ``state`` (all states when ``None``), oldest first,
    each with its latest rule hits: a list of ``(submission, hits)``."""
    from ..submissions.models import Submission

    query = db.select(Submission).where(Submission.consultation_id == consultation.id)
    if state is not None:
        query = query.where(Submission.moderation_status == state)
    subs = db.session.scalars(query.order_by(Submission.submitted_at, Submission.id)).all()
    holds = {}
    if subs:
        rows = db.session.scalars(
            db.select(ModerationAction).where(ModerationAction.submission_id.in_([s.id for s in subs]),
                                              ModerationAction.action == Action.hold)
            .order_by(ModerationAction.id)).all()
        for row in rows:
            holds[row.submission_id] = row.rule_hits
    return [(s, holds.get(s.id, [])) for s in subs]


def history(submission) -> list[ModerationAction]:
    """The audit rows of one submission, oldest first."""
    return db.session.scalars(db.select(ModerationAction).where(ModerationAction.submission_id == submission.id)
                              .order_by(ModerationAction.id)).all()


def latest_decision(submission) -> ModerationAction | None:
    """The latest action on ``submission`` (a hold, or a moderator's), or ``None``."""
    return db.session.scalar(db.select(ModerationAction).where(ModerationAction.submission_id == submission.id)
                             .order_by(ModerationAction.id.desc()).limit(1))


def register(consultation) -> list[tuple[str, str, str | None, int]]:
    """The public moderation register: ``(month "YYYY-MM", action, reason, count)`` rows, newest
    month first. Counts only: no submission, person or text is named."""
    rows = db.session.execute(
        db.select(ModerationAction.created_at, ModerationAction.action, ModerationAction.reason)
        .where(ModerationAction.consultation_id == consultation.id)).all()
    counts: dict[tuple[str, str, str | None], int] = {}
    for created_at, action, reason in rows:
        key = (created_at.strftime("%Y-%m"), Action(action).value, reason)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((m, a, r, c) for (m, a, r), c in counts.items()), key=lambda row: (row[0], row[1], row[2] or ""),
                  reverse=True)
