"""Web pages of the API: the token page of an account, the human-readable API reference built
from the OpenAPI document, and the list of problem codes."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..common.forms import BaseForm, apply_errors
from ..common.visibility import not_a_surface
from ..errors import ValidationFailed
from ..extensions import db
from . import tokens
from .models import ApiToken

bp = Blueprint("api_pages", __name__)

PROBLEM_CODES = {
    "bad_request": "The request could not be understood.",
    "token_required": "The call needs a token (Authorization: Bearer <token>).",
    "token_invalid": "The token is malformed, unknown, revoked, or its account cannot sign in.",
    "scope_missing": "The token lacks the scope the call needs (read, submit, moderate, analyse).",
    "role_missing": "The token's account has no moderator or drafter role on that consultation.",
    "forbidden": "Not allowed.",
    "not_found": "No such consultation, submission, comment, question or job (or not public).",
    "results_not_published": "Themes and responses appear once the drafters publish the results.",
    "method_not_allowed": "The address does not take that HTTP method.",
    "invalid_input": "The request does not match the schema; 'errors' names the fields.",
    "validation_failed": "The submission breaks a rule of the consultation; 'errors' names the fields.",
    "consultation_not_open": "The consultation does not take submissions now (scheduled or closed).",
    "client_token_reused": "This client_token was already used for a submission with other content; use a new key.",
    "withdrawn": "The submission recorded with this client_token was withdrawn by its author; a new one needs a new key.",
    "sign_in_required": "The consultation takes submissions from signed-in accounts only (not through the API).",
    "action_not_applicable": "The moderation action does not apply to the item's state (or hiding needs a reason).",
    "analysis_running": "An analysis of the consultation is already queued or running.",
    "no_analysis": "No analysis has finished yet, so there is no theme table to export.",
    "too_large": "The request body is larger than the site accepts.",
    "unsupported_media_type": "Send JSON (Content-Type: application/json).",
    "rate_limited": "Too many requests for this token (or address); see Retry-After.",
    "server_error": "An error on our side; it was logged.",
}


@bp.route("/api/v1/docs")
@not_a_surface("api_pages.docs", "the API reference, built from the OpenAPI document (no user content)")
def docs():
    """The API reference: every operation with its parameters, request body and answers, from
    the same OpenAPI document the API serves (so they cannot differ)."""
    spec = current_app.extensions["consult_api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, problems=PROBLEM_CODES)


@bp.route("/api/v1/problems")
@not_a_surface("api_pages.problems", "the list of the API's error codes (no user content)")
def problems():
    """The stable error codes of the API (the ``type`` of every problem+json answer points here)."""
    return render_template("api/problems.html", problems=PROBLEM_CODES)


@bp.route("/auth/account/tokens", methods=["GET", "POST"])
@login_required
@not_a_surface("api_pages.manage_tokens", "the signed-in user's own API tokens")
def manage_tokens():
    """Create an API token (its secret is shown once) and list the live ones."""
    form = BaseForm()
    secret = None
    errors: dict = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            errors = {"": [_("The form had expired; nothing was created. Try again.")]}
        else:
            try:
                _row, secret = tokens.create_token(current_user, request.form.get("name", ""),
                                                   request.form.getlist("scopes"))
                db.session.commit()
            except ValidationFailed as exc:
                db.session.rollback()
                errors = exc.errors
    if errors:
        apply_errors(form, {"": [str(m) for messages in errors.values() for m in messages]})
    response = current_app.make_response((render_template(
        "api/tokens.html", form=form, secret=secret, live=tokens.live_tokens(current_user),
        allowed=tokens.allowed_scopes(current_user), labels=tokens.SCOPE_LABELS,
        typed_name=request.form.get("name", "") if errors else "",
        typed_scopes=request.form.getlist("scopes") if errors else []), 400 if errors else 200))
    response.headers["Cache-Control"] = "private, no-store"  # the secret is shown once
    return response


@bp.route("/auth/account/tokens/<int(max=2147483647):token_id>/revoke", methods=["POST"])
@login_required
@not_a_surface("api_pages.revoke_token", "revokes the signed-in user's own token (POST)")
def revoke_token(token_id: int):
    """Revoke one of the user's tokens at once."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id or not BaseForm().validate_on_submit():
        flash(_("Nothing was revoked."), "error")
        return redirect(url_for("api_pages.manage_tokens"))
    tokens.revoke_token(row, current_user)
    db.session.commit()
    flash(_("Token “%(name)s” revoked: it no longer works.", name=row.name), "success")
    return redirect(url_for("api_pages.manage_tokens"))
