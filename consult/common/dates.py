"""Showing times: stored in UTC, shown in the display time zone (WIB) in the interface language."""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_time


def format_wib(value: datetime | None) -> str:
    """Format an aware UTC datetime to the minute in the display time zone and current locale.

    E.g. ``13 Des 2026 15.53 WIB`` in Indonesian, ``Dec 13, 2026 3:53 PM WIB`` in English;
    ``None`` gives ``"—"``. Needs an app context (Flask-Babel).
    """
    if value is None:
        return "—"
    return f"{format_date(value, 'medium')} {format_time(value, 'short')} WIB"
