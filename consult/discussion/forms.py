"""The comment form (also used for replies)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Optional

from ..common.forms import BaseForm
from ..submissions.models import STAKEHOLDER_LABELS
from .services import MAX_COMMENT_CHARS


class CommentForm(BaseForm):
    """A comment or a reply: the text (checked by :func:`~consult.discussion.services.post_comment`),
    optionally the stakeholder type the author speaks as, and the form's one-time key."""

    body = TextAreaField(_l("Your comment"), render_kw={"rows": 4, "maxlength": MAX_COMMENT_CHARS})
    stakeholder_type = SelectField(
        _l("You speak as (optional)"),
        choices=[SelectChoice("", "—")] + [SelectChoice(k.value, label) for k, label in STAKEHOLDER_LABELS.items()],
        validators=[Optional()])
    # one key per filled-in form: sent twice (a double tap), it records one comment
    client_token = HiddenField()
