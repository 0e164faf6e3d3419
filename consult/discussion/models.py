"""Comments and the votes on them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, SmallInteger, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..common.mixins import ModeratedMixin, TimestampMixin
from ..common.types import UTCDateTime, utcnow
from ..extensions import db
from ..submissions.models import StakeholderType


class Comment(ModeratedMixin, TimestampMixin, db.Model):
    """One comment in the discussion of a consultation (``question_id`` ``None``) or of one of
    its questions; a reply when ``parent_id`` is set (replies are one level deep: a reply's
    parent is never itself a reply — :func:`consult.discussion.services.post_comment` enforces it).

    Comments pass the moderation gate like submissions (``moderation_status``); a comment is
    public text by nature, so the "consent" of the gate is the author's act of posting it under
    the wording shown with the form. ``author_id`` becomes ``NULL`` when the author's account is
    deleted and the consultation's rule keeps text anonymised; ``removed_at`` is set (and the body
    emptied) when the rule removes it but replies hang from it. ``published_at`` is when it first
    became public (``NULL``: never; a comment hidden before anyone saw it leaves no placeholder).
    ``client_token`` is the form's one-time key, unique per author, so a form sent twice (a
    double tap on a slow network) records one comment.
    """

    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("author_id", "client_token", name="uq_comments_author_client_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    stakeholder_type: Mapped[StakeholderType | None] = mapped_column(
        Enum(StakeholderType, name="stakeholder_type", native_enum=False, length=32))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str | None] = mapped_column(String(8))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_token: Mapped[str | None] = mapped_column(String(64))

    replies: Mapped[list["Comment"]] = relationship(order_by="Comment.id", viewonly=True)
    consultation = relationship("Consultation", viewonly=True)

    def __repr__(self) -> str:
        return f"<Comment {self.id} of {self.consultation_id}>"


@event.listens_for(Comment.moderation_status, "set")
def _first_published(target: Comment, value, oldvalue, initiator) -> None:
    """Remember when a comment first became public (on creation or on approval)."""
    from ..common.mixins import ModerationStatus

    if value in (ModerationStatus.published, "published") and target.published_at is None:
        target.published_at = utcnow()


class VoteValue(int, enum.Enum):
    """A vote on a comment: agree (+1), disagree (−1) or pass (0, "I have no view")."""

    agree = 1
    disagree = -1
    pass_ = 0

    @classmethod
    def from_name(cls, name: str) -> "VoteValue":
        """``"agree"``, ``"disagree"`` or ``"pass"`` → the value. Raises ``ValueError`` otherwise."""
        try:
            return {"agree": cls.agree, "disagree": cls.disagree, "pass": cls.pass_}[name]
        except KeyError:
            raise ValueError(f"unknown vote {name!r}") from None

    @property
    def key(self) -> str:
        """The name used in forms and data: ``agree``, ``disagree`` or ``pass``."""
        return {1: "agree", -1: "disagree", 0: "pass"}[self.value]


class CommentVote(db.Model):
    """One person's vote on one comment: at most one per account per comment (a database
    constraint); changing a vote updates the row."""

    __tablename__ = "comment_votes"
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_comment_votes_comment_user"),
                      CheckConstraint("value IN (-1, 0, 1)", name="value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    value: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
