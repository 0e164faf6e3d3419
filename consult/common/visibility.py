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
and check that hidden and pending text never appears; every other route outside ``/staff/``
declares with :func:`not_a_surface` why it shows no user content, and the test fails on a route
that does neither.
"""
from __future__ import annotations

import enum
from collections.abc import Callable

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


# endpoint name → view function of every public read of user content
PUBLIC_SURFACES: dict[str, Callable] = {}

# endpoint name → why it is not a public surface (it shows no user content to the public)
NOT_SURFACES: dict[str, str] = {"static": "files of the repository's static/ folder"}

# URL prefix of staff pages: every route under it requires a signed-in user with a role
STAFF_PREFIX = "/staff/"


def public_surface(endpoint: str):
    """Register a view function as a public surface under ``endpoint`` (``blueprint.view``).

    Use as a decorator below ``@bp.route``. Tests walk :data:`PUBLIC_SURFACES` and request each
    endpoint with content that must not leak.
    """

    def decorator(view):
        PUBLIC_SURFACES[endpoint] = view
        return view

    return decorator


def not_a_surface(endpoint: str, why: str):
    """Declare that the public route ``endpoint`` shows no user content to the public, saying
    ``why`` (e.g. "the respondent's private receipt, reached only with its secret token").

    Every route outside :data:`STAFF_PREFIX` must be either a :func:`public_surface` or declared
    here; ``tests/test_visibility.py`` fails on any route that is neither.
    """

    def decorator(view):
        NOT_SURFACES[endpoint] = why
        return view

    return decorator
