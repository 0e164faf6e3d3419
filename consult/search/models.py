"""The search index: one row of searchable text per public item.

Only what the public may read is ever indexed: published consultations (title, summary,
background) and quotable submissions (published, with consent to publish: free text and
answers). A submission that is hidden, waiting for review, unpublished by its author's choice or
redacted is re-indexed (or removed) in the same transaction, so its text cannot be found by
search. The full-text structures are not ORM models: on SQLite an FTS5 table ``search_fts``
(external content, kept in step by triggers), on PostgreSQL a GIN index
``ix_search_entries_tsv`` on ``to_tsvector('simple', text)``; both are created by the migration.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..common.types import UTCDateTime, utcnow
from ..extensions import db

# names the migration creates outside the ORM (Alembic's comparison must not drop them)
NOT_MODELLED = ("search_fts", "ix_search_entries_tsv")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: skip the full-text structures made by raw SQL."""
    return not (name or "").startswith(NOT_MODELLED)


class SearchEntry(db.Model):
    """Searchable text of one public item: ``kind`` "consultation" or "submission", ``ref_id``
    its id."""

    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "ref_id", name="uq_search_entries_kind_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    ref_id: Mapped[int] = mapped_column(nullable=False)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
