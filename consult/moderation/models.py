"""The moderation audit log: one row per action, append-only."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..common.types import UTCDateTime, utcnow
from ..extensions import db


class Action(str, enum.Enum):
    """What a moderator (or the automatic rules, with no actor) did to a piece of content."""

    hold = "hold"        # rules held it for review
    approve = "approve"  # pending → published
    hide = "hide"        # → hidden, with a reason and a public note
    restore = "restore"  # hidden → published
    redact = "redact"    # personal data replaced by placeholders; the original kept apart, erasable
    erase = "erase"      # a kept original erased (UU PDP request); the one change to history
    uphold = "uphold"    # an appeal against hiding decided: it stays hidden
    escalate = "escalate"  # passed to a senior moderator; stays pending with a note


class Reason(str, enum.Enum):
    """Why content was hidden (shown to the public with the moderator's note)."""

    spam = "spam"
    abuse = "abuse"
    personal_data = "personal_data"
    off_topic = "off_topic"
    duplicate = "duplicate"
    other = "other"


class AuditLogImmutable(RuntimeError):
    """Raised when code tries to change or delete a row of the moderation audit log."""


# exactly one of submission_id and comment_id names the content
ONE_TARGET = "(submission_id IS NULL) <> (comment_id IS NULL)"


class ModerationAction(db.Model):
    """One moderation action: who did what to which submission or comment (exactly one of
    ``submission_id`` and ``comment_id``), when, why, and the state before and after. Rows are
    never updated or deleted (the ORM refuses; see the listeners below)."""

    __tablename__ = "moderation_actions"
    __table_args__ = (CheckConstraint(ONE_TARGET, name="one_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[Action] = mapped_column(Enum(Action, name="moderation_action", native_enum=False, length=16),
                                           nullable=False)
    before: Mapped[str] = mapped_column(String(16), nullable=False)
    after: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(32))
    public_note: Mapped[str | None] = mapped_column(Text)
    rule_hits: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


@event.listens_for(ModerationAction, "before_update")
def _no_update(mapper, connection, target):
    raise AuditLogImmutable("the moderation audit log is append-only")


@event.listens_for(ModerationAction, "before_delete")
def _no_delete(mapper, connection, target):
    raise AuditLogImmutable("the moderation audit log is append-only")


class RedactedOriginal(db.Model):
    """The original text of a field before a redaction, kept apart from the audit log so it can
    be erased on request (UU PDP) without touching the log: the log's ``redact`` row names these
    rows by id; :func:`consult.moderation.services.erase_original` empties ``original``."""

    __tablename__ = "redacted_originals"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"),
                                               nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(40), nullable=False)  # "body" or "answer:<question id>"
    original: Mapped[str | None] = mapped_column(Text)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Appeal(db.Model):
    """The author's one appeal against hiding their submission, decided by another moderator."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"),
                                               nullable=False, unique=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decision: Mapped[str | None] = mapped_column(String(16))  # "upheld" (stays hidden) or "overturned"
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)


class FlagCategory(str, enum.Enum):
    """Why a visitor flags a submission."""

    spam = "spam"
    abusive = "abusive"
    off_topic = "off_topic"
    personal_data = "personal_data"
    other = "other"


class Flag(db.Model):
    """One visitor's flag on one submission or one comment (exactly one of ``submission_id`` and
    ``comment_id``; at most one flag per visitor per item).

    ``visitor`` is the signed device cookie and ``account`` the signed-in account (if any), each as
    a keyed HMAC-SHA-256 digest (:mod:`consult.common.visitors`, 32 hex characters), never an IP
    address; a visitor who flags, signs in and flags again is recognised by either;
    ``address_hash`` is the network address hashed the same way, kept only to spot floods.
    """

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("submission_id", "visitor", name="uq_flags_submission_visitor"),
                      UniqueConstraint("comment_id", "visitor", name="uq_flags_comment_visitor"),
                      CheckConstraint(ONE_TARGET, name="one_target"))

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    visitor: Mapped[str] = mapped_column(String(80), nullable=False)
    account: Mapped[str | None] = mapped_column(String(40), index=True)
    address_hash: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[FlagCategory] = mapped_column(
        Enum(FlagCategory, name="flag_category", native_enum=False, length=16), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
