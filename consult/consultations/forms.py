"""Forms of the consultations feature."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..common.forms import BaseForm


class DocumentForm(BaseForm):
    """Upload a draft-policy document (PDF or DOCX)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    file = FileField(_l("File (PDF or DOCX)"), validators=[FileRequired()])
    # "" for a new document, else the id of the document this file is a revised version of
    revises = SelectField(_l("This file is"), validate_choice=False, default="")
    version_date = DateField(_l("Date of this version"), validators=[Optional()])


class AnsweredForm(BaseForm):
    """Mark a closed consultation as answered (or not), until published responses decide it."""

    answered = BooleanField(_l("The government has answered this consultation"))


class ConsultationForm(BaseForm):
    """Create or edit a consultation; times are typed in the site's time zone."""

    slug = StringField(_l("Web address (short name)"), description=_l("Lowercase letters, digits and hyphens, e.g. kebijakan-asn-2027."),
                       validators=[Optional(), Length(max=120)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    topic = StringField(_l("Topic (optional)"), validators=[Optional(), Length(max=120)])
    summary = TextAreaField(_l("Summary (one or two sentences)"), validators=[Optional(), Length(max=2000)])
    body = TextAreaField(_l("Background (Markdown)"), description=_l("Headings with #, lists with -, links as [text](https://…)."),
                         validators=[Optional(), Length(max=100_000)])
    opens_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    moderation_mode = SelectField(_l("Moderation"), choices=[
        SelectChoice("post", _l("Post-moderation: public at once, reviewed afterwards")),
        SelectChoice("pre", _l("Pre-moderation: nothing is public until a moderator approves it"))],
        validators=[AnyOf(["pre", "post"])])
    participation = SelectField(_l("Who may respond"), choices=[
        SelectChoice("anonymous_allowed", _l("Anyone, anonymously if they wish")),
        SelectChoice("registered_only", _l("Only signed-in accounts"))],
        validators=[AnyOf(["anonymous_allowed", "registered_only"])])


class QuestionForm(BaseForm):
    """Add or change a question."""

    key = StringField(_l("Short key"), description=_l("Used in exports, e.g. penempatan. Cannot change later."),
                      validators=[Optional(), Length(max=60)])
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=2000)])
    help_text = TextAreaField(_l("Help text (optional)"), validators=[Optional(), Length(max=2000)])
    kind = SelectField(_l("Kind of answer"), choices=[
        SelectChoice("open", _l("Open text")), SelectChoice("single_choice", _l("One choice among options")),
        SelectChoice("likert", _l("Five-point scale (disagree … agree)"))],
        validators=[AnyOf(["open", "single_choice", "likert"])])
    options = TextAreaField(_l("Options, one per line (for a choice)"), validators=[Optional(), Length(max=5000)])
    required = BooleanField(_l("An answer is required"))
    correction_note = StringField(_l("What was corrected (needed once submissions have arrived)"),
                                  validators=[Optional(), Length(max=300)])


class ExtendForm(BaseForm):
    """Extend the closing time (announced on the consultation page)."""

    closes_at = DateTimeLocalField(_l("New closing time"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    note = StringField(_l("Reason, shown with the announcement (optional)"), validators=[Optional(), Length(max=300)])


class DuplicateForm(BaseForm):
    """Copy a consultation as the template of a new draft."""

    slug = StringField(_l("Web address of the copy"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title of the copy"), validators=[DataRequired(), Length(max=300)])
