"""Form helpers shared by features."""
from __future__ import annotations

from flask_wtf import FlaskForm


def apply_errors(form: FlaskForm, errors: dict[str, list[str]]) -> None:
    """Put a service's ``ValidationFailed.errors`` back onto ``form``.

    Messages for a field the form has go onto that field; the rest (key ``""`` or unknown names)
    go to ``form.form_errors``, which the form macro shows at the top.
    """
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            if field is not None:
                field.errors = target
        target.extend(str(m) for m in messages)
