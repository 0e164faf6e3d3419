"""The editable legal and help pages: read with defaults, saved by admins."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..errors import ValidationFailed
from ..extensions import db
from .defaults import PAGES
from .models import Page

SLUGS = tuple(PAGES)


def get_page(slug: str) -> Page | None:
    """The page ``slug`` as stored, else its default text (an unsaved :class:`Page`); ``None``
    for an unknown slug."""
    page = db.session.get(Page, slug)
    if page is None and slug in PAGES:
        page = Page(slug=slug, **PAGES[slug])
    return page


def save_page(slug: str, *, title_id: str, title_en: str, body_id: str, body_en: str, actor=None) -> Page:
    """Store a page's titles and Markdown bodies in both languages (flushed).

    Raises:
        ValidationFailed: an unknown slug or an empty title.
    """
    if slug not in PAGES:
        raise ValidationFailed({"": [_l("No such page.")]})
    if not (title_id or "").strip() or not (title_en or "").strip():
        raise ValidationFailed({"title_id": [_l("Give the page a title in both languages.")]})
    if not (body_id or "").strip() or not (body_en or "").strip():
        raise ValidationFailed({"body_id": [_l("Write the page in both languages: an empty page would leave "
                                               "respondents without it.")]})
    page = db.session.get(Page, slug) or Page(slug=slug)
    page.title_id, page.title_en = title_id.strip(), title_en.strip()
    page.body_id, page.body_en = body_id or "", body_en or ""
    page.updated_by_id = getattr(actor, "id", None)
    db.session.add(page)
    db.session.flush()
    return page
