"""The moderator's action form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..common.forms import BaseForm
from .models import Reason

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
                                                SelectChoice("redact", _l("Redact personal data"))],
                         validators=[DataRequired(), AnyOf(["approve", "hide", "restore", "redact"])])
    reason = SelectField(_l("Reason (needed to hide)"),
                         choices=[SelectChoice("", "—")] + [SelectChoice(r.value, label) for r, label in REASON_LABELS.items()],
                         validators=[Optional()])
    public_note = TextAreaField(_l("Public note (shown with a hidden submission)"),
                                validators=[Optional(), Length(max=500)])
