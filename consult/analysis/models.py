"""Stored results of theme analysis runs.

A run analyses a whole consultation; it has one section per open question plus one for the
general free text (``question_id`` NULL); each section holds themes, its form-letter campaigns
and the saved theme set (the engine's JSON model, which the next run starts from); each theme
holds its member submissions, and verbatim quotes and summary sentences with their location in
the source.
"""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..common.mixins import TimestampMixin
from ..common.types import UTCDateTime, utcnow
from ..extensions import db
from ..jobs import JobState

# An analysis run goes through the same lifecycle as a job: queued → running → done | failed.
RunState = JobState


class AnalysisRun(TimestampMixin, db.Model):
    """One analysis of a consultation, requested by a drafter (or the CLI: ``requested_by`` NULL).

    At most one run per consultation is queued or running at a time (a partial unique index), so
    two clicks on "run" cannot start two analyses.
    """

    __tablename__ = "analysis_runs"
    __table_args__ = (
        Index("uq_analysis_runs_one_active", "consultation_id", unique=True,
              sqlite_where=text("state IN ('queued', 'running')"),
              postgresql_where=text("state IN ('queued', 'running')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    state: Mapped[RunState] = mapped_column(
        Enum(RunState, name="run_state", native_enum=False, length=16), default=RunState.queued, nullable=False
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    seed: Mapped[int] = mapped_column(default=0, nullable=False)
    n_themes: Mapped[int | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_count: Mapped[int] = mapped_column(default=0, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)

    consultation = relationship("Consultation")
    requested_by = relationship("User")
    job = relationship("Job")
    sections: Mapped[list["AnalysisSection"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="AnalysisSection.position"
    )


class AnalysisSection(db.Model):
    """The themes of one question (or of the general free text) within a run."""

    __tablename__ = "analysis_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), nullable=False, index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    # Submission ids that fit no theme.
    unassigned_ids: Mapped[list[int]] = mapped_column(JSON, default=list, nullable=False)
    # Submission ids whose only content is an attachment with no readable text (e.g. a scan):
    # counted, never themed, listed for drafters to read themselves.
    unreadable_ids: Mapped[list[int]] = mapped_column(JSON, default=list, nullable=False)
    diagnostics: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    # Form-letter campaigns found in this section, largest first::
    #
    #     [{"id": "c1", "representative_id": 12, "member_ids": [12, 15, ...],
    #       "added_text": [{"submission_id": 15,
    #                       "spans": [{"source": "text", "page": None, "paragraph": None,
    #                                  "start": 0, "end": 42, "text": "..."}]}]}]
    #
    # ``member_ids`` lists every copy, the representative first; ``added_text`` holds, for copies
    # that add words of their own, those words located like quotes (``source``, ``page`` or
    # ``paragraph``, offsets into that source). Reads pass every id through the visibility gate.
    campaigns: Mapped[list[dict]] = mapped_column(JSON, default=list, nullable=False)
    # The saved theme set (``consult.themes`` ``ThemeResult.model``: centroids, thresholds and the
    # drafter's edit markers pinned/label_locked/fixed/excluded per theme), given as ``previous`` to
    # the next run of the same question so theme ids and edits carry over. NULL for older runs.
    model: Mapped[dict | None] = mapped_column(JSON)
    # a drafter declared this theme set final (re-running the analysis makes a new set to sign off)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    run: Mapped[AnalysisRun] = relationship(back_populates="sections")
    question = relationship("Question")
    signed_off_by = relationship("User")

    @property
    def key(self) -> str:
        """The section's key, stable across runs: ``"q<question id>"`` or ``"general"``."""
        return section_key(self.question_id)
    themes: Mapped[list["Theme"]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="Theme.position"
    )


class Theme(db.Model):
    """A theme found by the engine.

    ``key_phrase_sources`` maps each key phrase to the ids of submissions containing it. Counts
    (voices, per stakeholder type) are not stored: reads derive them from the assignments through
    the visibility gate, so a submission hidden later drops out of every count and quote.

    What the engine said at run time is kept as well: ``distinct_texts`` (members once each
    form-letter campaign counts as one text), ``campaign_ids`` (engine ids of the section's
    campaigns with copies in the theme) and ``stakeholder_emphasis`` (stakeholder type → how many
    times more often that group raises the theme than everyone else; ``None`` stands for the
    engine's ``inf``: no one outside the group is in the theme). Reads recompute all three from
    the submissions that pass the gate now.
    """

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("analysis_sections.id", ondelete="CASCADE"), nullable=False, index=True
    )
    engine_id: Mapped[str] = mapped_column(String(20), nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    key_phrases: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    key_phrase_sources: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    distinct_texts: Mapped[int] = mapped_column(default=0, nullable=False)
    # what a drafter wrote about the theme (carried to the next run's theme of the same engine id)
    description: Mapped[str | None] = mapped_column(Text)
    # the label is the drafter's (renamed, from the codebook or a split): never recomputed
    label_locked: Mapped[bool] = mapped_column(default=False, nullable=False)
    # "engine" (found by the analysis), "codebook" (defined by a drafter), "split" (split off by a drafter)
    origin: Mapped[str] = mapped_column(String(16), default="engine", nullable=False)
    # new in this run: not in the theme set the run started from (a proposal for drafters to review)
    proposed: Mapped[bool] = mapped_column(default=False, nullable=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    campaign_ids: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    stakeholder_emphasis: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    section: Mapped[AnalysisSection] = relationship(back_populates="themes")
    reviewed_by = relationship("User")
    assignments: Mapped[list["ThemeAssignment"]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="ThemeAssignment.position"
    )
    # Located excerpts of kind "quote" (verbatim quotes) and "summary" (the extractive summary).
    quotes: Mapped[list["ThemeQuote"]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="ThemeQuote.position",
        primaryjoin="and_(Theme.id == ThemeQuote.theme_id, ThemeQuote.kind == 'quote')",
    )
    summary: Mapped[list["ThemeQuote"]] = relationship(
        cascade="all, delete-orphan", order_by="ThemeQuote.position", overlaps="quotes,theme",
        primaryjoin="and_(Theme.id == ThemeQuote.theme_id, ThemeQuote.kind == 'summary')",
    )


class ThemeAssignment(db.Model):
    """Submission ``submission_id`` belongs to ``theme_id`` (``position``: most central first)."""

    __tablename__ = "theme_assignments"

    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    theme: Mapped[Theme] = relationship(back_populates="assignments")
    submission = relationship("Submission")


class ThemeQuote(db.Model):
    """A verbatim excerpt of a theme, located in its source.

    ``kind`` is ``"quote"`` (one of the theme's quotes) or ``"summary"`` (a sentence of its
    extractive summary; every sentence is verbatim and cites its submission). ``source`` is
    ``"text"`` (the free text, or the answer for a question's section) or ``"attachment"``;
    ``page`` (PDF) or ``paragraph`` (DOCX) locates attachment excerpts; ``start`` and ``end`` are
    character offsets into that source's text (the page or paragraph for attachments).
    """

    __tablename__ = "theme_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), nullable=False, index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), default="quote", nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    page: Mapped[int | None] = mapped_column()
    paragraph: Mapped[int | None] = mapped_column()
    start: Mapped[int] = mapped_column(nullable=False)
    end: Mapped[int] = mapped_column(nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)

    theme: Mapped[Theme] = relationship(back_populates="quotes", overlaps="summary")
    submission = relationship("Submission")


def section_key(question_id: int | None) -> str:
    """``"q<id>"`` for a question's section, ``"general"`` for the general free text."""
    return "general" if question_id is None else f"q{question_id}"


class ThemeEdit(db.Model):
    """One drafter edit of a theme set (append-only: the ORM refuses updates and deletes).

    ``action`` is one of :data:`EDIT_ACTIONS`; ``theme_key`` is the engine id of the theme
    edited (``None`` for the whole set, e.g. a sign-off); ``detail`` holds what changed
    (old and new label, the submissions moved, the themes merged …).
    """

    __tablename__ = "theme_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_runs.id", ondelete="SET NULL"))
    section_key: Mapped[str] = mapped_column(String(20), nullable=False)
    theme_key: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    detail: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    actor = relationship("User")


EDIT_ACTIONS = {
    "rename": _l("renamed"), "describe": _l("described"), "merge": _l("merged"), "split": _l("split"),
    "move": _l("moved a submission"), "review": _l("marked reviewed"), "unreview": _l("marked not reviewed"),
    "sign_off": _l("signed off the theme set"), "reopen": _l("reopened the theme set"),
    "codebook_add": _l("added to the codebook"), "codebook_edit": _l("changed in the codebook"),
    "codebook_remove": _l("removed from the codebook"),
    "respond": _l("wrote a response"), "publish": _l("published a response"),
    "unpublish": _l("unpublished a response"), "unrespond": _l("deleted a draft response"),
    "publish_results": _l("published the results page"), "unpublish_results": _l("took the results page down"),
}


@event.listens_for(ThemeEdit, "before_update")
@event.listens_for(ThemeEdit, "before_delete")
def _edits_are_append_only(_mapper, _connection, target):
    raise RuntimeError("theme edits are append-only")


class CodebookEntry(TimestampMixin, db.Model):
    """A theme a drafter defines before or after an analysis (e.g. one per article of the draft).

    The next analysis puts every submission whose text holds one of ``keywords`` (compared by
    stem, every word of a multi-word keyword) into the entry's theme, under the engine id
    ``key`` (``"cb<id>"``) and the drafter's ``label``, and proposes further themes of its own.
    """

    __tablename__ = "codebook_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True)
    section_key: Mapped[str] = mapped_column(String(20), default="general", nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def key(self) -> str:
        """The engine id of the entry's theme."""
        return f"cb{self.id}"


class Decision(str, enum.Enum):
    """What the drafters decided about what respondents said."""

    accepted = "accepted"
    partly_accepted = "partly_accepted"
    not_accepted = "not_accepted"
    outside_scope = "outside_scope"


DECISION_LABELS = {
    Decision.accepted: _l("Accepted"),
    Decision.partly_accepted: _l("Partly accepted"),
    Decision.not_accepted: _l("Not accepted"),
    Decision.outside_scope: _l("Outside the scope of this policy"),
}


class Response(TimestampMixin, db.Model):
    """The drafters' answer ("you said, we did") to a theme, or to one submission.

    A theme response is keyed by (``section_key``, ``theme_key`` = the theme's engine id), so it
    stays with the theme across re-runs; a submission response has ``submission_id`` instead.
    Private until ``published_at``; respondents are e-mailed once (``Submission.response_notified_at``).
    """

    __tablename__ = "responses"
    __table_args__ = (
        Index("uq_responses_theme", "consultation_id", "section_key", "theme_key", unique=True,
              sqlite_where=text("theme_key IS NOT NULL"), postgresql_where=text("theme_key IS NOT NULL")),
        Index("uq_responses_submission", "submission_id", unique=True,
              sqlite_where=text("submission_id IS NOT NULL"), postgresql_where=text("submission_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True)
    section_key: Mapped[str] = mapped_column(String(20), default="general", nullable=False)
    theme_key: Mapped[str | None] = mapped_column(String(20))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    decision: Mapped[Decision] = mapped_column(
        Enum(Decision, name="response_decision", native_enum=False, length=20), nullable=False)
    reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # the article or clause of the draft changed, and its revised wording
    draft_reference: Mapped[str | None] = mapped_column(String(200))
    revised_wording: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    submission = relationship("Submission")

    @property
    def is_published(self) -> bool:
        """Whether the public and the respondents may read it."""
        return self.published_at is not None
