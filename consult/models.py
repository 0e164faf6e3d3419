"""Imports every model module, so ``db.metadata`` knows all tables (used by Alembic and tests)."""
from .accounts.models import (
    AccountEvent,
    ConsentRecord,
    ConsultationRole,
    Organisation,
    RepresentativeClaim,
    RoleChange,
    User,
)
from .api.models import ApiToken
from .analysis.models import (
    AnalysisRun,
    AnalysisSection,
    CodebookEntry,
    Response,
    Theme,
    ThemeAssignment,
    ThemeEdit,
    ThemeQuote,
)
from .consultations.models import Consultation, ConsultationEvent, Document, Question
from .discussion.models import Comment, CommentVote
from .forums.models import OfflineForum
from .jobs import Job
from .moderation.models import Appeal, Flag, ModerationAction, RedactedOriginal
from .search.models import SearchEntry
from .site.models import Page, SiteSetting
from .submissions.models import Answer, Attachment, Submission, SubmissionDraft

__all__ = ["ApiToken", "AccountEvent", "Comment", "CommentVote", "ConsultationEvent", "Page", "SiteSetting", "ConsentRecord", "ConsultationRole", "Organisation", "RepresentativeClaim", "RoleChange", "User",
           "AnalysisRun", "AnalysisSection", "CodebookEntry", "Response", "ThemeEdit", "OfflineForum", "SearchEntry", "Theme", "ThemeAssignment", "ThemeQuote", "Consultation", "Document",
           "Question", "Job", "Appeal", "Flag", "ModerationAction", "RedactedOriginal", "Answer", "Attachment",
           "Submission", "SubmissionDraft"]
