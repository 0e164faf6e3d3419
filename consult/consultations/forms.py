"""Forms of the consultations feature."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from ..common.forms import BaseForm


class DocumentForm(BaseForm):
    """Upload a draft-policy document (PDF or DOCX)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    file = FileField(_l("File (PDF or DOCX)"), validators=[FileRequired()])


class AnsweredForm(BaseForm):
    """Mark a closed consultation as answered (or not), until published responses decide it."""

    answered = BooleanField(_l("The government has answered this consultation"))
