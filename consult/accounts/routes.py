"""Signing in and out."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from ..common.i18n import safe_next
from ..common.visitors import visitor_key
from ..common.visibility import not_a_surface
from ..extensions import db, limiter
from . import services
from .forms import LoginForm

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    """The account being tried: a fresh device cookie does not buy more guesses at one password."""
    return "login:" + (request.form.get("email") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=visitor_key, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed)
@not_a_surface("accounts.login", "the sign-in form for staff")
def login():
    """Staff sign-in; goes on to ``next`` (a local path) or the staff dashboard."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("E-mail or password is not correct."))
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("analysis.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
@not_a_surface("accounts.logout", "signs out (POST only)")
def logout():
    """Sign out (POST, so a link on another site cannot sign anyone out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("consultations.list_consultations"))
