"""Reading consultations."""
from __future__ import annotations

from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from .models import Consultation, Lifecycle, State


def get_by_slug(slug: str, *, include_drafts: bool = False) -> Consultation:
    """The consultation with ``slug``.

    Raises:
        NotFound: no such consultation, or it is a draft and ``include_drafts`` is false.
    """
    stmt = select(Consultation).where(Consultation.slug == slug)
    if not include_drafts:
        stmt = stmt.where(Consultation.lifecycle == Lifecycle.published)
    consultation = db.session.scalar(stmt)
    if consultation is None:
        raise NotFound(f"no consultation with slug {slug!r}")
    return consultation


_STATE_ORDER = {State.open: 0, State.scheduled: 1, State.closed: 2, State.answered: 3, State.draft: 4}


def public_topics() -> list[str]:
    """The distinct topics of published consultations, alphabetically."""
    return sorted({t for (t,) in db.session.execute(select(Consultation.topic).where(
        Consultation.lifecycle == Lifecycle.published, Consultation.topic.is_not(None))) if t})


def public_list(*, state: str | None = None, topic: str | None = None) -> list[Consultation]:
    """Published consultations: open first (closing soonest first), then scheduled, then past.

    ``state`` keeps one state ("open", "scheduled", "closed", "answered"; anything else: all);
    ``topic`` keeps one topic (compared case-insensitively).
    """
    rows = db.session.scalars(select(Consultation).where(Consultation.lifecycle == Lifecycle.published)).all()
    if state in {s.value for s in State}:
        rows = [c for c in rows if c.state.value == state]
    if topic:
        rows = [c for c in rows if (c.topic or "").casefold() == topic.casefold()]

    def order(c: Consultation):
        state = c.state
        when = c.opens_at if state is State.scheduled else c.closes_at
        stamp = when.timestamp() if when else float("inf")
        # open and scheduled: soonest first; closed and answered: most recently closed first
        return (_STATE_ORDER[state], stamp if state in (State.open, State.scheduled) else -stamp, c.id)

    return sorted(rows, key=order)

