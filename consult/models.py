"""Imports every model module, so ``db.metadata`` knows all tables (used by Alembic and tests)."""
from .accounts.models import (
    ConsentRecord,
    ConsultationRole,
    Organisation,
    RepresentativeClaim,
    RoleChange,
    User,
)
from .analysis.models import (
    AnalysisRun,
    AnalysisSection,
    Theme,
    ThemeAssignment,
    ThemeQuote,
)
from .consultations.models import Consultation, Document, Question
from .jobs import Job
from .moderation.models import Appeal, Flag, ModerationAction, RedactedOriginal
from .submissions.models import Answer, Attachment, Submission

__all__ = ["ConsentRecord", "ConsultationRole", "Organisation", "RepresentativeClaim", "RoleChange", "User",
           "AnalysisRun", "AnalysisSection", "Theme", "ThemeAssignment", "ThemeQuote", "Consultation", "Document",
           "Question", "Job", "Appeal", "Flag", "ModerationAction", "RedactedOriginal", "Answer", "Attachment",
           "Submission"]
