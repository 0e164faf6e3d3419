"""An in-person forum (e.g. a musrenbang-style hearing at a kecamatan hall) of a consultation."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..common.types import UTCDateTime, utcnow
from ..extensions import db


class OfflineForum(db.Model):
    """A forum held in person: when (``held_on``), where (``place``), who came
    (``participants``: stakeholder type → head count, as the attendance list says) and notes.

    Its contributions are :class:`~consult.submissions.models.Submission` rows with
    ``source = forum`` and ``forum_id`` set; ``consent_publish`` says whether the participants
    agreed that what they said may be quoted (it becomes each contribution's consent).
    """

    __tablename__ = "offline_forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str] = mapped_column(String(200), nullable=False)
    participants: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    consent_publish: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    consultation = relationship("Consultation")

    @property
    def participant_count(self) -> int:
        """Everyone on the attendance list."""
        return sum(int(n) for n in (self.participants or {}).values())
