"""Imports every model module, so ``db.metadata`` knows all tables (used by Alembic and tests)."""
from .accounts.models import ConsultationRole, User  # noqa: F401
from .analysis.models import (  # noqa: F401
    AnalysisRun,
    AnalysisSection,
    Theme,
    ThemeAssignment,
    ThemeQuote,
)
from .consultations.models import Consultation, Document, Question  # noqa: F401
from .jobs import Job  # noqa: F401
from .moderation.models import Appeal, ModerationAction, RedactedOriginal  # noqa: F401
from .submissions.models import Answer, Attachment, Submission  # noqa: F401
