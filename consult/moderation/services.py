"""Moderation business rules: screening new submissions and moderators' actions."""
from __future__ import annotations

from ..common.mixins import ModerationStatus
from ..errors import DomainError
from ..extensions import db
from . import rules
from .models import Action, Appeal, ModerationAction, Reason, RedactedOriginal


class NotAllowedHere(DomainError):
    """The action does not apply to the submission's current state (e.g. approving a hidden one)."""


def _log(submission, actor, action: Action, before: ModerationStatus, *, reason: str | None = None,
         public_note: str | None = None, rule_hits: list | None = None) -> ModerationAction:
    """Append one audit row for ``submission``; "after" is its current state (flushed)."""
    row = ModerationAction(
        consultation_id=submission.consultation_id, submission_id=submission.id,
        actor_id=actor.id if actor is not None else None, action=action, before=before.value,
        after=submission.moderation_status.value, reason=reason,
        public_note=(public_note or "").strip() or None, rule_hits=rule_hits or [],
    )
    db.session.add(row)
    db.session.flush()
    return row


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
        _log(submission, None, Action.hold, before,
             rule_hits=[{"rule": h.rule, "reason": h.reason, "start": h.start, "end": h.end} for h in hits])
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
    return _log(submission, actor, action, before, reason=reason_value, public_note=public_note)


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


def redact_submission(submission, actor, *, public_note: str | None = None) -> ModerationAction:
    """Replace the personal data the rules find in a submission's text with placeholders
    (``[NIK]``, ``[telepon]`` …), keep each original in :class:`RedactedOriginal`, drop the
    submission's stored quotes and summary sentences from earlier analyses (they were cut from
    the old text; the next run quotes the redacted one), and log a ``redact`` action (flushed).

    Raises:
        NotAllowedHere: the rules find no personal data to redact.
    """
    from ..analysis.models import ThemeQuote

    fields = [("body", submission, "body")] + [(f"answer:{a.question_id}", a, "text") for a in submission.answers]
    kept, hits_log = [], []
    for name, obj, attribute in fields:
        text = getattr(obj, attribute) or ""
        hits = [h for h in rules.find_personal_data(text)]
        if not hits:
            continue
        original = RedactedOriginal(submission_id=submission.id, field=name, original=text)
        db.session.add(original)
        setattr(obj, attribute, rules.redact(text, hits))
        kept.append(original)
        hits_log += [{"field": name, "rule": h.rule, "reason": h.reason, "start": h.start, "end": h.end} for h in hits]
    if not kept:
        raise NotAllowedHere("no personal data found to redact")
    db.session.flush()
    db.session.execute(db.delete(ThemeQuote).where(ThemeQuote.submission_id == submission.id))
    return _log(submission, actor, Action.redact, submission.moderation_status, reason=Reason.personal_data.value,
                public_note=public_note, rule_hits=hits_log + [{"original_id": k.id} for k in kept])


def erase_original(original: RedactedOriginal, actor) -> ModerationAction:
    """Erase a kept original text (a UU PDP erasure request) and log it (flushed).

    The audit log itself is never changed: its ``redact`` row keeps pointing at the now empty
    original, and this ``erase`` row records who erased it and when.
    """
    from ..common.types import utcnow
    from ..submissions.models import Submission

    submission = db.session.get(Submission, original.submission_id)
    original.original = None
    original.erased_at = utcnow()
    return _log(submission, actor, Action.erase, submission.moderation_status, reason=Reason.personal_data.value,
                rule_hits=[{"original_id": original.id}])


def waiting_count(consultation) -> int:
    """How many submissions of ``consultation`` wait for a moderator."""
    from ..submissions.models import Submission

    return db.session.scalar(db.select(db.func.count()).select_from(Submission).where(
        Submission.consultation_id == consultation.id, Submission.moderation_status == ModerationStatus.pending))


MAX_APPEAL_CHARS = 2000


def appeal_of(submission) -> Appeal | None:
    """The author's appeal on ``submission``, if any."""
    return db.session.scalar(db.select(Appeal).where(Appeal.submission_id == submission.id))


def file_appeal(submission, text: str) -> Appeal:
    """The author appeals once against their submission being hidden (flushed).

    Raises:
        NotAllowedHere: the submission is not hidden, or was already appealed.
        ValidationFailed: empty or longer than ``MAX_APPEAL_CHARS``.
    """
    from flask_babel import lazy_gettext as _l

    from ..errors import ValidationFailed

    if submission.moderation_status is not ModerationStatus.hidden:
        raise NotAllowedHere("only a hidden submission can be appealed")
    if appeal_of(submission) is not None:
        raise NotAllowedHere("a submission can be appealed once")
    text = (text or "").strip()
    if not text or len(text) > MAX_APPEAL_CHARS:
        raise ValidationFailed({"appeal": [_l("Write why the submission should be shown (at most %(n)d characters).",
                                               n=MAX_APPEAL_CHARS)]})
    row = Appeal(submission_id=submission.id, text=text)
    db.session.add(row)
    db.session.flush()
    return row


def open_appeals(consultation) -> list[tuple[Appeal, object]]:
    """Undecided appeals of ``consultation``, oldest first: ``(appeal, submission)``."""
    from ..submissions.models import Submission

    rows = db.session.execute(
        db.select(Appeal, Submission).join(Submission, Submission.id == Appeal.submission_id)
        .where(Submission.consultation_id == consultation.id, Appeal.decision.is_(None))
        .order_by(Appeal.created_at, Appeal.id)).all()
    return [(a, s) for a, s in rows]


def decide_appeal(appeal: Appeal, actor, *, overturn: bool, note: str | None = None) -> ModerationAction:
    """Decide an appeal (flushed): overturn restores the submission, uphold keeps it hidden;
    either way an audit row is written and the decision is shown on the author's receipt.

    Raises:
        NotAllowedHere: already decided, or ``actor`` is the moderator who hid it.
    """
    from ..common.types import utcnow
    from ..submissions.models import Submission

    if appeal.decision is not None:
        raise NotAllowedHere("this appeal was already decided")
    submission = db.session.get(Submission, appeal.submission_id)
    hid = db.session.scalar(db.select(ModerationAction).where(
        ModerationAction.submission_id == submission.id, ModerationAction.action == Action.hide)
        .order_by(ModerationAction.id.desc()).limit(1))
    if hid is not None and hid.actor_id == actor.id:
        raise NotAllowedHere("another moderator must decide the appeal")
    note = (note or "").strip() or None
    if overturn:
        row = moderate(submission, actor, Action.restore, public_note=note)
    else:
        row = _log(submission, actor, Action.uphold, submission.moderation_status,
                   reason=hid.reason if hid is not None else None, public_note=note)
    appeal.decision = "overturned" if overturn else "upheld"
    appeal.decided_by_id, appeal.decided_at, appeal.decision_note = actor.id, utcnow(), note
    db.session.flush()
    return row
