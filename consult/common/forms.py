"""Form helpers shared by features: the base form (translated built-in messages) and apply_errors."""
from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

# WTForms ships no Indonesian catalogue. Its built-in messages are listed here so that
# `make extract-messages` puts them in our catalogue, and BaseForm looks them up there.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Invalid email address."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Invalid URL."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
)


def _plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural message for extraction (keyword ``_plural:1,2``); returns it unchanged."""
    return singular, plural


WTFORMS_PLURALS = (
    _plural("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters."),
    _plural("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long."),
    _plural("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field."),
)


class _CatalogueTranslations:
    """WTForms translations object backed by our Flask-Babel catalogue (no formatting here:
    WTForms interpolates its own ``%(min)d``-style values)."""

    def gettext(self, string: str) -> str:
        """``string`` in the current interface language (unchanged if not in the catalogue)."""
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, in the current interface language."""
        return get_translations().ngettext(singular, plural, n)


class BaseForm(FlaskForm):
    """FlaskForm whose built-in validation messages follow the interface language, and whose
    text fields never receive an uploaded file (uploads reach the form's file fields only)."""

    class Meta:
        def get_translations(self, form):
            """Our catalogue instead of WTForms' own (which lacks Indonesian)."""
            return _CatalogueTranslations()

        def wrap_formdata(self, form, formdata):
            from flask import request
            from flask_wtf.file import FileField as FlaskFileField
            from werkzeug.datastructures import CombinedMultiDict, MultiDict
            from wtforms import FileField

            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict) or not request.files:
                return data
            # uploaded files reach file fields only: a crafted multipart request cannot put a file
            # where text is expected
            file_fields = {field.name for field in form if isinstance(field, (FileField, FlaskFileField))}
            files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in file_fields])
            return CombinedMultiDict((files, request.form)) if files else request.form


def pop_expired_csrf(form: FlaskForm) -> bool:
    """After ``form.validate()``: whether it failed only its CSRF check's part, which is then
    removed from ``form.errors``, so a form that checks its own token can come back filled in
    with a plain "expired" notice instead of a field error."""
    if not hasattr(form, "csrf_token"):
        return False
    expired = bool(form.errors.pop("csrf_token", None))
    form.csrf_token.errors = []
    return expired


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


def normalise_newlines(value):
    """WTForms filter: browsers send line breaks as CRLF; count and store them as one character."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def committed(form: FlaskForm, change) -> bool:
    """Run ``change()`` (a service call that flushes) and commit; on ``ValidationFailed`` roll
    back, put its errors on ``form`` and return ``False`` (the view shows the form again, filled)."""
    from ..errors import ValidationFailed
    from ..extensions import db

    try:
        change()
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return False
    db.session.commit()
    return True
