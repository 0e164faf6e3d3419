"""Interface language: Indonesian by default, English on request.

The choice is made with ``/language/<code>`` (links in the page header) or ``?lang=`` on any URL,
and kept in the session; a signed-in user's saved preference comes next, then the browser's
Accept-Language, then the site's default language (Indonesian).
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)

from .visibility import not_a_surface

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """Flask-Babel locale selector: ``?lang=``, then the session, then the site's default language
    (the JSON API: ``Accept-Language``, else English).

    Outside a request (CLI, jobs) ``CLI_LOCALE`` applies (English: the CLI's own words are English).
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["CLI_LOCALE"]
    if request.path.startswith("/api/"):
        # the JSON API keeps no session: Accept-Language, else English (messages are for developers;
        # a channel relaying them to respondents asks for "id")
        return request.accept_languages.best_match(languages) or "en"
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    preferred = _user_setting("language")
    if preferred in languages:
        return preferred
    browser = request.accept_languages.best_match(languages)
    if browser:
        return browser
    from ..site import settings

    default = settings.get("default_language")
    return default if default in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _user_setting(name: str) -> str | None:
    """A signed-in user's saved ``language`` or ``time_zone`` (``None`` outside a request)."""
    if not has_request_context():
        return None
    from flask_login import current_user

    return getattr(current_user, name, None) if current_user and current_user.is_authenticated else None


def select_timezone() -> str:
    """Flask-Babel time-zone selector: the signed-in user's choice, else the site's (WIB, WITA or WIT)."""
    from ..site import settings

    chosen = _user_setting("time_zone")
    if chosen in settings.TIME_ZONES:
        return chosen
    return settings.get("time_zone") or current_app.config["BABEL_DEFAULT_TIMEZONE"]


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a local path on this site, else ``fallback`` (no open redirects).

    Refused: anything with a scheme or host, protocol-relative ``//host``, any backslash
    (browsers read ``/\\host`` and ``\\/host`` as ``//host``), control characters or whitespace
    (an encoded tab inside ``/%09/host`` is dropped by browsers), checked both as given and
    percent-decoded; longer than 2,000 characters.
    """
    if not target or len(target) > 2000:
        return fallback
    for candidate in (target, unquote(target), unquote(unquote(target))):
        if not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
            return fallback
        if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
            return fallback
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return fallback
    return target


@bp.route("/language/<code>")
@not_a_surface("i18n.set_language", "sets the interface language and redirects back")
def set_language(code: str):
    """Remember the chosen interface language and go back to where the visitor was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("consultations.list_consultations")))


def init_app(app) -> None:
    """Register the language switch route."""
    app.register_blueprint(bp)
