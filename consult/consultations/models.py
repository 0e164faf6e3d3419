"""Consultations, their questions and their documents."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..common.mixins import StoredFileMixin, TimestampMixin
from ..common.types import UTCDateTime, utcnow
from ..extensions import db


class Lifecycle(str, enum.Enum):
    """What staff decided: a draft is invisible to the public; a published one follows its window."""

    draft = "draft"
    published = "published"


class State(str, enum.Enum):
    """Derived public state of a consultation (see :meth:`Consultation.state_at`)."""

    draft = "draft"
    scheduled = "scheduled"
    open = "open"
    closed = "closed"
    answered = "answered"


class ModerationMode(str, enum.Enum):
    """Pre-moderation holds every submission for approval; post-moderation publishes at once."""

    pre = "pre"
    post = "post"


class Participation(str, enum.Enum):
    """Who may send a submission: anyone (anonymously if they wish) or only signed-in accounts."""

    anonymous_allowed = "anonymous_allowed"
    registered_only = "registered_only"


class DeletionRule(str, enum.Enum):
    """What happens to a respondent's submissions when they delete their account (published
    with the consultation): kept without any personal data, or removed."""

    anonymise = "anonymise"
    remove = "remove"


class QuestionKind(str, enum.Enum):
    """Open text, one choice among options, or a five-point Likert scale."""

    open = "open"
    single_choice = "single_choice"
    likert = "likert"


class Consultation(TimestampMixin, db.Model):
    """A consultation: background, documents, questions and a window in UTC.

    ``opens_at``/``closes_at`` are aware UTC datetimes (``closes_at`` exclusive). ``answered`` is a
    staff flag until published responses exist (drafter workspace issue).
    """

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    summary: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body: Mapped[str] = mapped_column(Text, default="", nullable=False)
    lifecycle: Mapped[Lifecycle] = mapped_column(
        Enum(Lifecycle, name="lifecycle", native_enum=False, length=16),
        default=Lifecycle.draft, nullable=False,
    )
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered: Mapped[bool] = mapped_column(default=False, nullable=False)
    moderation_mode: Mapped[ModerationMode] = mapped_column(
        Enum(ModerationMode, name="moderation_mode", native_enum=False, length=8),
        default=ModerationMode.post, nullable=False,
    )
    participation: Mapped[Participation] = mapped_column(
        Enum(Participation, name="participation", native_enum=False, length=20),
        default=Participation.anonymous_allowed, nullable=False)
    deletion_rule: Mapped[DeletionRule] = mapped_column(
        Enum(DeletionRule, name="deletion_rule", native_enum=False, length=12),
        default=DeletionRule.anonymise, nullable=False)
    # days after closing when respondents' personal data is anonymised (None: kept until deleted)
    retention_days: Mapped[int | None] = mapped_column()
    # flags from distinct visitors that hold a published submission for review (None: FLAG_THRESHOLD)
    flag_threshold: Mapped[int | None] = mapped_column()
    # a short subject line shown with the title, e.g. "Kepegawaian" (optional)
    topic: Mapped[str | None] = mapped_column(String(120))
    # Where the submissions came from when imported (e.g. "Polis: vtaiwan.uberx"); shown as credit.
    source_note: Mapped[str | None] = mapped_column(Text)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="consultation", order_by="Question.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list["Document"]] = relationship(
        back_populates="consultation", order_by="Document.id", cascade="all, delete-orphan"
    )

    def state_at(self, now: datetime | None = None) -> State:
        """The derived state at ``now`` (default: the current time).

        draft → scheduled (before ``opens_at``) → open → closed (from ``closes_at``) → answered.
        A published consultation with no ``opens_at`` is open from the start; with no
        ``closes_at`` it stays open.
        """
        if self.lifecycle == Lifecycle.draft:
            return State.draft
        now = now or utcnow()
        if self.opens_at and now < self.opens_at:
            return State.scheduled
        if self.closes_at and now >= self.closes_at:
            return State.answered if self.answered else State.closed
        return State.open

    @property
    def state(self) -> State:
        """The derived state now."""
        return self.state_at()

    @property
    def is_open(self) -> bool:
        """True while submissions are accepted."""
        return self.state is State.open

    @property
    def open_questions(self) -> list["Question"]:
        """The questions answered in free text, in order."""
        return [q for q in self.questions if q.kind is QuestionKind.open]

    def __repr__(self) -> str:
        return f"<Consultation {self.slug}>"


class Question(db.Model):
    """A question of a consultation. ``options`` lists the choices for choice and Likert kinds."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("consultation_id", "key", name="uq_questions_consultation_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Stable short name used in form fields, imports and exports, e.g. "penempatan".
    key: Mapped[str] = mapped_column(String(60), nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    kind: Mapped[QuestionKind] = mapped_column(
        Enum(QuestionKind, name="question_kind", native_enum=False, length=16), nullable=False
    )
    text: Mapped[str] = mapped_column(Text, nullable=False)
    help_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    options: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    required: Mapped[bool] = mapped_column(default=False, nullable=False)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<Question {self.key} of {self.consultation_id}>"


class Document(StoredFileMixin, db.Model):
    """A draft-policy document (PDF or DOCX) stored under ``instance/uploads``.

    Revised versions of one document share ``series_id`` (the first version's id) and count up
    ``version``; ``version_date`` is the date the drafters give the revision. The latest version
    of each series is the current one; older ones stay listed and downloadable.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    series_id: Mapped[int | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1, nullable=False)
    version_date: Mapped[date | None] = mapped_column(Date)

    consultation: Mapped[Consultation] = relationship(back_populates="documents")


class ConsultationEvent(db.Model):
    """One change to a consultation's life, append-only: created, published, unpublished,
    extended, closed, question_corrected, duplicated. ``before``/``after`` hold what changed
    (times as ISO strings in UTC); extensions are announced on the public page."""

    __tablename__ = "consultation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    before: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    after: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


@event.listens_for(ConsultationEvent, "before_update")
def _no_event_update(mapper, connection, target):
    raise RuntimeError("the consultation log is append-only")
