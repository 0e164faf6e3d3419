"""Forms for recording in-person forums and their contributions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..common.forms import BaseForm
from ..submissions.models import STAKEHOLDER_LABELS, StakeholderType


class ForumForm(BaseForm):
    """A forum: date, place, attendance per stakeholder type, notes, consent to quote."""

    held_on = DateField(_l("Date of the forum"), validators=[DataRequired()])
    place = StringField(_l("Place (e.g. Aula Kecamatan Abung Selatan)"), validators=[DataRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes (agenda, who chaired, how minutes were taken)"), validators=[Optional(), Length(max=5000)])
    consent_publish = BooleanField(_l("The participants agreed that what they said may be quoted (without names)"))


for _type in StakeholderType:
    setattr(ForumForm, f"participants_{_type.value}", IntegerField(
        _l("Participants: %(type)s", type=STAKEHOLDER_LABELS[_type]), default=0,
        validators=[Optional(), NumberRange(min=0, max=100000)]))


class ContributionForm(BaseForm):
    """What one participant said."""

    text = TextAreaField(_l("What was said"), validators=[DataRequired(), Length(max=20000)])
    speaker = StringField(_l("Speaker (never shown publicly)"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation (if they spoke for one)"), validators=[Optional(), Length(max=300)])
    stakeholder_type = SelectField(_l("Stakeholder type"), validators=[Optional()],
                                   choices=[SelectChoice("", "—")] + [SelectChoice(t.value, label)
                                                                      for t, label in STAKEHOLDER_LABELS.items()])
    question_key = SelectField(_l("Answer to"), validators=[Optional()])


class ContributionImportForm(BaseForm):
    """A CSV of contributions."""

    file = FileField(_l("CSV file (columns: text, speaker, organisation, stakeholder_type, question)"),
                     validators=[FileRequired()])
