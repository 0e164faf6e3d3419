"""Template filters and globals."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from ..text.markdown import render_markdown
from .dates import format_wib


def wib(value: datetime | None) -> str:
    """Template filter: see :func:`consult.common.dates.format_wib` (``None`` gives ``""``)."""
    return format_wib(value) if value is not None else ""


def markdown_filter(source: str | None) -> Markup:
    """Render sanitised Markdown (see :func:`consult.text.markdown.render_markdown`)."""
    return Markup(render_markdown(source))


def url_for_language(code: str) -> str:
    """Link that switches the interface to ``code`` and comes back to this page.

    A ``lang`` query argument of the current URL is dropped, or it would win over the switch.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    path = request.path + (("?" + urlencode(args)) if args else "")
    return url_for("i18n.set_language", code=code, next=path)


def number(value: int | float | None) -> str:
    """Template filter: a count in the interface language's digit grouping (``1.234`` in
    Indonesian, ``1,234`` in English), via Babel's ``format_decimal``; ``None`` gives ``""``."""
    from flask_babel import format_decimal

    return format_decimal(value) if value is not None else ""


def isodate(value: str | None) -> datetime | None:
    """Template filter: an ISO 8601 string (as stored in event logs) back to a datetime."""
    return datetime.fromisoformat(value) if value else None


def legal_page(slug: str) -> tuple[str, str]:
    """Template global: ``(title, Markdown body)`` of a legal page in the interface language."""
    from ..site.pages import get_page

    page = get_page(slug)
    if page is None:
        return "", ""
    english = str(get_locale()) == "en"
    return (page.title_en, page.body_en) if english else (page.title_id, page.body_id)


def field_label(name: str) -> str:
    """Template filter: the translated label of a consultation field named in the event log."""
    from flask_babel import gettext as _

    labels = {"title": _("Title"), "topic": _("Topic (optional)"), "summary": _("Summary (one or two sentences)"),
              "body": _("Background (Markdown)"), "opens_at": _("Opens"), "closes_at": _("Closes"),
              "moderation_mode": _("Moderation"), "participation": _("Who may respond")}
    return labels.get(name, name)


def init_app(app) -> None:
    """Register filters ``markdown`` and ``wib`` and globals for the layout."""
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.filters["wib"] = wib
    app.jinja_env.filters["isodate"] = isodate
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["field_label"] = field_label
    app.jinja_env.globals["url_for_language"] = url_for_language
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    from ..site import settings

    app.jinja_env.globals["site_setting"] = settings.get
    app.jinja_env.globals["legal_page"] = legal_page
    app.jinja_env.globals["time_zone_label"] = settings.zone_abbreviation
    app.jinja_env.add_extension("jinja2.ext.do")
