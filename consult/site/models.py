"""Site settings and the editable legal and help pages."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..common.types import UTCDateTime, utcnow
from ..extensions import db


class SiteSetting(db.Model):
    """One site setting an admin changed (``key`` → ``value`` as text); unset keys fall back to
    the configuration (see :mod:`consult.site.settings`)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Page(db.Model):
    """A legal or help page in both interface languages (Markdown): ``privacy`` (the privacy
    notice under UU PDP), ``rules`` (participation rules), ``accessibility``, or another slug."""

    __tablename__ = "pages"

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    title_id: Mapped[str] = mapped_column(String(200), nullable=False)
    title_en: Mapped[str] = mapped_column(String(200), nullable=False)
    body_id: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
