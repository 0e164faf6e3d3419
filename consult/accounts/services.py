"""Accounts: creating users, passwords (Argon2id via argon2-cffi), granting roles."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..common.types import utcnow
from ..errors import ValidationFailed
from ..extensions import db
from .models import ConsultationRole, Role, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    """Check and normalise an e-mail address (lowercase).

    Raises:
        ValidationFailed: ``{"email": [...]}`` when the address is malformed.
    """
    try:
        return validate_email(email or "", check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": [_l("This e-mail address is not valid.")]}) from exc


def get_by_email(email: str) -> User | None:
    """The user with that e-mail address (case-insensitive), or ``None``."""
    return db.session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))


def set_password(user: User, password: str) -> None:
    """Hash and set a password.

    Raises:
        ValidationFailed: ``{"password": [...]}`` if shorter than ``MIN_PASSWORD_LENGTH``.
    """
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": [_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)]})
    user.password_hash = _hasher.hash(password)


def create_user(email: str, password: str, *, name: str | None = None, is_admin: bool = False) -> User:
    """Create a staff user (flushed).

    Raises:
        ValidationFailed: malformed or taken e-mail, or a short password.
    """
    email = normalise_email(email)
    if get_by_email(email) is not None:
        raise ValidationFailed({"email": [_l("An account with this e-mail address already exists.")]})
    user = User(email=email, name=name, is_admin=is_admin)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(user: User, consultation, role: Role) -> ConsultationRole:
    """Give ``user`` ``role`` on ``consultation`` (idempotent; flushed)."""
    for existing in user.roles:
        if existing.consultation_id == consultation.id and existing.role == role:
            return existing
    grant = ConsultationRole(user=user, consultation_id=consultation.id, role=role)
    db.session.add(grant)
    db.session.flush()
    return grant


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or ``None``.

    Rehashes the password when Argon2 parameters have changed and records the login time
    (flushed). Spends the same hashing time whether or not the account exists.
    """
    user = get_by_email(email)
    if user is None or not user.password_hash or not user.active:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


_DUMMY_HASH = _hasher.hash("not-a-real-password")
