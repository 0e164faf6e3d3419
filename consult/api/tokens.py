"""API token rules: who may hold which scope, creating, revoking and checking tokens.

A token is ``cst_`` followed by 43 URL-safe random characters (32 bytes from :mod:`secrets`);
only its SHA-256 is stored, so a database leak reveals no usable token.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.types import utcnow
from ..errors import ValidationFailed
from ..extensions import db
from .models import ApiToken

PREFIX = "cst_"
SCOPES = ("read", "submit", "moderate", "analyse")
SCOPE_LABELS = {
    "read": _l("Read: consultations, published submissions, comments, themes and responses"),
    "submit": _l("Submit: send submissions on respondents' behalf (a partner channel)"),
    "moderate": _l("Moderate: the moderation queue and actions of your consultations"),
    "analyse": _l("Analyse: start analyses and exports of your consultations"),
}
MAX_TOKENS = 20  # live tokens per account
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often


def hash_secret(secret: str) -> str:
    """The stored form of a token: hex SHA-256 of its text."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def allowed_scopes(user) -> tuple[str, ...]:
    """The scopes ``user`` may put on a token: everyone ``read`` and ``submit`` (what the public
    web form allows anyone); ``moderate`` and ``analyse`` only moderators, drafters and admins —
    and each staff call still checks the role on the consultation it touches."""
    scopes = ["read", "submit"]
    roles = {r.role.value for r in user.roles}
    if user.is_admin or "moderator" in roles:
        scopes.append("moderate")
    if user.is_admin or "drafter" in roles:
        scopes.append("analyse")
    return tuple(scopes)


def create_token(user, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Create a token for ``user`` (flushed).

    Returns:
        ``(row, secret)``: the secret is shown to the owner once and never stored.

    Raises:
        ValidationFailed: no name (or longer than 80 characters), no scope, a scope the user may
            not hold, or ``MAX_TOKENS`` live tokens already.
    """
    name = (name or "").strip()
    errors: dict[str, list] = {}
    if not name or len(name) > 80:
        errors["name"] = [_l("Give the token a name of at most 80 characters, e.g. “SMS gateway”.")]
    chosen = [s for s in SCOPES if s in set(scopes or [])]
    if not chosen or any(s not in allowed_scopes(user) for s in chosen) or set(scopes or []) - set(SCOPES):
        errors["scopes"] = [_l("Choose at least one of the permissions offered.")]
    if len(live_tokens(user)) >= MAX_TOKENS:
        errors[""] = [_l("You have %(n)d tokens: revoke one you no longer use first.", n=MAX_TOKENS)]
    if errors:
        raise ValidationFailed(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:10], scopes=chosen)
    db.session.add(row)
    db.session.flush()
    return row, secret


def live_tokens(user) -> list[ApiToken]:
    """``user``'s tokens not revoked, newest first."""
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .order_by(ApiToken.id.desc())).all()


def revoke_token(row: ApiToken, user) -> None:
    """Revoke ``user``'s own token (flushed); revoking twice changes nothing.

    Raises:
        PermissionError: the token belongs to someone else.
    """
    if row.user_id != user.id:
        raise PermissionError("not your token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()


def authenticate(secret: str | None) -> ApiToken | None:
    """The live token whose text is ``secret`` and whose owner may still sign in, else ``None``.
    Records the use (at most once per ``TOUCH_EVERY``; flushed)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret),
                                                   ApiToken.revoked_at.is_(None)))
    if row is None or row.user is None or not row.user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
        db.session.flush()
    return row
