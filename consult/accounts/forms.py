"""Forms of the accounts feature: sign-in, registration, password reset, the account page,
organisation claims, and the admin's forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
)

from ..common.forms import BaseForm
from .models import OrganisationKind

ACCOUNT_CONSENT = _l("I agree that this site keeps my name and e-mail address to let me take part in "
                     "consultations and to tell me how my submissions were considered. I can download "
                     "my data or delete my account at any time (UU PDP No. 27/2022).")

ORGANISATION_KIND_LABELS = {
    OrganisationKind.government_unit: _l("Government unit"),
    OrganisationKind.university: _l("University or research institute"),
    OrganisationKind.professional_body: _l("Professional body"),
    OrganisationKind.union: _l("Union or civil servants' association"),
    OrganisationKind.ngo: _l("Civil society organisation"),
    OrganisationKind.business: _l("Business or business association"),
    OrganisationKind.community: _l("Community or religious organisation"),
    OrganisationKind.other: _l("Other"),
}


def _email_field():
    return EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254),
                                         Email(check_deliverability=False,
                                               message=_l("This e-mail address is not valid."))])


class LoginForm(BaseForm):
    """Sign in with e-mail and password."""

    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()


class RegisterForm(BaseForm):
    """A respondent's registration."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    email = _email_field()
    password = PasswordField(_l("Password (at least 10 characters)"), validators=[DataRequired(), Length(min=10, max=200)])
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])
    consent = BooleanField(ACCOUNT_CONSENT, validators=[DataRequired(message=_l("An account needs this consent."))])
    next = HiddenField()


class ResetRequestForm(BaseForm):
    """Ask for a password reset link."""

    email = _email_field()


class ResetForm(BaseForm):
    """Choose a new password."""

    password = PasswordField(_l("New password (at least 10 characters)"), validators=[DataRequired(), Length(min=10, max=200)])
    password_again = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class ProfileForm(BaseForm):
    """The account page: the name shown when the respondent chooses to be named."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the interface"), default="",
                           choices=[SelectChoice("", _l("The site's default")), SelectChoice("id", "Bahasa Indonesia"),
                                    SelectChoice("en", "English")])
    time_zone = SelectField(_l("Show times in"), default="",
                            choices=[SelectChoice("", _l("The site's time zone")),
                                     SelectChoice("Asia/Jakarta", _l("WIB (Western Indonesia)")),
                                     SelectChoice("Asia/Makassar", _l("WITA (Central Indonesia)")),
                                     SelectChoice("Asia/Jayapura", _l("WIT (Eastern Indonesia)"))])


class DeleteAccountForm(BaseForm):
    """Confirm deleting the account with the password."""

    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()])


class ClaimForm(BaseForm):
    """Ask to speak for an organisation."""

    organisation = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind of organisation"),
                       choices=[SelectChoice(k.value, label) for k, label in ORGANISATION_KIND_LABELS.items()],
                       validators=[DataRequired(), AnyOf([k.value for k in OrganisationKind])])
    website = URLField(_l("Website (optional)"), validators=[Optional(), Length(max=300),
                                                             URL(require_tld=True, message=_l("Give a web address starting with https:// or http://."))])
    position = StringField(_l("Your position in the organisation"), validators=[DataRequired(), Length(max=200)])
    evidence = FileField(_l("Evidence: an official letter or assignment (PDF, JPEG or PNG)"))


class ClaimDecisionForm(BaseForm):
    """An admin verifies or refuses a claim."""

    decision = SelectField(_l("Decision"), choices=[SelectChoice("verify", _l("Verify")),
                                                    SelectChoice("refuse", _l("Refuse"))],
                           validators=[DataRequired(), AnyOf(["verify", "refuse"])])
    reason = TextAreaField(_l("Reason (needed to refuse; the claimant reads it)"), validators=[Optional(), Length(max=1000)])


class RoleForm(BaseForm):
    """An admin grants or revokes a role on a consultation (choices set by the view)."""

    consultation = SelectField(_l("Consultation"), validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=[SelectChoice("moderator", _l("Moderator")),
                                            SelectChoice("drafter", _l("Drafter"))],
                       validators=[DataRequired(), AnyOf(["moderator", "drafter"])])
    action = HiddenField(validators=[AnyOf(["grant", "revoke"])])


class PrivacySettingsForm(BaseForm):
    """A consultation's participation and personal-data rules."""

    participation = SelectField(_l("Who may respond"), choices=[
        SelectChoice("anonymous_allowed", _l("Anyone, anonymously if they wish")),
        SelectChoice("registered_only", _l("Only signed-in accounts"))],
        validators=[DataRequired(), AnyOf(["anonymous_allowed", "registered_only"])])
    deletion_rule = SelectField(_l("When a respondent deletes their account, their submissions are"), choices=[
        SelectChoice("anonymise", _l("kept without any personal data")),
        SelectChoice("remove", _l("removed"))], validators=[DataRequired(), AnyOf(["anonymise", "remove"])])
    retention_days = IntegerField(_l("Anonymise respondents' personal data this many days after closing (empty: keep)"),
                                  validators=[Optional(), NumberRange(min=0, max=3650)])
