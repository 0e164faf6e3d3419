"""Imports every model module, so ``db.metadata`` knows all tables (used by Alembic and tests)."""
from .accounts.models import ConsultationRole, User
from .analysis.models import (
    AnalysisRun,
    AnalysisSection,
    Theme,
    ThemeAssignment,
    ThemeQuote,
)
from .consultations.models import Consultation, Document, Question
from .jobs import Job
from .moderation.models import Appeal, ModerationAction, RedactedOriginal
from .submissions.models import Answer, Attachment, Submission
