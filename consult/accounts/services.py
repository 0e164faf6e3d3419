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
from .models import ConsentRecord, ConsultationRole, Role, RoleChange, User

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
    if user.id is not None:
        user.end_sessions()  # a new password signs every other device out


def create_user(email: str, password: str, *, name: str | None = None, is_admin: bool = False,
                verified: bool = True) -> User:
    """Create a user (flushed). Users made by an admin or the CLI start verified; respondents who
    register themselves (:func:`register`) start unverified.

    Raises:
        ValidationFailed: malformed or taken e-mail, or a short password.
    """
    email = normalise_email(email)
    if get_by_email(email) is not None:
        raise ValidationFailed({"email": [_l("An account with this e-mail address already exists.")]})
    user = User(email=email, name=name, is_admin=is_admin, email_verified_at=utcnow() if verified else None)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def _log_role(actor: User | None, user: User, role: str, action: str, consultation=None) -> None:
    db.session.add(RoleChange(actor_id=actor.id if actor else None, user_id=user.id, user_email=user.email,
                              consultation_id=consultation.id if consultation is not None else None,
                              role=role, action=action))


def grant_role(user: User, consultation, role: Role, *, actor: User | None = None) -> ConsultationRole:
    """Give ``user`` ``role`` on ``consultation`` (idempotent; flushed); a new grant is logged in
    :class:`~consult.accounts.models.RoleChange` with ``actor`` (``None``: the CLI or the seed)."""
    role = Role(role)
    for existing in user.roles:
        if existing.consultation_id == consultation.id and existing.role == role:
            return existing
    grant = ConsultationRole(user=user, consultation_id=consultation.id, role=role)
    db.session.add(grant)
    _log_role(actor, user, role.value, "grant", consultation)
    db.session.flush()
    return grant


def revoke_role(user: User, consultation, role: Role, *, actor: User | None = None) -> bool:
    """Take ``role`` on ``consultation`` from ``user`` (flushed, logged). Returns whether they had it."""
    role = Role(role)
    for existing in list(user.roles):
        if existing.consultation_id == consultation.id and existing.role == role:
            user.roles.remove(existing)
            _log_role(actor, user, role.value, "revoke", consultation)
            db.session.flush()
            return True
    return False


class LastAdmin(ValidationFailed):
    """Refused: this would leave the site without an admin."""


def set_admin(user: User, is_admin: bool, *, actor: User | None = None) -> None:
    """Make ``user`` a site admin or not (flushed, logged).

    Raises:
        LastAdmin: removing the last active admin.
    """
    if user.is_admin == is_admin:
        return
    if not is_admin:
        if admin_count() <= 1:
            raise LastAdmin({"admin": [_l("The site needs at least one admin.")]})
    user.is_admin = is_admin
    _log_role(actor, user, "admin", "grant" if is_admin else "revoke")
    db.session.flush()


def admin_count() -> int:
    """Active site admins."""
    return db.session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True),
                                                                          User.active.is_(True))) or 0


def role_log(user: User | None = None, limit: int = 200) -> list[RoleChange]:
    """Role grants and revocations, newest first (of ``user`` when given)."""
    stmt = select(RoleChange).order_by(RoleChange.id.desc()).limit(limit)
    if user is not None:
        stmt = stmt.where(RoleChange.user_id == user.id)
    return list(db.session.scalars(stmt))


def record_consent(*, purpose: str, granted: bool, wording: str, language: str, user: User | None = None,
                   submission=None) -> ConsentRecord:
    """Record a consent given or refused, with its exact wording and language (flushed)."""
    row = ConsentRecord(user_id=user.id if user else None, submission_id=submission.id if submission else None,
                        purpose=purpose, granted=granted, wording=str(wording), language=language)
    db.session.add(row)
    db.session.flush()
    return row


def register(email: str, password: str, *, name: str | None, consent_wording: str, language: str) -> tuple[User, bool]:
    """A respondent registers (flushed). The account cannot sign in until the e-mail address is
    verified (:func:`verify_email`); the consent to keep the account is recorded.

    Returns:
        ``(user, created)``. When the address already has an account, that account is returned
        with ``created`` false and nothing changes: the caller answers exactly as for a new
        account and tells the owner by e-mail, so the form reveals nothing about who is registered.

    Raises:
        ValidationFailed: malformed e-mail or a short password (checked before the lookup).
    """
    email = normalise_email(email)
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": [_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)]})
    existing = get_by_email(email)
    if existing is not None:
        _hasher.hash(password)  # the same work either way: no timing difference
        return existing, False
    user = create_user(email, password, name=(name or "").strip() or None, verified=False)
    record_consent(purpose="account", granted=True, wording=consent_wording, language=language, user=user)
    return user, True


# --- signed, expiring tokens for e-mail verification and password reset -----------------------

VERIFY_MAX_AGE = 3 * 24 * 3600    # seconds
RESET_MAX_AGE = 2 * 3600          # seconds


def _fingerprint(user: User) -> str:
    """Changes when the password, address or verification changes: a used token stops working."""
    import hashlib

    basis = f"{user.password_hash}|{user.email}|{user.email_verified_at}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str, secret: str) -> str:
    """A URL-safe token for ``purpose`` (``verify`` or ``reset``), signed with ``secret`` and
    timestamped (itsdangerous ``URLSafeTimedSerializer``); single-use through the user's
    fingerprint."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt=f"consult-{purpose}").dumps({"u": user.id, "f": _fingerprint(user)})


def read_token(token: str, purpose: str, secret: str, max_age: int) -> User | None:
    """The user a valid, unexpired, unused token of ``purpose`` names, or ``None``."""
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    try:
        data = URLSafeTimedSerializer(secret, salt=f"consult-{purpose}").loads(token or "", max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("f") != _fingerprint(user):
        return None
    return user


def verify_email(token: str, secret: str) -> User | None:
    """Mark the address of the token's user verified (flushed); ``None`` for a bad token."""
    user = read_token(token, "verify", secret, VERIFY_MAX_AGE)
    if user is not None and user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
    return user


def reset_password(token: str, password: str, secret: str) -> User | None:
    """Set a new password with a reset token (flushed); ``None`` for a bad or used token.
    Following a reset link also proves the address, so it verifies it.

    Raises:
        ValidationFailed: a short password.
    """
    user = read_token(token, "reset", secret, RESET_MAX_AGE)
    if user is None:
        return None
    set_password(user, password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.flush()
    return user


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


# --- suspensions and bans ---------------------------------------------------------------------

def _account_event(actor: User | None, user: User, action: str, *, until=None, reason: str | None = None) -> None:
    from .models import AccountEvent

    db.session.add(AccountEvent(actor_id=getattr(actor, "id", None), user_id=user.id, user_email=user.email,
                                action=action, until=until, reason=reason))


def suspend(user: User, actor: User, *, reason: str, until=None) -> None:
    """Suspend ``user`` until ``until`` (an aware datetime), or ban them when ``until`` is
    ``None``, for repeated abuse (flushed, logged). They cannot sign in meanwhile.

    Raises:
        ValidationFailed: no reason; ``until`` not in the future; suspending yourself or an admin.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_l("Give the reason; the person is told it.")]})
    if user.id == actor.id or user.is_admin:
        raise ValidationFailed({"reason": [_l("Admins cannot be suspended; remove their admin role first.")]})
    if until is not None and until <= utcnow():
        raise ValidationFailed({"until": [_l("Choose a time in the future, or ban without an end.")]})
    user.suspended_until, user.banned, user.suspension_reason = until, until is None, reason
    user.end_sessions()
    _account_event(actor, user, "ban" if until is None else "suspend", until=until, reason=reason)
    db.session.flush()


def reinstate(user: User, actor: User) -> None:
    """Lift a suspension or ban (flushed, logged)."""
    user.suspended_until, user.banned, user.suspension_reason = None, False, None
    _account_event(actor, user, "reinstate")
    db.session.flush()


def account_events(user: User) -> list:
    """Suspensions, bans and reinstatements of ``user``, newest first."""
    from .models import AccountEvent

    return list(db.session.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id)
                                   .order_by(AccountEvent.id.desc())))
