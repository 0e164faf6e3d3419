"""Marshmallow schemas of the API: what requests carry and responses return. The OpenAPI
document is generated from these (flask-smorest / apispec), so the document and the code cannot
drift apart."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..submissions.models import StakeholderType

STATES = ("scheduled", "open", "closed", "answered")
STAKEHOLDER_TYPES = [t.value for t in StakeholderType]


class Schema(ma.Schema):
    """Base: unknown input fields are an error (a typo should not pass silently), and no text may
    hold a NUL character or a lone UTF-16 surrogate (neither can be stored)."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.validates_schema
    def _clean_text(self, data, **kwargs):
        def bad(value) -> bool:
            if isinstance(value, str):
                return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
            if isinstance(value, dict):
                return any(bad(k) or bad(v) for k, v in value.items())
            if isinstance(value, list):
                return any(bad(v) for v in value)
            return False

        wrong = [name for name, value in data.items() if bad(value)]
        if wrong:
            raise ma.ValidationError({name: ["Text may not contain NUL characters or lone surrogates."]
                                      for name in wrong})


class ProblemOut(ma.Schema):
    """An error (RFC 9457 problem details): ``code`` is stable; ``errors`` names fields."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    code = fields.String(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


# ---- query strings -----------------------------------------------------------------------

class ConsultationFilter(Schema):
    """Query of ``GET /consultations``: a state and a topic, both optional."""

    state = fields.String(validate=validate.OneOf(STATES), metadata={"description": "Only consultations in this state."})
    topic = fields.String(validate=validate.Length(max=120),
                          metadata={"description": "Only this topic (compared without regard to case)."})


class SubmissionFilter(Schema):
    """Query of the submission list: one stakeholder type, optional."""

    stakeholder_type = fields.String(validate=validate.OneOf(STAKEHOLDER_TYPES))


class CommentFilter(Schema):
    """Query of the comment list: a question's key, optional."""

    question = fields.String(validate=validate.Length(min=1, max=60),
                             metadata={"description": "A question's key; without it, the consultation's own discussion."})


class QueueFilter(Schema):
    """Query of the moderation queue: submissions or comments, in one moderation state."""

    kind = fields.String(load_default="submission", validate=validate.OneOf(("submission", "comment")))
    state = fields.String(load_default="pending", validate=validate.OneOf(("pending", "published", "hidden")))


# ---- consultations -------------------------------------------------------------------------

class QuestionOut(Schema):
    """A question: its key, position, kind (open, choice or Likert), text, help and options."""

    key = fields.String(required=True)
    position = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("open", "choice", "likert")))
    text = fields.String(required=True)
    help_text = fields.String(required=True)
    options = fields.List(fields.String(), required=True)
    required = fields.Boolean(required=True)


class DocumentOut(Schema):
    """A draft policy document (latest version), with its download address; size in bytes."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    version = fields.Integer(required=True)
    version_date = fields.String(allow_none=True, required=True)
    url = fields.String(required=True, metadata={"description": "Download address (the published file)."})


class CountsOut(Schema):
    """What a consultation counts publicly: published submissions and comments."""

    submissions = fields.Integer(required=True, metadata={"description": "Published submissions (pending and hidden never count)."})
    comments = fields.Integer(required=True, metadata={"description": "Published discussion comments and replies."})


class ConsultationOut(Schema):
    """A published consultation as listed: window (ISO 8601, UTC), state, moderation mode, counts."""

    slug = fields.String(required=True)
    title = fields.String(required=True)
    topic = fields.String(allow_none=True, required=True)
    summary = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    opens_at = fields.DateTime(allow_none=True, required=True)
    closes_at = fields.DateTime(allow_none=True, required=True)
    moderation = fields.String(required=True, validate=validate.OneOf(("pre", "post")))
    results_published = fields.Boolean(required=True)
    counts = fields.Nested(CountsOut, required=True)
    url = fields.String(required=True, metadata={"description": "The public web page."})


class ConsultationDetailOut(ConsultationOut):
    """A consultation with its Markdown background, questions and documents."""

    background_markdown = fields.String(required=True)
    questions = fields.List(fields.Nested(QuestionOut), required=True)
    documents = fields.List(fields.Nested(DocumentOut), required=True)


# ---- submissions and comments ---------------------------------------------------------------

class AnswerOut(Schema):
    """One answer of a submission: open text (only when quotable) or a chosen option."""

    question = fields.String(required=True, metadata={"description": "The question's key."})
    text = fields.String(allow_none=True, required=True)
    choice = fields.String(allow_none=True, required=True)


class SubmissionOut(Schema):
    """A published submission; its text only when the respondent agreed to publish it."""

    reference = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    stakeholder_type = fields.String(allow_none=True, required=True)
    organisation = fields.String(allow_none=True, required=True)
    text_published = fields.Boolean(required=True, metadata={
        "description": "False when the respondent did not agree to publish the text: then it is counted, with no text."})
    body = fields.String(allow_none=True, required=True)
    answers = fields.List(fields.Nested(AnswerOut), required=True)


class VotesOut(Schema):
    """Votes on a comment: agree, disagree and pass counts."""

    agree = fields.Integer(required=True)
    disagree = fields.Integer(required=True)
    pass_ = fields.Integer(required=True, data_key="pass")


class CommentOut(Schema):
    """A published comment or reply (``reply_to``), with its votes and web address."""

    id = fields.Integer(required=True)
    question = fields.String(allow_none=True, required=True)
    reply_to = fields.Integer(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    stakeholder_type = fields.String(allow_none=True, required=True)
    body = fields.String(required=True)
    votes = fields.Nested(VotesOut, required=True)
    url = fields.String(required=True)


# ---- themes and responses ----------------------------------------------------------------

class QuoteOut(Schema):
    """A quote: the submission's reference and the quoted text (quotable submissions only)."""

    submission = fields.String(required=True, metadata={"description": "Reference of the quoted submission."})
    text = fields.String(required=True)


class ResponseOut(Schema):
    """The drafters' published response ("you said, we did") to a theme."""

    decision = fields.String(required=True)
    reason = fields.String(allow_none=True, required=True)
    draft_reference = fields.String(allow_none=True, required=True)
    revised_wording = fields.String(allow_none=True, required=True)
    published_at = fields.String(allow_none=True, required=True)


class ThemeOut(Schema):
    """A theme of the latest analysis: label, key phrases, voices by stakeholder type, quotes, response."""

    question = fields.String(allow_none=True, required=True, metadata={"description": "Question key; null for the general text."})
    id = fields.String(required=True)
    label = fields.String(required=True)
    description = fields.String(allow_none=True, required=True)
    key_phrases = fields.List(fields.String(), required=True)
    submission_count = fields.Integer(required=True)
    by_stakeholder_type = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    quotes = fields.List(fields.Nested(QuoteOut), required=True)
    response = fields.Nested(ResponseOut, allow_none=True, required=True)


class SubmissionResponseOut(Schema):
    """A published response to one published submission."""

    submission = fields.String(required=True)
    decision = fields.String(required=True)
    reason = fields.String(allow_none=True, required=True)
    published_at = fields.String(allow_none=True, required=True)


# ---- submitting ----------------------------------------------------------------------------

class SubmissionIn(Schema):
    """A submission sent by a partner channel on a respondent's behalf (the web form's fields).
    Rules beyond the schema (422 validation_failed): a name unless anonymous; an organisation for
    a professional body or government unit; a body or at least one open question answered in
    words; answers only to the consultation's question keys, a choice among its options; the
    required questions answered. Messages follow Accept-Language (English by default)."""

    stakeholder_type = fields.String(required=True, validate=validate.OneOf(STAKEHOLDER_TYPES))
    body = fields.String(load_default="", validate=validate.Length(max=20_000),
                         metadata={"description": "General free text (may be empty when questions are answered)."})
    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=60)),
                          values=fields.String(validate=validate.Length(max=20_000)), load_default=dict,
                          metadata={"description": "Question key → answer text, or the chosen option."})
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                         metadata={"description": "Required unless anonymous is true."})
    anonymous = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "Where the receipt is e-mailed; never published."})
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    consent_publish = fields.Boolean(required=True, truthy={True}, falsy={False},
                                     metadata={"description": "The respondent agreed to publish the text."})
    consent_wording = fields.String(required=True, validate=validate.Length(min=10, max=2000), metadata={
        "description": "The exact consent wording the respondent saw on the partner channel (kept as the consent record)."})
    language = fields.String(load_default="id", validate=validate.OneOf(("id", "en")),
                             metadata={"description": "Language of the consent wording and of the receipt e-mail."})
    client_token = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._:-]{8,64}$"), metadata={
        "description": "Idempotency key chosen by the channel, one per respondent's submission to one consultation "
                       "(8–64 letters, digits, '.', '_', ':', '-'): the same key with the same content returns the same "
                       "receipt; with other content, or after the respondent or a moderator changed the submission, "
                       "it is refused (409 client_token_reused); after a withdrawal, 409 withdrawn."})


class ReceiptOut(Schema):
    """The receipt of an accepted submission: reference, moderation state and private receipt address."""

    reference = fields.String(required=True)
    moderation_status = fields.String(required=True, validate=validate.OneOf(("published", "pending", "hidden")),
                                      metadata={"description": "hidden: a moderator has since hidden it (a resend)."})
    receipt_url = fields.String(required=True, metadata={
        "description": "The respondent's private receipt page (edit, withdraw, see the answer). Give it only to them."})
    resent = fields.Boolean(required=True, metadata={"description": "True when this client_token was already recorded."})


# ---- staff ---------------------------------------------------------------------------------

class QueueItemOut(Schema):
    """One item of the moderation queue (staff): its text, the rules' hits and the flags."""

    kind = fields.String(required=True, validate=validate.OneOf(("submission", "comment")))
    id = fields.String(required=True, metadata={"description": "Submission reference, or comment id (as text)."})
    state = fields.String(required=True)
    received_at = fields.DateTime(required=True)
    text = fields.String(required=True)
    rules = fields.List(fields.String(), required=True)
    flags = fields.Integer(required=True)
    escalated = fields.Boolean(required=True)


class ModerationIn(Schema):
    """A moderator's action: approve, hide (needs a reason), restore, redact or escalate."""

    action = fields.String(required=True, validate=validate.OneOf(("approve", "hide", "restore", "redact", "escalate")))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
        ("spam", "abuse", "personal_data", "off_topic", "duplicate", "other")))
    public_note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ModerationOut(Schema):
    """The audit record of a moderation action: state before and after, time."""

    id = fields.String(required=True)
    action = fields.String(required=True)
    before = fields.String(required=True)
    after = fields.String(required=True)
    at = fields.DateTime(required=True)


class AnalysisIn(Schema):
    """Starting an analysis: the number of themes (2–30), or the engine's choice."""

    n_themes = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=2, max=30))


class ExportIn(Schema):
    """Starting an export: which table, in which format."""

    table = fields.String(required=True, validate=validate.OneOf(("themes", "responses", "choices", "submissions")))
    format = fields.String(required=True, validate=validate.OneOf(("csv", "json", "xlsx")))


class JobOut(Schema):
    """A background job (analysis or export): state, stage, percent done, and the file when done."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("queued", "running", "done", "failed")))
    stage = fields.String(required=True)
    percent = fields.Integer(required=True)
    file_url = fields.String(allow_none=True, required=True, metadata={"description": "Set when an export is done."})
