"""Showing times: stored in UTC, shown in the display time zone (WIB) in the interface language."""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_time


def format_wib(value: datetime | None) -> str:
    """Format an aware UTC datetime to the minute in the display time zone (the signed-in user's
    choice, else the site's) and the current locale.

    E.g. ``13 Des 2026 15.53 WIB`` in Indonesian, ``Dec 13, 2026 3:53 PM WIB`` in English (WITA or
    WIT when the site is set to those zones);
    ``None`` gives ``"—"``. Needs an app context (Flask-Babel).
    """
    if value is None:
        return "—"
    from ..site.settings import zone_abbreviation

    return f"{format_date(value, 'medium')} {format_time(value, 'short')} {zone_abbreviation()}"


def to_local(value: datetime | None) -> datetime | None:
    """An aware UTC datetime as a naive one in the display time zone (the user's choice, else the
    site's), for a datetime-local field."""
    from zoneinfo import ZoneInfo

    from .i18n import select_timezone

    if value is None:
        return None
    return value.astimezone(ZoneInfo(select_timezone())).replace(tzinfo=None)


def from_local(value: datetime | None) -> datetime | None:
    """A naive datetime typed in the display time zone, as an aware UTC datetime."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    from .i18n import select_timezone

    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(select_timezone())).astimezone(timezone.utc)
