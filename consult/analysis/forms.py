"""Forms of the drafter's analysis page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..common.forms import BaseForm
from .models import DECISION_LABELS


class RunAnalysisForm(BaseForm):
    """Run the analysis again, optionally with a fixed number of themes per question."""

    n_themes = IntegerField(_l("Number of themes per question (empty: choose automatically)"),
                            validators=[Optional(), NumberRange(min=1, max=40)])


class ThemeEditForm(BaseForm):
    """Rename and describe a theme."""

    label = StringField(_l("Theme name"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description (what the theme is about; shown in the report)"),
                                validators=[Optional(), Length(max=5000)])


class ThemeChoiceForm(BaseForm):
    """Choose another theme of the section (merge into it, or move a submission to it)."""

    target = SelectField(_l("Theme"), validators=[DataRequired()])
    submission = SelectField(_l("Submission"), validators=[Optional()])


class SplitForm(BaseForm):
    """Split chosen submissions off into a new theme."""

    new_label = StringField(_l("Name of the new theme"), validators=[DataRequired(), Length(max=300)])
    members = SelectMultipleField(_l("Submissions for the new theme"), coerce=int,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class ConfirmForm(BaseForm):
    """A button: review, sign off, reopen, publish, delete (CSRF only)."""


class ResponseForm(BaseForm):
    """The drafters' answer to a theme or a submission."""

    decision = SelectField(_l("Decision"), choices=[SelectChoice(d.value, label) for d, label in DECISION_LABELS.items()],
                           validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (respondents read this)"), validators=[DataRequired(), Length(max=10000)])
    draft_reference = StringField(_l("Article or clause of the draft changed (if any)"),
                                  validators=[Optional(), Length(max=200)])
    revised_wording = TextAreaField(_l("Revised wording"), validators=[Optional(), Length(max=10000)])


class CodebookForm(BaseForm):
    """A codebook theme defined by drafters."""

    section_key = SelectField(_l("Question"), validators=[DataRequired()])
    label = StringField(_l("Theme name"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    keywords = StringField(_l("Keywords, separated by commas (a submission holding one of them joins the theme)"),
                           validators=[Optional(), Length(max=1000)])
