"""Submissions, their answers and attachments."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..common.mixins import ModeratedMixin, StoredFileMixin, TimestampMixin
from ..common.types import UTCDateTime, utcnow
from ..extensions import db


class StakeholderType(str, enum.Enum):
    """Who is speaking: the categories counted in every theme summary."""

    citizen = "citizen"
    academic = "academic"
    professional_body = "professional_body"
    civil_servant = "civil_servant"
    government_unit = "government_unit"
    other = "other"

    @property
    def label(self) -> str:
        """The translated display name."""
        return str(STAKEHOLDER_LABELS[self])


STAKEHOLDER_LABELS = {
    StakeholderType.citizen: _l("Citizen"),
    StakeholderType.academic: _l("Academic"),
    StakeholderType.professional_body: _l("Professional body"),
    StakeholderType.civil_servant: _l("Civil servant (ASN)"),
    StakeholderType.government_unit: _l("Government unit"),
    StakeholderType.other: _l("Other"),
}


class SubmissionSource(str, enum.Enum):
    """How the submission arrived."""

    web = "web"
    csv = "csv"
    polis = "polis"
    demo = "demo"
    forum = "forum"  # said at an in-person forum, entered by a moderator (offline)
    api = "api"  # sent by a partner channel (SMS or WhatsApp gateway …) through the JSON API


class Submission(ModeratedMixin, TimestampMixin, db.Model):
    """One respondent's submission to a consultation.

    ``reference`` (e.g. ``KTB-2026-000123``) is public and used in exports and quotes. The receipt
    page opens only with the secret token whose SHA-256 is ``receipt_token_hash``. ``body`` is the
    general free text (may be empty when the respondent only answered questions).
    """

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    receipt_token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # One key per filled-in form, so a double tap on a slow network records one submission.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    stakeholder_type: Mapped[StakeholderType | None] = mapped_column(
        Enum(StakeholderType, name="stakeholder_type", native_enum=False, length=32)
    )
    name: Mapped[str | None] = mapped_column(String(200))
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    region: Mapped[str | None] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="", nullable=False)
    language: Mapped[str | None] = mapped_column(String(8))
    consent_publish: Mapped[bool] = mapped_column(default=False, nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the author withdrew it (text erased)
    source: Mapped[SubmissionSource] = mapped_column(
        Enum(SubmissionSource, name="submission_source", native_enum=False, length=16),
        default=SubmissionSource.web, nullable=False,
    )
    # The id in the source system (e.g. a Polis comment id) for imported submissions.
    external_id: Mapped[str | None] = mapped_column(String(64))
    # who sent it, as a keyed hash of the visitor (account or device cookie): spots floods, names no one
    source_hash: Mapped[str | None] = mapped_column(String(40), index=True)
    # the respondent's account, when they were signed in (cleared when the account is deleted)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # sent on behalf of an organisation the respondent claims to represent (verified or not)
    representative_claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("representative_claims.id", ondelete="SET NULL"), index=True)
    # when the personal data (name, e-mail, kecamatan, account link) was erased
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # the in-person forum where it was said (source "forum"); NULL for everything sent online
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("offline_forums.id", ondelete="CASCADE"), index=True)
    # when the respondent was e-mailed that the drafters answered (once per submission)
    response_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation = relationship("Consultation")
    forum = relationship("OfflineForum")
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Answer.question_id"
    )
    attachment: Mapped["Attachment | None"] = relationship(
        back_populates="submission", cascade="all, delete-orphan", uselist=False
    )

    @classmethod
    def consent_clause(cls):
        """Quotable only with the respondent's consent to publish."""
        return cls.consent_publish.is_(True)

    @property
    def consent_given(self) -> bool:
        """Whether the respondent agreed that their text may be published."""
        return bool(self.consent_publish)

    def answer_for(self, question_id: int) -> "Answer | None":
        """This submission's answer to the question with that id, if any."""
        return next((a for a in self.answers if a.question_id == question_id), None)

    def __repr__(self) -> str:
        return f"<Submission {self.reference}>"


class Answer(db.Model):
    """The answer of one submission to one question: ``text`` for open, ``choice`` otherwise."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("submission_id", "question_id", name="uq_answers_submission_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True)
    text: Mapped[str | None] = mapped_column(Text)
    choice: Mapped[str | None] = mapped_column(String(200))

    submission: Mapped[Submission] = relationship(back_populates="answers")
    question = relationship("Question")


class Attachment(StoredFileMixin, db.Model):
    """A position paper (PDF or DOCX) sent with a submission.

    ``segments`` holds the extracted text: ``[{"page": n, "text": ...}]`` for PDF,
    ``[{"paragraph": n, "text": ...}]`` for DOCX; it is analysed with the free text.
    """

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    segments: Mapped[list[dict]] = mapped_column(JSON, default=list, nullable=False)

    submission: Mapped[Submission] = relationship(back_populates="attachment")


class SubmissionDraft(TimestampMixin, db.Model):
    """A submission form saved half-way, resumed from a private link (``/c/<slug>/submit?draft=``).

    Only the SHA-256 of the link's token is stored. ``data`` holds the form's fields (free text,
    answers by question key, stakeholder type, name, organisation, e-mail, kecamatan, consent);
    drafts expire (``expires_at``) and expired ones are deleted whenever a draft is saved.
    """

    __tablename__ = "submission_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    data: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # once sent: the submission's reference (the saved fields are erased), so the link says so
    sent_reference: Mapped[str | None] = mapped_column(String(40))
