"""Site admin pages (``/staff/admin``): users and their roles, organisation claims, and each
consultation's participation and personal-data rules. Admins only; every role change is logged."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from ..consultations.models import Consultation, DeletionRule, Participation
from ..consultations.queries import get_by_slug
from ..errors import ValidationFailed
from ..extensions import db
from ..site.settings import get as site_setting
from . import organisations, services
from .forms import (
    ORGANISATION_KIND_LABELS,
    ClaimDecisionForm,
    PrivacySettingsForm,
    RoleForm,
)
from .models import RepresentativeClaim, Role, User

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def _admins_only():
    """Every admin page: signed in (else to the sign-in page) and a site admin (else 403)."""
    if not current_user.is_admin:
        abort(403)


@bp.route("/users")
def users():
    """All accounts, searchable by e-mail or name."""
    q = (request.args.get("q") or "").strip()[:100]
    stmt = select(User).order_by(User.id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(like), func.lower(User.name).like(like)))
    return render_template("admin/users.html", users=db.session.scalars(stmt.limit(200)).all(), q=q)


def _role_form() -> RoleForm:
    form = RoleForm()
    form.consultation.choices = [SelectChoice(c.slug, f"{c.title} ({c.slug})")
                                 for c in db.session.scalars(select(Consultation).order_by(Consultation.id.desc()))]
    return form


@bp.route("/users/<int(max=2147483647):user_id>", methods=["GET", "POST"])
def user(user_id: int):
    """One account: its roles per consultation (grant, revoke), site admin, and its role log."""
    account = db.session.get(User, user_id)
    if account is None:
        abort(404)
    form = _role_form()
    if request.method == "POST":
        if request.form.get("suspend") in ("suspend", "ban", "reinstate"):
            _suspension(account, request.form)
        elif request.form.get("admin") in ("grant", "revoke"):
            try:
                services.set_admin(account, request.form["admin"] == "grant", actor=current_user)
            except ValidationFailed as exc:
                db.session.rollback()
                flash(exc.message, "error")
            else:
                db.session.commit()
                flash(_("Saved."), "success")
        elif form.validate_on_submit():
            consultation = get_by_slug(form.consultation.data, include_drafts=True)
            role = Role(form.role.data)
            had = any(r.consultation_id == consultation.id and r.role == role for r in account.roles)
            if form.action.data == "grant" and had:
                flash(_("This person already has that role."), "info")
            elif form.action.data == "revoke" and not had:
                flash(_("This person does not have that role."), "info")
            else:
                if form.action.data == "grant":
                    services.grant_role(account, consultation, role, actor=current_user)
                else:
                    services.revoke_role(account, consultation, role, actor=current_user)
                db.session.commit()
                flash(_("Saved."), "success")
        else:
            flash(_("The action was not understood; nothing changed."), "error")
        return redirect(url_for("admin.user", user_id=account.id))
    return render_template("admin/user.html", account=account, form=form, log=services.role_log(account),
                           claims=organisations.claims_of(account), account_log=services.account_events(account))


def _suspension(account: User, data) -> None:
    """Suspend (until a date), ban or reinstate ``account`` from the user page; the person is told."""
    from datetime import datetime

    from flask import render_template as render

    from ..common.dates import from_local
    from ..common.mail import send_mail

    action = data["suspend"]
    try:
        if action == "reinstate":
            services.reinstate(account, current_user)
        else:
            until = None
            if action == "suspend":
                try:
                    until = from_local(datetime.strptime(data.get("until", ""), "%Y-%m-%dT%H:%M"))
                except ValueError as exc:
                    raise ValidationFailed({"until": [_("Choose until when.")]}) from exc
            services.suspend(account, current_user, reason=data.get("reason", "")[:1000], until=until)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return
    db.session.commit()
    send_mail(account.email, _("Your account on %(site)s", site=site_setting("site_name")),
              render("emails/account_status.txt", account=account, action=action))
    flash(_("Saved. The person was told by e-mail."), "success")


@bp.route("/organisations", methods=["GET"])
def claims():
    """Requests to speak for an organisation, waiting first; each with its evidence."""
    decided = db.session.scalars(select(RepresentativeClaim).where(RepresentativeClaim.status != "pending")
                                 .order_by(RepresentativeClaim.decided_at.desc()).limit(100)).all()
    return render_template("admin/claims.html", pending=organisations.pending_claims(), decided=decided,
                           form=ClaimDecisionForm(), kinds=ORGANISATION_KIND_LABELS)


@bp.route("/organisations/<int(max=2147483647):claim_id>", methods=["POST"])
def decide_claim(claim_id: int):
    """Verify or refuse (with a reason) one request."""
    row = db.session.get(RepresentativeClaim, claim_id)
    if row is None:
        abort(404)
    form = ClaimDecisionForm()
    if not form.validate_on_submit():
        flash(_("The action was not understood; nothing changed."), "error")
        return redirect(url_for("admin.claims"))
    try:
        organisations.decide(row, current_user, verify=form.decision.data == "verify", reason=form.reason.data)
    except organisations.ClaimNotAllowed:
        db.session.rollback()
        flash(_("This request was already decided."), "error")
    except ValidationFailed:
        db.session.rollback()
        flash(_("Say why the claim is refused."), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("admin.claims"))


@bp.route("/consultations/<slug>/privacy", methods=["GET", "POST"])
def privacy_settings(slug: str):
    """Who may respond (anyone, or signed-in accounts), what deleting an account does to its
    submissions, and when personal data is anonymised after closing."""
    consultation = get_by_slug(slug, include_drafts=True)
    form = PrivacySettingsForm(obj=consultation) if request.method == "GET" else PrivacySettingsForm()
    if request.method == "GET":
        form.participation.data = consultation.participation.value
        form.deletion_rule.data = consultation.deletion_rule.value
    if form.validate_on_submit():
        consultation.participation = Participation(form.participation.data)
        consultation.deletion_rule = DeletionRule(form.deletion_rule.data)
        consultation.retention_days = form.retention_days.data
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.privacy_settings", slug=slug))
    return render_template("admin/privacy.html", consultation=consultation, form=form)
