"""Moderation business rules: screening new submissions and moderators' actions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ..common.mixins import ModerationStatus
from ..errors import DomainError
from ..extensions import db
from . import rules
from .models import (
    Action,
    Appeal,
    Flag,
    FlagCategory,
    ModerationAction,
    Reason,
    RedactedOriginal,
)


class NotAllowedHere(DomainError):
    """The action does not apply to the submission's current state (e.g. approving a hidden one)."""


def is_comment(item) -> bool:
    """Whether ``item`` (moderated content) is a discussion comment rather than a submission."""
    from ..discussion.models import Comment

    return isinstance(item, Comment)


def _target(item) -> dict[str, int | None]:
    """The audit and flag columns naming ``item``: ``{"submission_id": …, "comment_id": …}``."""
    return {"comment_id": item.id, "submission_id": None} if is_comment(item) else \
        {"submission_id": item.id, "comment_id": None}


def _about(model, item):
    """SQL condition: rows of ``model`` (audit rows or flags) about ``item``."""
    return model.comment_id == item.id if is_comment(item) else model.submission_id == item.id


def _log(submission, actor, action: Action, before: ModerationStatus, *, reason: str | None = None,
         public_note: str | None = None, rule_hits: list | None = None) -> ModerationAction:
    """Append one audit row for ``submission`` (or a comment); "after" is its current state (flushed)."""
    row = ModerationAction(
        consultation_id=submission.consultation_id, **_target(submission),
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


def _hold(item, hits: list[rules.Hit]) -> None:
    """When the rules fired (``hits``), hold ``item`` (pending) and log a ``hold`` with the hits:
    rule, reason and span, never the matched text."""
    if hits:
        before = item.moderation_status
        item.moderation_status = ModerationStatus.pending
        _log(item, None, Action.hold, before,
             rule_hits=[{"rule": h.rule, "reason": h.reason, "start": h.start, "end": h.end} for h in hits])


def screen(submission, *, now=None) -> list[rules.Hit]:
    """Run the automatic rules on a new submission (flushed).

    Content rules (:func:`consult.moderation.rules.check`) read its text; the flood rule
    (:func:`consult.moderation.rules.is_flood`) counts the submissions of the same source
    (``source_hash``, the sending visitor) to this consultation in the last
    ``rules.FLOOD_WINDOW``. When a rule fires the submission is held for review — pending, even
    in post-moderation — and a ``hold`` action with the hits (rule, reason, span; never the
    matched text) is logged.

    Returns:
        The hits (empty when nothing fired).
    """
    from ..common.types import utcnow
    from ..submissions.models import Submission

    # the organisation's name is shown publicly with the text, so it is screened too (after the
    # text, so the hits' spans into the text stay valid)
    hits = rules.check("\n".join(p for p in (submission_text(submission), submission.organisation_name or "") if p))
    if submission.source_hash:
        now = now or utcnow()
        times = db.session.scalars(db.select(Submission.submitted_at).where(
            Submission.consultation_id == submission.consultation_id, Submission.id != submission.id,
            Submission.source_hash == submission.source_hash,
            Submission.submitted_at >= now - rules.FLOOD_WINDOW)).all()
        if rules.is_flood(times, now):
            hits.append(rules.flood_hit())
    _hold(submission, hits)
    return hits


def screen_comment(comment, *, now=None) -> list[rules.Hit]:
    """Run the automatic rules on a new discussion comment (flushed), as :func:`screen` does for
    a submission: the content rules read its text; the flood rule counts the same author's
    comments in this consultation within ``rules.FLOOD_WINDOW``. When a rule fires the comment is
    held (pending) and a ``hold`` action with the hits is logged.

    Returns:
        The hits (empty when nothing fired).
    """
    from ..common.types import utcnow
    from ..discussion.models import Comment

    hits = rules.check(comment.body or "")
    if comment.author_id is not None:
        now = now or utcnow()
        times = db.session.scalars(db.select(Comment.created_at).where(
            Comment.consultation_id == comment.consultation_id, Comment.id != comment.id,
            Comment.author_id == comment.author_id, Comment.created_at >= now - rules.FLOOD_WINDOW)).all()
        if rules.is_flood(times, now):
            hits.append(rules.flood_hit())
    _hold(comment, hits)
    return hits


_TRANSITIONS = {
    Action.approve: ({ModerationStatus.pending}, ModerationStatus.published),
    Action.hide: ({ModerationStatus.pending, ModerationStatus.published}, ModerationStatus.hidden),
    Action.restore: ({ModerationStatus.hidden}, ModerationStatus.published),
}


def moderate(submission, actor, action: Action | str, *, reason: Reason | str | None = None,
             public_note: str | None = None) -> ModerationAction:
    """Approve, hide or restore one submission or comment and log it (flushed; the view commits).

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
        raise NotAllowedHere(f"cannot {action.value} a {before.value} {'comment' if is_comment(submission) else 'submission'}")
    reason_value = Reason(reason).value if reason else None
    if action is Action.hide and reason_value is None:
        raise NotAllowedHere("hiding needs a reason")
    appeal = appeal_of(submission) if action is Action.restore and not is_comment(submission) else None
    hider = _hider(submission) if appeal is not None and appeal.decision is None else None
    if hider is not None and hider.actor_id == actor.id:
        # an open appeal is decided by another moderator than the one who hid it
        raise NotAllowedHere("another moderator must decide the open appeal")
    submission.moderation_status = after
    row = _log(submission, actor, action, before, reason=reason_value, public_note=public_note)
    if appeal is not None and appeal.decision is None:
        from ..common.types import utcnow

        appeal.decision, appeal.decided_by_id, appeal.decided_at = "overturned", actor.id, utcnow()
        appeal.decision_note = (public_note or "").strip() or None
    return row


def _hider(submission) -> ModerationAction | None:
    """The latest ``hide`` row of ``submission``."""
    return db.session.scalar(db.select(ModerationAction).where(
        _about(ModerationAction, submission), ModerationAction.action == Action.hide)
        .order_by(ModerationAction.id.desc()).limit(1))


@dataclass
class QueueItem:
    """One row of the moderation queue: a submission (``submission``) or a discussion comment
    (``comment``; ``submission`` is then ``None``).

    ``hits``: the automatic rules' hits of the latest hold (``{"rule", "reason", "start", "end"}``);
    ``rules``: their rule names; ``flags``: flags since the last approve/restore, with
    ``flag_categories`` (category → count); ``escalated``: the latest action is an escalation;
    ``age_hours``: hours since the item arrived.
    """

    submission: object
    hits: list = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    flags: int = 0
    flag_categories: dict[str, int] = field(default_factory=dict)
    escalated: bool = False
    escalation_note: str | None = None
    age_hours: float = 0.0
    comment: object = None


def queue(consultation, state: ModerationStatus | None = ModerationStatus.pending, *, rule: str | None = None,
          min_flags: int = 0, min_age_hours: float | None = None, escalated: bool | None = None,
          now=None) -> list[QueueItem]:
    """The moderation queue of ``consultation``'s submissions, oldest first.

    Args:
        state: only submissions in this state (all states when ``None``).
        rule: only items whose latest hold hit this rule (``nik``, ``phone``, ``abuse``,
            ``link_spam``, ``flood``, ``flags`` …).
        min_flags: only items with at least this many flags since their last review.
        min_age_hours: only items that arrived at least this many hours ago.
        escalated: ``True`` only escalated items, ``False`` only the others, ``None`` both.

    Returns:
        A list of :class:`QueueItem`.
    """
    from ..common.types import utcnow
    from ..submissions.models import Submission

    now = now or utcnow()
    query = db.select(Submission).where(Submission.consultation_id == consultation.id,
                                        Submission.moderation_status != ModerationStatus.withdrawn)
    if state is not None:
        query = query.where(Submission.moderation_status == state)
    if min_age_hours:
        query = query.where(Submission.submitted_at <= now - timedelta(hours=float(min_age_hours)))
    subs = db.session.scalars(query.order_by(Submission.submitted_at, Submission.id)).all()
    items = {s.id: QueueItem(submission=s, age_hours=(now - s.submitted_at).total_seconds() / 3600) for s in subs}
    out = _annotated(items, "submission_id")
    if rule:
        out = [i for i in out if rule in i.rules]
    if min_flags:
        out = [i for i in out if i.flags >= min_flags]
    if escalated is not None:
        out = [i for i in out if i.escalated is escalated]
    return out


def comment_queue(consultation, state: ModerationStatus | None = ModerationStatus.pending, *,
                  now=None) -> list[QueueItem]:
    """The moderation queue of ``consultation``'s discussion comments in ``state`` (all states
    when ``None``), oldest first: :class:`QueueItem` rows with ``comment`` set, read the same way
    as :func:`queue` (latest hold's hits, flags since the last review, escalation)."""
    from ..common.types import utcnow
    from ..discussion.models import Comment

    now = now or utcnow()
    query = db.select(Comment).where(Comment.consultation_id == consultation.id)
    if state is not None:
        query = query.where(Comment.moderation_status == state)
    comments = db.session.scalars(query.order_by(Comment.created_at, Comment.id)).all()
    items = {c.id: QueueItem(submission=None, comment=c, age_hours=(now - c.created_at).total_seconds() / 3600)
             for c in comments}
    return _annotated(items, "comment_id")


def _annotated(items: dict[int, QueueItem], column: str) -> list[QueueItem]:
    """Fill hits, flags and escalation of queue ``items`` (content id → item) from the audit log
    and the flags, reading rows whose ``column`` (``submission_id`` or ``comment_id``) names them."""
    if not items:
        return []
    reviewed: dict = {}  # content id → time of its latest approve or restore
    for row in _actions_of(list(items), column):
        item = items[getattr(row, column)]
        if row.action is Action.hold:
            item.hits = row.rule_hits
            item.rules = list(dict.fromkeys(h["rule"] for h in row.rule_hits if "rule" in h))
        elif row.action in (Action.approve, Action.restore):
            reviewed[getattr(row, column)] = row.created_at
            item.hits, item.rules = [], []
        item.escalated = row.action is Action.escalate
        item.escalation_note = row.public_note if item.escalated else None
    flag_column = getattr(Flag, column)
    for start in range(0, len(items), 500):
        chunk = list(items)[start:start + 500]
        for flag in db.session.scalars(db.select(Flag).where(flag_column.in_(chunk))):
            since = reviewed.get(getattr(flag, column))
            if since is None or flag.created_at >= since:
                item = items[getattr(flag, column)]
                item.flags += 1
                item.flag_categories[flag.category.value] = item.flag_categories.get(flag.category.value, 0) + 1
    return list(items.values())


def _actions_of(ids: list[int], column: str = "submission_id") -> list[ModerationAction]:
    """Audit rows about these submissions (or comments, with ``column="comment_id"``) in the
    order they were written."""
    rows: list[ModerationAction] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows += db.session.scalars(db.select(ModerationAction).where(
            getattr(ModerationAction, column).in_(chunk))).all()
    return sorted(rows, key=lambda r: r.id)


def history(submission) -> list[ModerationAction]:
    """The audit rows of one submission (or comment), oldest first."""
    return db.session.scalars(db.select(ModerationAction).where(_about(ModerationAction, submission))
                              .order_by(ModerationAction.id)).all()


def latest_decision(submission) -> ModerationAction | None:
    """The latest action on ``submission`` that decided its state (a hold, approve, hide,
    restore or an appeal's decision; escalations, redactions and erasures leave the state as it
    was and are skipped), or ``None``."""
    return db.session.scalar(db.select(ModerationAction).where(
        _about(ModerationAction, submission),
        ModerationAction.action.not_in([Action.escalate, Action.redact, Action.erase]))
                             .order_by(ModerationAction.id.desc()).limit(1))


def hidden_notice(submission) -> tuple[str | None, str | None]:
    """For a hidden submission, the ``(reason code, public note)`` of the hide that the public
    sees in its place ("hidden by a moderator: reason"); ``(None, None)`` when none is logged."""
    row = _hider(submission)
    return (row.reason, row.public_note) if row is not None else (None, None)


def register(consultation, kind: str = "submission") -> list[tuple[str, str, str | None, int]]:
    """The public moderation register of ``consultation``'s submissions (``kind="comment"``: of
    its discussion comments): ``(month "YYYY-MM", action, reason, count)`` rows, newest month
    first. Counts only: no submission, comment, person or text is named.

    Raises:
        ValueError: ``kind`` is neither ``"submission"`` nor ``"comment"``.
    """
    if kind not in ("submission", "comment"):
        raise ValueError(f"unknown kind {kind!r}")
    column = ModerationAction.comment_id if kind == "comment" else ModerationAction.submission_id
    rows = db.session.execute(
        db.select(ModerationAction.created_at, ModerationAction.action, ModerationAction.reason)
        .where(ModerationAction.consultation_id == consultation.id, column.is_not(None))).all()
    from ..common.dates import to_local

    counts: dict[tuple[str, str, str | None], int] = {}
    for created_at, action, reason in rows:
        key = (to_local(created_at).strftime("%Y-%m"), Action(action).value, reason)  # the month in the site's zone
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


def waiting_count(consultation, *, comments: bool = False) -> int:
    """How many submissions (or, with ``comments``, discussion comments) of ``consultation``
    wait for a moderator."""
    from ..discussion.models import Comment
    from ..submissions.models import Submission

    model = Comment if comments else Submission
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(
        model.consultation_id == consultation.id, model.moderation_status == ModerationStatus.pending))


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
    if submission.moderation_status is not ModerationStatus.hidden:
        raise NotAllowedHere("the submission is no longer hidden")
    hid = _hider(submission)
    if hid is not None and hid.actor_id == actor.id:
        raise NotAllowedHere("another moderator must decide the appeal")
    note = (note or "").strip() or None
    if overturn:
        row = moderate(submission, actor, Action.restore, public_note=note)
        if appeal.decision is not None:  # moderate() closed it as overturned
            db.session.flush()
            return row
    else:
        row = _log(submission, actor, Action.uphold, submission.moderation_status,
                   reason=hid.reason if hid is not None else None, public_note=note)
    appeal.decision = "overturned" if overturn else "upheld"
    appeal.decided_by_id, appeal.decided_at, appeal.decision_note = actor.id, utcnow(), note
    db.session.flush()
    return row


class AlreadyFlagged(NotAllowedHere):
    """This visitor already flagged this submission."""


MAX_FLAG_NOTE_CHARS = 500


def flags_since_review(submission) -> int:
    """Flaggers of ``submission`` (or a comment) since a moderator last approved or restored it,
    counted as distinct network addresses (an account or device without one counts by itself): a
    visitor who clears cookies, or signs in with several accounts, to flag again from the same
    place is one flagger, so one person alone cannot reach the threshold that holds an item.
    People behind one shared address (a kecamatan hall) count once too: a hold then waits for
    flags from elsewhere, while the moderators already see every flag in the queue."""
    reviewed = db.session.scalar(
        db.select(ModerationAction.created_at).where(
            _about(ModerationAction, submission),
            ModerationAction.action.in_([Action.approve, Action.restore]))
        .order_by(ModerationAction.id.desc()).limit(1))
    query = db.select(Flag.account, Flag.address_hash, Flag.visitor).where(_about(Flag, submission))
    if reviewed is not None:
        query = query.where(Flag.created_at >= reviewed)
    return len({f"address:{address}" if address else f"account:{account}" if account else f"visitor:{visitor}"
                for account, address, visitor in db.session.execute(query)})


def flag_submission(submission, *, visitor: str, category: FlagCategory | str, note: str | None = None,
                    account: str | None = None, address_hash: str | None = None,
                    threshold: int = 3) -> tuple[Flag, bool]:
    """Record one visitor's flag on a published submission or comment (flushed).

    When the distinct flaggers since the last review (:func:`flags_since_review`) reach
    ``threshold`` the submission is held (pending) for review and a ``hold`` row with rule
    ``flags`` is logged, whatever the consultation's mode.

    Args:
        visitor: the device's keyed digest; ``account``: the signed-in account's, if any (see
            :class:`~consult.moderation.models.Flag`). A flag matching either is a repeat.
        threshold: number of flags (≥ 1) that holds the item.

    Returns:
        ``(flag, held)``: ``held`` is true when this flag put the submission on hold.

    Raises:
        NotAllowedHere: the submission's text is not public (pending, hidden, or published
            without consent to publish): only what the public can read can be flagged.
        AlreadyFlagged: this visitor flagged it before.
        ValidationFailed: note longer than ``MAX_FLAG_NOTE_CHARS``, or ``other`` without a note.
        ValueError: an unknown category.
    """
    from flask_babel import lazy_gettext as _l

    from ..common.visibility import Audience, passes
    from ..errors import ValidationFailed

    category = FlagCategory(category)
    if not passes(submission, Audience.QUOTABLE):
        raise NotAllowedHere("only a submission whose text is public can be flagged")
    note = (note or "").strip() or None
    if note and len(note) > MAX_FLAG_NOTE_CHARS:
        raise ValidationFailed({"note": [_l("At most %(n)d characters.", n=MAX_FLAG_NOTE_CHARS)]})
    if category is FlagCategory.other and not note:
        raise ValidationFailed({"note": [_l("Say what is wrong.")]})
    keys = [k for k in (visitor, account) if k]
    exists = db.session.scalar(db.select(Flag.id).where(
        _about(Flag, submission), db.or_(Flag.visitor.in_(keys), Flag.account.in_(keys))).limit(1))
    if exists is not None:
        raise AlreadyFlagged("this visitor already flagged this submission")
    flag = Flag(**_target(submission), visitor=visitor, account=account, category=category, note=note,
                address_hash=address_hash)
    db.session.add(flag)
    db.session.flush()
    count = flags_since_review(submission)
    held = count >= max(1, int(threshold))
    if held:
        submission.moderation_status = ModerationStatus.pending
        _log(submission, None, Action.hold, ModerationStatus.published,
             rule_hits=[{"rule": "flags", "reason": f"{count} flags", "count": count}])
    return flag, held


def flags_of(submission) -> list[Flag]:
    """All flags on ``submission``, oldest first (for moderators: category and note, no visitor)."""
    return db.session.scalars(db.select(Flag).where(_about(Flag, submission)).order_by(Flag.id)).all()


def escalate(submission, actor, *, note: str | None = None) -> ModerationAction:
    """Pass a waiting submission to a senior moderator (flushed): it stays pending, marked
    escalated in the queue with ``note``, until someone approves, hides or redacts it.

    Raises:
        NotAllowedHere: the submission is not pending.
    """
    if submission.moderation_status is not ModerationStatus.pending:
        raise NotAllowedHere(f"only a waiting {'comment' if is_comment(submission) else 'submission'} can be escalated")
    return _log(submission, actor, Action.escalate, submission.moderation_status, public_note=note)


def apply(submission, actor, action: str, *, reason: str | None = None, public_note: str | None = None):
    """One moderator's action by name on a submission or comment: ``approve``, ``hide``,
    ``restore``, ``redact`` (submissions only) or ``escalate`` (see :func:`moderate`,
    :func:`redact_submission`, :func:`escalate`); flushed.

    Raises:
        NotAllowedHere: the action does not apply to the submission now.
        ValueError: an unknown action.
    """
    if action == "redact":
        if is_comment(submission):
            raise NotAllowedHere("a comment is hidden (reason: personal data), not redacted")
        return redact_submission(submission, actor, public_note=public_note)
    if action == "escalate":
        return escalate(submission, actor, note=public_note)
    return moderate(submission, actor, action, reason=reason or None, public_note=public_note)


def apply_many(submissions, actor, action: str, *, reason: str | None = None,
               public_note: str | None = None) -> tuple[list, list]:
    """Apply one action to many submissions, each in its own savepoint.

    Returns:
        ``(done, skipped)``: the audit rows written, and the submissions the action did not
        apply to (left unchanged).

    Raises:
        ValueError: an unknown action.
    """
    done, skipped = [], []
    for submission in submissions:
        savepoint = db.session.begin_nested()
        try:
            done.append(apply(submission, actor, action, reason=reason, public_note=public_note))
        except NotAllowedHere:
            savepoint.rollback()
            skipped.append(submission)
        else:
            savepoint.commit()
    return done, skipped


def set_mode(consultation, mode) -> None:
    """Switch ``consultation`` between pre-moderation (``pre``: nothing public until approved) and
    post-moderation (``post``: public at once, reviewable). Applies to content arriving from now on.

    Raises:
        ValueError: an unknown mode.
    """
    from ..consultations.models import ModerationMode

    consultation.moderation_mode = ModerationMode(mode)
