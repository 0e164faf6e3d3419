"""Permission checks for views."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from .models import Role


def require_role(consultation, role: Role) -> None:
    """Abort with 403 unless the signed-in user is admin or holds ``role`` on ``consultation``."""
    if not current_user.is_authenticated or not current_user.has_role(role, consultation.id):
        abort(403)
