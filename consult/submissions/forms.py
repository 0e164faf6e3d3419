"""The submission form, built per consultation from its questions."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional

from ..common.forms import BaseForm, normalise_newlines
from ..consultations.models import Consultation, QuestionKind
from .models import STAKEHOLDER_LABELS, StakeholderType

MAX_TEXT = 20_000


class SubmissionFormBase(BaseForm):
    """Fields every consultation asks; question fields are added by :func:`submission_form_class`."""

    client_token = HiddenField()
    attachment_token = HiddenField()
    draft_token = HiddenField()
    stakeholder_type = RadioField(
        _l("I am responding as"),
        choices=[SelectChoice(t.value, STAKEHOLDER_LABELS[t]) for t in StakeholderType],
        validate_choice=False,
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    anonymous = BooleanField(_l("Send anonymously (your name is not recorded)"))
    on_behalf = BooleanField(_l("I am responding on behalf of an organisation"))
    # for a signed-in representative: "" (myself) or the id of a claim (choices set by the view)
    claim = SelectField(_l("Responding for"), validate_choice=False, default="")
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    email = EmailField(
        _l("E-mail (optional, for your receipt; never published)"),
        validators=[Optional(), Email(check_deliverability=False, message=_l("This e-mail address is not valid.")),
                    Length(max=254)],
    )
    region = StringField(_l("Kecamatan (optional)"), validators=[Optional(), Length(max=120)])
    body = TextAreaField(_l("Your submission"), validators=[Length(max=MAX_TEXT)], filters=[normalise_newlines])
    attachment = FileField(_l("Position paper (optional, PDF or DOCX)"))
    consent_publish = BooleanField(_l("I agree that my submission may be published and quoted (never my e-mail)"))

    def question_fields(self):
        """``(question, field)`` pairs in the consultation's order."""
        return [(q, self[f"q_{q.key}"]) for q in self._questions]


def submission_form_class(consultation: Consultation) -> type[SubmissionFormBase]:
    """A form class with one field ``q_<key>`` per question of ``consultation``."""
    attrs = {"_questions": list(consultation.questions)}
    for question in consultation.questions:
        if question.kind is QuestionKind.open:
            field = TextAreaField(question.text, description=question.help_text,
                                  validators=[Length(max=MAX_TEXT)], filters=[normalise_newlines])
        else:
            field = RadioField(question.text, description=question.help_text,
                               choices=[SelectChoice(o) for o in question.options], validate_choice=False)
        attrs[f"q_{question.key}"] = field
    return type("SubmissionForm", (SubmissionFormBase,), attrs)


def new_client_token() -> str:
    """A one-time key for a freshly shown form."""
    return secrets.token_urlsafe(24)


class EditFormBase(BaseForm):
    """What a respondent may change from the receipt page: the text, the answers, the consent."""

    body = TextAreaField(_l("Your submission"), validators=[Length(max=MAX_TEXT)], filters=[normalise_newlines])
    consent_publish = BooleanField(_l("I agree that my submission may be published and quoted (never my e-mail)"))

    def question_fields(self):
        """``(question, field)`` pairs in the consultation's order."""
        return [(q, self[f"q_{q.key}"]) for q in self._questions]


def edit_form_class(consultation: Consultation) -> type[EditFormBase]:
    """The edit form of ``consultation``'s submissions: one field ``q_<key>`` per question."""
    attrs = {"_questions": list(consultation.questions)}
    for question in consultation.questions:
        if question.kind is QuestionKind.open:
            attrs[f"q_{question.key}"] = TextAreaField(question.text, description=question.help_text,
                                                       validators=[Length(max=MAX_TEXT)], filters=[normalise_newlines])
        else:
            attrs[f"q_{question.key}"] = RadioField(question.text, description=question.help_text,
                                                    choices=[SelectChoice(o) for o in question.options],
                                                    validate_choice=False)
    return type("EditForm", (EditFormBase,), attrs)
