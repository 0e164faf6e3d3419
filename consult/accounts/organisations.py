"""Organisations and their representatives: a user asks to speak for an organisation with
evidence; an admin verifies or refuses with a reason. Submissions sent on behalf of an
organisation carry the claim, so pages and theme statistics can mark them verified or not."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.types import utcnow
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from .models import (
    ClaimStatus,
    Organisation,
    OrganisationKind,
    RepresentativeClaim,
    User,
)

MAX_NAME = 300


class ClaimNotAllowed(DomainError):
    """The claim cannot be made or decided in its current state."""


def name_key(name: str) -> str:
    """The matching key of an organisation name: case-folded, inner spaces squeezed, trimmed."""
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


def find_or_create(name: str, kind: OrganisationKind | str, website: str | None = None) -> Organisation:
    """The organisation named ``name`` (compared by :func:`name_key`), created if new (flushed).

    Raises:
        ValidationFailed: empty or longer than ``MAX_NAME`` characters; unknown kind; a website
            that is not an http(s) address. (An existing organisation keeps its kind and website;
            an admin sees each claimant's evidence before verifying.)
    """
    clean = re.sub(r"\s+", " ", (name or "").strip())
    if not clean or len(clean) > MAX_NAME:
        raise ValidationFailed({"organisation": [_l("Give the organisation's name (at most %(n)d characters).",
                                                    n=MAX_NAME)]})
    try:
        kind = OrganisationKind(kind)
    except ValueError as exc:
        raise ValidationFailed({"kind": [_l("Choose what kind of organisation it is.")]}) from exc
    website = (website or "").strip() or None
    if website and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", website, re.IGNORECASE):
        raise ValidationFailed({"website": [_l("Give a web address starting with https:// or http://.")]})
    org = db.session.scalar(select(Organisation).where(Organisation.name_key == name_key(clean)))
    if org is None:
        org = Organisation(name=clean, name_key=name_key(clean), kind=kind, website=website)
        db.session.add(org)
        db.session.flush()
    return org


def claim(user: User, organisation: Organisation, *, position: str, evidence) -> RepresentativeClaim:
    """``user`` asks to speak for ``organisation`` (flushed; status ``pending``).

    Args:
        position: the user's position in the organisation (e.g. "Ketua").
        evidence: a :class:`~consult.common.files.StoredFile` (an official letter: PDF or image).

    Raises:
        ValidationFailed: no position.
        ClaimNotAllowed: the user already claimed this organisation (a refused claim may be made
            again: it is reopened with the new evidence).
    """
    position = (position or "").strip()
    if not position or len(position) > 200:
        raise ValidationFailed({"position": [_l("Give your position in the organisation.")]})
    existing = db.session.scalar(select(RepresentativeClaim).where(
        RepresentativeClaim.user_id == user.id, RepresentativeClaim.organisation_id == organisation.id))
    if existing is not None and existing.status is not ClaimStatus.refused:
        raise ClaimNotAllowed("you already asked to speak for this organisation")
    row = existing or RepresentativeClaim(user_id=user.id, organisation_id=organisation.id)
    row.position, row.status, row.reason, row.decided_by_id, row.decided_at = position, ClaimStatus.pending, None, None, None
    for attr in ("filename", "stored_name", "content_type", "size_bytes", "sha256"):
        setattr(row, attr, getattr(evidence, attr))
    db.session.add(row)
    db.session.flush()
    return row


def decide(row: RepresentativeClaim, actor: User, *, verify: bool, reason: str | None = None) -> None:
    """An admin verifies or refuses a pending claim (flushed). Refusing needs a reason, which the
    claimant reads on their account page.

    Raises:
        ClaimNotAllowed: the claim is not pending.
        ValidationFailed: refusing without a reason.
    """
    if row.status is not ClaimStatus.pending:
        raise ClaimNotAllowed("this claim was already decided")
    reason = (reason or "").strip() or None
    if not verify and not reason:
        raise ValidationFailed({"reason": [_l("Say why the claim is refused.")]})
    row.status = ClaimStatus.verified if verify else ClaimStatus.refused
    row.reason, row.decided_by_id, row.decided_at = reason, actor.id, utcnow()
    db.session.flush()


def claims_of(user: User) -> list[RepresentativeClaim]:
    """The user's claims, newest first."""
    return list(db.session.scalars(select(RepresentativeClaim).where(RepresentativeClaim.user_id == user.id)
                                   .order_by(RepresentativeClaim.id.desc())))


def usable_claims(user: User) -> list[RepresentativeClaim]:
    """Claims the user may respond under: verified, and pending (shown as not verified yet)."""
    return [c for c in claims_of(user) if c.status is not ClaimStatus.refused]


def pending_claims() -> list[RepresentativeClaim]:
    """Claims waiting for an admin, oldest first."""
    return list(db.session.scalars(select(RepresentativeClaim).where(RepresentativeClaim.status == ClaimStatus.pending)
                                   .order_by(RepresentativeClaim.id)))
