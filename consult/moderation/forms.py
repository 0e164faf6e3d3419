"""The moderator's action form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..common.forms import BaseForm
from .models import FlagCategory, Reason

REASON_LABELS = {
    Reason.spam: _l("Spam or advertising"),
    Reason.abuse: _l("Abusive language"),
    Reason.personal_data: _l("Personal data"),
    Reason.off_topic: _l("Not about this consultation"),
    Reason.duplicate: _l("Duplicate"),
    Reason.other: _l("Other"),
}


class ModerateForm(BaseForm):
    """Approve, hide (with a reason and a public note) or restore one submission."""

    action = SelectField(_l("Action"), choices=[SelectChoice("approve", _l("Approve")), SelectChoice("hide", _l("Hide")),
                                                SelectChoice("restore", _l("Restore")),
                                                SelectChoice("redact", _l("Redact personal data")),
                                                SelectChoice("escalate", _l("Escalate to a senior moderator"))],
                         validators=[DataRequired(), AnyOf(["approve", "hide", "restore", "redact", "escalate"])])
    reason = SelectField(_l("Reason (needed to hide)"),
                         choices=[SelectChoice("", "—")] + [SelectChoice(r.value, label) for r, label in REASON_LABELS.items()],
                         validators=[Optional()])
    public_note = TextAreaField(_l("Public note (shown with a hidden submission; for an escalation, a note to the senior moderator)"),
                                validators=[Optional(), Length(max=500)])


FLAG_LABELS = {
    FlagCategory.spam: _l("Spam or advertising"),
    FlagCategory.abusive: _l("Abusive or insulting"),
    FlagCategory.off_topic: _l("Not about this consultation"),
    FlagCategory.personal_data: _l("Shows someone's personal data"),
    FlagCategory.other: _l("Something else (say what)"),
}


class FlagForm(BaseForm):
    """A visitor's flag: a category and an optional note (needed for "something else")."""

    category = SelectField(_l("What is wrong?"), choices=[SelectChoice(c.value, label) for c, label in FLAG_LABELS.items()],
                           validators=[DataRequired(), AnyOf([c.value for c in FlagCategory])])
    note = TextAreaField(_l("Note for the moderators (optional)"), validators=[Optional(), Length(max=500)])


class ModeForm(BaseForm):
    """Switch a consultation between pre- and post-moderation."""

    mode = SelectField(_l("Moderation mode"), choices=[
        SelectChoice("pre", _l("Pre-moderation: nothing is public until a moderator approves it")),
        SelectChoice("post", _l("Post-moderation: public at once, reviewed afterwards"))],
        validators=[DataRequired(), AnyOf(["pre", "post"])])
