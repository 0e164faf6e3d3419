"""User accounts and per-consultation roles."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..common.mixins import TimestampMixin
from ..common.types import UTCDateTime
from ..extensions import db


class Role(str, enum.Enum):
    """A role granted on one consultation. (Admin is site-wide: :attr:`User.is_admin`.)"""

    moderator = "moderator"
    drafter = "drafter"


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in: staff now, respondents with accounts later.

    ``password_hash`` is an Argon2id hash (argon2-cffi); ``None`` means the account cannot log in
    with a password.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False, nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list["ConsultationRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        """Whether the account may sign in."""
        return self.active

    def has_role(self, role: Role, consultation_id: int) -> bool:
        """True if the user is admin, or holds ``role`` on the consultation with that id."""
        if self.is_admin:
            return True
        return any(r.role == role and r.consultation_id == consultation_id for r in self.roles)

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
