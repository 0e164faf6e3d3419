"""THE visibility gate: one rule for what is analysed, counted, shown and quoted.

It implements the table "What counts where" (ARCHITECTURE.md):

=========================  ===========  ===========  ===========
moderation state           ANALYSIS     PUBLIC       QUOTABLE
=========================  ===========  ===========  ===========
published, consent         yes          yes          yes
published, no consent      yes          number only  no
pending review             yes          no           no
hidden                     no           no           no
=========================  ===========  ===========  ===========

``ANALYSIS`` covers staff pages and drafter exports; ``PUBLIC`` covers counts on public pages and
open data; ``QUOTABLE`` covers any verbatim text shown publicly (quotes, and text labels draw on).

Every public page registers itself with :func:`public_surface`, so a test can walk all of them
and check that hidden and pending text never appears.
"""
from __future__ import annotations

import enum
from typing import Callable

from sqlalchemy import Select, and_

from .mixins import ModeratedMixin, ModerationStatus


class Audience(enum.Enum):
    """Who a read is for; decides which moderation states pass the gate."""

    ANALYSIS = "analysis"
    PUBLIC = "public"
    QUOTABLE = "quotable"


def visibility_clause(model: type[ModeratedMixin], audience: Audience):
    """The SQL condition under which rows of ``model`` reach ``audience``."""
    status = model.moderation_status
    if audience is Audience.ANALYSIS:
        return status.in_((ModerationStatus.published, ModerationStatus.pending))
    if audience is Audience.PUBLIC:
        return status == ModerationStatus.published
    return and_(status == ModerationStatus.published, model.consent_clause())


def visible(stmt: Select, model: type[ModeratedMixin], audience: Audience) -> Select:
    """Filter ``stmt`` (a SELECT involving ``model``) to the rows ``audience`` may see."""
    return stmt.where(visibility_clause(model, audience))


def passes(item: ModeratedMixin, audience: Audience) -> bool:
    """Python-side twin of :func:`visibility_clause` for a row already loaded."""
    status = item.moderation_status
    if audience is Audience.ANALYSIS:
        return status in (ModerationStatus.published, ModerationStatus.pending)
    if audience is Audience.PUBLIC:
        return status == ModerationStatus.published
    return status == ModerationStatus.published and item.consent_given


# endpoint name → function(app) returning example URLs to visit (test data decides the arguments)
PUBLIC_SURFACES: dict[str, Callable] = {}


def public_surface(endpoint: str):
    """Register a view function as a public surface under ``endpoint`` (``blueprint.view``).

    Use as a decorator below ``@bp.route``. Tests walk :data:`PUBLIC_SURFACES` and request each
    endpoint with content that must not leak.
    """

    def decorator(view):
        PUBLIC_SURFACES[endpoint] = view
        return view

    return decorator
