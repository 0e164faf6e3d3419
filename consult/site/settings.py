"""Site settings an admin can change in the browser, each falling back to the configuration.

=====================  ===============================  ==========================================
key                    falls back to                    used for
=====================  ===============================  ==========================================
``site_name``          ``SITE_NAME``                    page header and titles, e-mails
``reference_prefix``   ``SUBMISSION_REFERENCE_PREFIX``  receipts' references (``KTB-2026-000123``)
``default_language``   ``BABEL_DEFAULT_LOCALE``         the interface language of new visitors
``time_zone``          ``BABEL_DEFAULT_TIMEZONE``       shown times (WIB, WITA or WIT)
``contact``            ``CONTACT_ADDRESS``              the footer and the privacy notice
``logo``               (none)                           stored file name of the uploaded logo
=====================  ===============================  ==========================================
"""
from __future__ import annotations

import re

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..errors import ValidationFailed
from ..extensions import db
from .models import SiteSetting

FALLBACKS = {"site_name": "SITE_NAME", "reference_prefix": "SUBMISSION_REFERENCE_PREFIX",
             "default_language": "BABEL_DEFAULT_LOCALE", "time_zone": "BABEL_DEFAULT_TIMEZONE",
             "contact": "CONTACT_ADDRESS", "logo": None}
# Indonesia's three time zones and their abbreviations
TIME_ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
PREFIX_RE = re.compile(r"^[A-Z]{2,8}$")


def _all() -> dict[str, str]:
    """Stored settings, read once per request (or app context)."""
    if has_app_context() and "site_settings" in g:
        return g.site_settings
    try:
        rows = {row.key: row.value for row in db.session.scalars(db.select(SiteSetting))}
    except (OperationalError, ProgrammingError):  # before the first migration there is no table yet
        db.session.rollback()
        rows = {}
    if has_app_context():
        g.site_settings = rows
    return rows


def get(key: str) -> str | None:
    """The setting ``key``: the admin's value, else the configuration's (see the table above).

    Raises:
        KeyError: an unknown key.
    """
    fallback = FALLBACKS[key]
    value = _all().get(key)
    if value:
        return value
    return current_app.config.get(fallback) if fallback else None


def zone_abbreviation() -> str:
    """WIB, WITA or WIT for the time zone times are shown in (the user's choice, else the site's)."""
    from ..common.i18n import select_timezone

    return TIME_ZONES.get(select_timezone(), "WIB")


def validate(values: dict[str, str | None]) -> dict[str, str | None]:
    """Check and clean settings an admin submitted.

    Raises:
        ValidationFailed: empty site name, a prefix that is not 2–8 capital letters, an
            unsupported language or time zone.
    """
    errors: dict[str, list] = {}
    out = dict(values)
    if "site_name" in out:
        out["site_name"] = " ".join((out["site_name"] or "").split())
        if not out["site_name"] or len(out["site_name"]) > 120:
            errors["site_name"] = [_l("Give the site a name (at most 120 characters).")]
    if "reference_prefix" in out:
        out["reference_prefix"] = (out["reference_prefix"] or "").strip().upper()
        if not PREFIX_RE.match(out["reference_prefix"]):
            errors["reference_prefix"] = [_l("Use 2 to 8 capital letters, e.g. KTB.")]
    if "default_language" in out and out["default_language"] not in current_app.config["LANGUAGES"]:
        errors["default_language"] = [_l("Choose Indonesian or English.")]
    if "time_zone" in out and out["time_zone"] not in TIME_ZONES:
        errors["time_zone"] = [_l("Choose WIB, WITA or WIT.")]
    if "contact" in out:
        out["contact"] = (out["contact"] or "").strip()[:300] or None
    if errors:
        raise ValidationFailed(errors)
    return out


def save(values: dict[str, str | None], actor=None) -> None:
    """Store settings (flushed); ``None`` or empty removes a setting (back to the configuration).

    Raises:
        ValidationFailed: see :func:`validate`.
    """
    for key, value in validate(values).items():
        if key not in FALLBACKS:
            raise KeyError(key)
        row = db.session.get(SiteSetting, key)
        if not value:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = SiteSetting(key=key, value=value)
            db.session.add(row)
        row.value, row.updated_by_id = value, actor.id if actor is not None else None
    db.session.flush()
    if has_app_context():
        g.pop("site_settings", None)
