"""User accounts and per-consultation roles."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..common.mixins import StoredFileMixin, TimestampMixin
from ..common.types import UTCDateTime, utcnow
from ..extensions import db


class Role(str, enum.Enum):
    """A role granted on one consultation. (Admin is site-wide: :attr:`User.is_admin`.)"""

    moderator = "moderator"
    drafter = "drafter"


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in: a respondent, an organisation's representative, or staff.

    ``password_hash`` is an Argon2id hash (argon2-cffi); ``None`` means the account cannot log in
    with a password. ``email_verified_at`` is set when the owner follows the link sent on
    registration (staff created by an admin or the CLI start verified); until then the account
    cannot sign in. Being a moderator or drafter is a :class:`ConsultationRole`; being an
    organisation's representative is a verified :class:`RepresentativeClaim`.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(String(200))
    # interface language and time zone the user chose (None: the site's)
    language: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False, nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # random; part of every session and "keep me signed in" cookie. A new one (password change,
    # reset, sign-out, suspension) ends every session of the account, and a cookie of a deleted
    # account can never open another account that later gets the same id.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16), nullable=False)
    # an admin's suspension (until a time) or ban (no end) for repeated abuse, with the reason
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banned: Mapped[bool] = mapped_column(default=False, nullable=False)
    suspension_reason: Mapped[str | None] = mapped_column(Text)

    roles: Mapped[list["ConsultationRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        """Whether the account may sign in: active, not banned, not suspended now."""
        if not self.active or self.banned:
            return False
        return self.suspended_until is None or self.suspended_until <= utcnow()

    def has_role(self, role: Role, consultation_id: int) -> bool:
        """True if the user is admin, or holds ``role`` on the consultation with that id."""
        if self.is_admin:
            return True
        return any(r.role == role and r.consultation_id == consultation_id for r in self.roles)

    def get_id(self) -> str:
        """Flask-Login's identifier in the session and remember cookie: ``<id>:<session_token>``."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this account (flush to take effect)."""
        self.session_token = secrets.token_hex(16)

    @property
    def is_staff(self) -> bool:
        """Admin, or moderator or drafter on at least one consultation."""
        return self.is_admin or bool(self.roles)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class ConsultationRole(TimestampMixin, db.Model):
    """``user`` holds ``role`` (moderator or drafter) on one consultation."""

    __tablename__ = "consultation_roles"
    __table_args__ = (UniqueConstraint("user_id", "consultation_id", "role",
                                       name="uq_consultation_roles_user_consultation_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[Role] = mapped_column(Enum(Role, name="role", native_enum=False, length=16), nullable=False)

    user: Mapped[User] = relationship(back_populates="roles")
    consultation = relationship("Consultation")


class RoleChange(db.Model):
    """One grant or revocation of a role (``moderator``, ``drafter`` on a consultation, or
    site-wide ``admin``): who, to whom, when. Append-only, like the moderation log."""

    __tablename__ = "role_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    user_email: Mapped[str] = mapped_column(String(254), nullable=False)  # as it was, for the record
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    action: Mapped[str] = mapped_column(String(8), nullable=False)  # "grant" or "revoke"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    actor = relationship("User", foreign_keys=[actor_id], viewonly=True)
    consultation = relationship("Consultation", viewonly=True)


@event.listens_for(RoleChange, "before_update")
def _no_role_change_update(mapper, connection, target):  # the database may still SET NULL a deleted user
    raise RuntimeError("the role log is append-only")


@event.listens_for(RoleChange, "before_delete")
def _no_role_change_delete(mapper, connection, target):
    raise RuntimeError("the role log is append-only")


class AccountEvent(db.Model):
    """An admin suspended, banned or reinstated an account, with the reason (append-only)."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    user_email: Mapped[str] = mapped_column(String(254), nullable=False)
    action: Mapped[str] = mapped_column(String(12), nullable=False)  # suspend, ban, reinstate
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ConsentRecord(db.Model):
    """A consent given or withdrawn, with its purpose, wording and time (UU PDP No. 27/2022,
    art. 20–22: consent must be recorded and provable).

    ``purpose`` is ``account`` (keeping an account to take part and be told about answers) or
    ``publish`` (publishing and quoting one submission). ``wording`` is the exact text the
    person agreed to. The user link is cleared when the account is deleted.
    """

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    granted: Mapped[bool] = mapped_column(nullable=False)
    wording: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class OrganisationKind(str, enum.Enum):
    """What kind of body an organisation is."""

    government_unit = "government_unit"
    university = "university"
    professional_body = "professional_body"
    union = "union"
    ngo = "ngo"
    business = "business"
    community = "community"
    other = "other"


class ClaimStatus(str, enum.Enum):
    """Where a request to speak for an organisation stands."""

    pending = "pending"
    verified = "verified"
    refused = "refused"


class Organisation(TimestampMixin, db.Model):
    """A body that responds to consultations: a professional body, university, union, unit …

    It is *verified* when an admin has verified at least one representative's claim to speak for
    it (:class:`RepresentativeClaim`).
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    name_key: Mapped[str] = mapped_column(String(300), unique=True, nullable=False)  # casefolded, spaces squeezed
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(OrganisationKind, name="organisation_kind", native_enum=False, length=24), nullable=False)
    website: Mapped[str | None] = mapped_column(String(300))

    claims: Mapped[list["RepresentativeClaim"]] = relationship(back_populates="organisation",
                                                                cascade="all, delete-orphan")

    @property
    def verified(self) -> bool:
        """True when an admin verified someone's claim to speak for it."""
        return any(c.status is ClaimStatus.verified for c in self.claims)


class RepresentativeClaim(StoredFileMixin, TimestampMixin, db.Model):
    """A user's request to speak for an organisation, with evidence (an official letter: PDF
    or image, stored under ``UPLOAD_DIR``), verified or refused by an admin with a reason."""

    __tablename__ = "representative_claims"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_representative_claims_user_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    position: Mapped[str] = mapped_column(String(200), nullable=False)  # e.g. "Ketua", "Sekretaris"
    status: Mapped[ClaimStatus] = mapped_column(
        Enum(ClaimStatus, name="claim_status", native_enum=False, length=16), default=ClaimStatus.pending,
        nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship(back_populates="claims")
