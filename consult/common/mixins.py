"""Model mixins: timestamps, and the moderation state that the visibility gate reads."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String, true
from sqlalchemy.orm import Mapped, mapped_column

from .types import UTCDateTime, utcnow


class TimestampMixin:
    """``created_at`` / ``updated_at`` in UTC, set by the database session."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class StoredFileMixin:
    """Facts about an uploaded file kept under ``UPLOAD_DIR`` (see ``consult.common.files``).

    ``filename`` is the name the uploader gave (for download); ``stored_name`` the random name on
    disk; ``size_bytes`` in bytes; ``sha256`` the hex digest of the content.
    """

    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(String(120), nullable=False)
    size_bytes: Mapped[int] = mapped_column(nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)


class ModerationStatus(str, enum.Enum):
    """Where a piece of user content stands in moderation.

    ``published``: approved, or post-moderated and not hidden. ``pending``: waiting for review.
    ``hidden``: hidden as spam, abuse or not a contribution; never analysed, counted or shown.
    ``withdrawn``: withdrawn by its author; only an empty record is kept (its reference and
    receipt, so neither is ever reused); never analysed, counted or shown.
    """

    pending = "pending"
    published = "published"
    hidden = "hidden"
    withdrawn = "withdrawn"


class ModeratedMixin:
    """Content that passes through moderation (submissions now; comments later).

    Every public read filters through ``consult.common.visibility.visible``, which uses
    ``moderation_status`` and :meth:`consent_clause`.
    """

    moderation_status: Mapped[ModerationStatus] = mapped_column(
        Enum(ModerationStatus, name="moderation_status", native_enum=False, length=16),
        default=ModerationStatus.published,
        nullable=False,
        index=True,
    )

    @classmethod
    def consent_clause(cls):
        """SQL condition for "the author agreed to be quoted"; always true unless overridden."""
        return true()

    @property
    def consent_given(self) -> bool:
        """Python-side twin of :meth:`consent_clause` for a loaded row."""
        return True
