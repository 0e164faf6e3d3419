"""Discussion rules: posting comments and replies, voting on them, and reading a thread.

Every public read goes through the visibility gate (:mod:`consult.common.visibility`): a
published comment shows its text; a hidden one shows only the moderator's public reason; a
pending one (pre-moderation, or held by the rules or by flags) shows nothing but, when replies
hang from it, a "waiting for review" placeholder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..common.mixins import ModerationStatus
from ..common.types import utcnow
from ..common.visibility import Audience, passes, visible
from ..consultations.models import ModerationMode, State
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..submissions.models import StakeholderType
from ..text.language import detect_language
from ..text.normalise import clean_text
from .models import Comment, CommentVote, VoteValue

MAX_COMMENT_CHARS = 2000
SORTS = ("agreed", "divisive", "newest")


class DiscussionClosed(DomainError):
    """The consultation does not take comments or votes now (not open)."""


class NotVotable(DomainError):
    """The comment is not public (pending or hidden), so it cannot be voted on or replied to."""


def _check_open(consultation, now: datetime | None = None) -> None:
    if consultation.state_at(now or utcnow()) is not State.open:
        raise DiscussionClosed(_l("The discussion is open only while the consultation is open."))


def post_comment(consultation, author, body: str, *, question=None, parent: Comment | None = None,
                 stakeholder_type: str | None = None, client_token: str | None = None,
                 now: datetime | None = None) -> Comment:
    """Add a comment, or a reply to ``parent``, by the signed-in ``author`` (flushed).

    Under pre-moderation the comment waits (pending) for a moderator; under post-moderation it is
    published at once unless the rules hold it. Either way the automatic rules screen it
    (:func:`consult.moderation.services.screen_comment`) and hold it when personal data, abusive
    words, link spam or a flood is found.

    Args:
        question: the question discussed (``None``: the consultation as a whole). A reply takes
            its parent's question.
        parent: a published top-level comment of the same discussion.
        stakeholder_type: optional ``StakeholderType`` value the author speaks as.
        client_token: the form's one-time key; the same author sending the same form again gets
            the comment recorded the first time (when both arrive at once, the second commit fails
            on the key's unique constraint and the view answers with :func:`resent`). A key
            reused for other text is ignored.

    Returns:
        The new :class:`Comment`, or the earlier one for a resent key (check
        ``moderation_status`` to tell the author what happens).

    Raises:
        DiscussionClosed: the consultation is not open.
        NotVotable: ``parent`` is not public.
        ValidationFailed: ``{"body": [...]}`` empty or longer than ``MAX_COMMENT_CHARS``;
            ``{"": [...]}`` replying to a reply or across discussions.
    """
    from ..moderation.services import screen_comment

    token = (client_token or "").strip()[:64] or None
    if token is not None:
        earlier = _by_token(token, author)
        if earlier is not None:
            if (earlier.body, earlier.parent_id) == (clean_text(body or ""), parent.id if parent else None):
                return earlier  # the same form sent again
            token = None  # a key reused for other text: record it as a new comment
    _check_open(consultation, now)
    text = clean_text(body or "")
    if not text:
        raise ValidationFailed({"body": [_l("Write your comment.")]})
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationFailed({"body": [_l("At most %(n)d characters (you wrote %(m)d).",
                                            n=MAX_COMMENT_CHARS, m=len(text))]})
    if parent is not None:
        if parent.consultation_id != consultation.id or parent.parent_id is not None:
            raise ValidationFailed({"": [_l("Replies go one level deep: reply to the first comment of the thread.")]})
        if not passes(parent, Audience.PUBLIC) or parent.removed_at is not None:
            raise NotVotable(_l("This comment is not public, so it cannot be answered."))
        question_id = parent.question_id
    else:
        question_id = question.id if question is not None else None
        if question is not None and question.consultation_id != consultation.id:
            raise ValidationFailed({"": [_l("That question belongs to another consultation.")]})
    # arrives waiting; published below only when the consultation is post-moderated and the rules
    # found nothing (so it never counts as having been public when the rules hold it)
    comment = Comment(
        consultation_id=consultation.id, question_id=question_id, parent_id=parent.id if parent else None,
        author_id=author.id, body=text, language=detect_language(text),
        stakeholder_type=StakeholderType(stakeholder_type) if stakeholder_type else None,
        moderation_status=ModerationStatus.pending, created_at=now or utcnow(), client_token=token,
    )
    db.session.add(comment)
    db.session.flush()
    hits = screen_comment(comment, now=now)
    if not hits and consultation.moderation_mode is not ModerationMode.pre:
        comment.moderation_status = ModerationStatus.published
        db.session.flush()
    return comment


def resent(client_token: str | None, author) -> Comment | None:
    """The comment ``author`` already recorded with the form key ``client_token`` (for a view
    whose commit lost a race against the same form sent twice), or ``None``."""
    token = (client_token or "").strip()[:64]
    return _by_token(token, author) if token else None


def _by_token(token: str, author) -> Comment | None:
    """The comment ``author`` sent with the form key ``token``, if any."""
    return db.session.scalar(select(Comment).where(Comment.client_token == token, Comment.author_id == author.id))


def vote(comment: Comment, voter, value: VoteValue | str, *, now: datetime | None = None) -> CommentVote:
    """Record ``voter``'s agree / disagree / pass on a public comment, replacing their earlier
    vote on it (flushed); :func:`cast_vote` also checks the consultation is open. One vote per
    account per comment is also a database constraint: when two first votes race, the second
    commit fails with ``IntegrityError`` and the view votes again (now an update).

    Raises:
        NotVotable: the comment is not public, or it is the voter's own.
        ValueError: an unknown vote name.
    """
    value = VoteValue.from_name(value) if isinstance(value, str) else VoteValue(value)
    if not passes(comment, Audience.PUBLIC) or comment.removed_at is not None:
        raise NotVotable(_l("This comment is not public, so it cannot be voted on."))
    if comment.author_id == voter.id:
        raise NotVotable(_l("You cannot vote on your own comment."))
    existing = db.session.scalar(select(CommentVote).where(CommentVote.comment_id == comment.id,
                                                           CommentVote.user_id == voter.id))
    if existing is not None:
        existing.value = int(value)
        db.session.flush()
        return existing
    row = CommentVote(comment_id=comment.id, user_id=voter.id, value=int(value))
    db.session.add(row)
    db.session.flush()
    return row


def cast_vote(consultation, comment: Comment, voter, value: VoteValue | str, *,
              now: datetime | None = None) -> CommentVote:
    """:func:`vote` after checking that ``comment`` belongs to ``consultation`` and the
    consultation is open.

    Raises:
        DiscussionClosed, NotVotable, ValueError: as :func:`vote`.
    """
    _check_open(consultation, now)
    if comment.consultation_id != consultation.id:
        raise NotVotable(_l("This comment is not public, so it cannot be voted on."))
    return vote(comment, voter, value, now=now)


@dataclass
class Tally:
    """Votes on one comment: counts of ``agree``, ``disagree`` and ``pass``."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def total(self) -> int:
        """All votes, passes included."""
        return self.agree + self.disagree + self.passed

    @property
    def divisiveness(self) -> float:
        """How evenly agree and disagree split, weighted by how many took a side: Reddit's
        "controversial" score ``(agree + disagree) ** (min / max)`` (reddit/r2,
        ``_sorts.pyx:_controversy``); 0 when either side has no vote. Passes do not count."""
        if not self.agree or not self.disagree:
            return 0.0
        low, high = sorted((self.agree, self.disagree))
        return float((self.agree + self.disagree) ** (low / high))


@dataclass
class Entry:
    """One comment as a reader sees it.

    ``comment`` is ``None`` for a placeholder; then ``state`` says which (``"hidden"``,
    ``"pending"`` or ``"removed"``), with the moderator's ``reason`` code and ``note`` for a
    hidden one (``comment_seen``: it was public before it was hidden). ``mine`` marks the reader's
    own comment (a hidden one included); ``my_vote`` is the reader's vote key.
    """

    id: int
    created_at: datetime
    state: str
    comment: Comment | None = None
    tally: Tally = field(default_factory=Tally)
    my_vote: str | None = None
    mine: bool = False
    reason: str | None = None
    note: str | None = None
    replies: list["Entry"] = field(default_factory=list)
    comment_seen: bool = True


def _scope(stmt, consultation, question):
    stmt = stmt.where(Comment.consultation_id == consultation.id)
    return stmt.where(Comment.question_id == question.id) if question is not None else \
        stmt.where(Comment.question_id.is_(None))


def tallies(ids: list[int]) -> dict[int, Tally]:
    """comment id → its :class:`Tally` of votes, for the ids that have votes (500 per query)."""
    out: dict[int, Tally] = {}
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            select(CommentVote.comment_id,
                   func.sum(case((CommentVote.value == 1, 1), else_=0)),
                   func.sum(case((CommentVote.value == -1, 1), else_=0)),
                   func.sum(case((CommentVote.value == 0, 1), else_=0)))
            .where(CommentVote.comment_id.in_(ids[start:start + 500])).group_by(CommentVote.comment_id)).all()
        out.update({cid: Tally(int(a or 0), int(d or 0), int(p or 0)) for cid, a, d, p in rows})
    return out


def thread(consultation, question=None, *, sort: str = "agreed", viewer=None) -> list[Entry]:
    """The discussion of ``consultation`` (or of one ``question``) as the public reads it.

    Top-level comments are ordered by ``sort``: ``agreed`` (most agree votes first), ``divisive``
    (:attr:`Tally.divisiveness`, highest first) or ``newest``; ties go to the newer comment;
    placeholders come after the public comments. Replies follow their comment, oldest first.
    A hidden comment the public once saw appears as a placeholder with the public reason; a
    pending one, or one hidden before it was ever public, appears only as a placeholder when
    public replies hang from it (and a reply of that kind not at all); the text of neither is
    ever returned.

    Args:
        viewer: the signed-in user (or ``None``), to mark their own comments and votes.

    Returns:
        A list of top-level :class:`Entry`, each with ``replies``.

    Raises:
        ValueError: an unknown ``sort``.
    """
    from ..moderation.services import hidden_notice

    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    comments = db.session.scalars(_scope(select(Comment), consultation, question).order_by(Comment.id)).all()
    public_ids = [c.id for c in comments if passes(c, Audience.PUBLIC) and c.removed_at is None]
    counts = tallies(public_ids)
    mine: dict[int, int] = {}
    if viewer is not None and public_ids:
        for start in range(0, len(public_ids), 500):
            mine.update(db.session.execute(select(CommentVote.comment_id, CommentVote.value).where(
                CommentVote.user_id == viewer.id, CommentVote.comment_id.in_(public_ids[start:start + 500]))).all())
    entries: dict[int, Entry] = {}
    for c in comments:
        if passes(c, Audience.PUBLIC):
            entry = Entry(c.id, c.created_at, "removed" if c.removed_at else "published",
                          comment=None if c.removed_at else c, tally=counts.get(c.id, Tally()),
                          my_vote=VoteValue(mine[c.id]).key if c.id in mine else None,
                          mine=viewer is not None and c.author_id == viewer.id)
        elif c.moderation_status is ModerationStatus.hidden:
            reason, note = hidden_notice(c)
            entry = Entry(c.id, c.created_at, "hidden", reason=reason, note=note,
                          mine=viewer is not None and c.author_id == viewer.id)
            entry.comment_seen = c.published_at is not None
        else:
            entry = Entry(c.id, c.created_at, "pending")
        entries[c.id] = entry
    top: list[Entry] = []
    for c in comments:
        entry = entries[c.id]
        if c.parent_id is None:
            top.append(entry)
        elif c.parent_id in entries and entry.state != "pending":
            entries[c.parent_id].replies.append(entry)
    # a placeholder stays only where it explains something: a hidden comment the public once saw,
    # or any comment whose replies are public
    def kept(e: Entry) -> bool:
        return (e.state in ("published", "removed") or (e.state == "hidden" and e.comment_seen)
                or any(r.state == "published" for r in e.replies))

    top = [e for e in top if kept(e)]
    for e in top:
        e.replies = [r for r in e.replies if r.state != "hidden" or r.comment_seen]
    if sort == "newest":
        top.sort(key=lambda e: (e.created_at, e.id), reverse=True)
    elif sort == "agreed":
        top.sort(key=lambda e: (e.tally.agree, e.created_at, e.id), reverse=True)
    else:
        top.sort(key=lambda e: (e.tally.divisiveness, e.tally.agree + e.tally.disagree, e.created_at, e.id),
                 reverse=True)
    top.sort(key=lambda e: e.state != "published")  # stable: placeholders after the comments, in order
    return top


def position(consultation, comment: Comment, *, sort: str, viewer=None) -> int:
    """Where ``comment``'s thread stands (0-based) among the top-level entries of its
    discussion, as :func:`thread` orders them (0 when not listed)."""
    from ..consultations.models import Question

    question = db.session.get(Question, comment.question_id) if comment.question_id else None
    top_id = comment.parent_id or comment.id
    entries = thread(consultation, question, sort=sort if sort in SORTS else "agreed", viewer=viewer)
    return next((i for i, e in enumerate(entries) if e.id == top_id), 0)


def public_counts(consultation) -> dict[int | None, int]:
    """question id (``None`` for the consultation as a whole) → number of published comments
    and replies in that discussion (what public pages count)."""
    stmt = visible(select(Comment.question_id, func.count()).where(Comment.consultation_id == consultation.id,
                                                                   Comment.removed_at.is_(None)),
                   Comment, Audience.PUBLIC).group_by(Comment.question_id)
    return {qid: n for qid, n in db.session.execute(stmt).all()}


def comments_of(user) -> list[Comment]:
    """Every comment ``user`` wrote, oldest first (for the right of access)."""
    return db.session.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)).all()


def votes_of(user) -> list[CommentVote]:
    """Every vote ``user`` cast, oldest first (for the right of access)."""
    return db.session.scalars(select(CommentVote).where(CommentVote.user_id == user.id)
                              .order_by(CommentVote.id)).all()


def on_account_deleted(user, *, remove) -> dict[str, int]:
    """Apply the consultation's deletion rule to ``user``'s comments before their account goes
    (flushed): ``remove(comment)`` says whether that comment's consultation removes text with the
    account. Removed comments are deleted — or, when others replied to them, emptied and marked
    removed so the thread stays readable; the others lose their author link. Votes are deleted
    with the account (database cascade).

    Returns:
        ``{"comments_anonymised": n, "comments_removed": m}``.
    """
    counts = {"comments_anonymised": 0, "comments_removed": 0}
    for comment in comments_of(user):
        if remove(comment):
            has_replies = db.session.scalar(select(func.count()).select_from(Comment)
                                            .where(Comment.parent_id == comment.id))
            if has_replies:
                comment.body, comment.removed_at, comment.author_id = "", utcnow(), None
            else:
                db.session.delete(comment)
            counts["comments_removed"] += 1
        else:
            comment.author_id = None
            counts["comments_anonymised"] += 1
    db.session.flush()
    return counts
