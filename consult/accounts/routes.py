"""Signing in and out, registration with e-mail verification, password reset, the account page
(profile, organisation claims, download my data, delete my account)."""
from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..common.dates import format_wib
from ..common.files import FileRejected, store_upload
from ..common.forms import apply_errors
from ..common.i18n import safe_next
from ..common.mail import send_mail
from ..common.visibility import not_a_surface
from ..common.visitors import address_key, visitor_key
from ..errors import ValidationFailed
from ..extensions import db, limiter
from . import organisations, privacy, services
from .forms import (
    ACCOUNT_CONSENT,
    ORGANISATION_KIND_LABELS,
    ClaimForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
)

bp = Blueprint("accounts", __name__)


def _config_limit(key: str):
    return lambda: current_app.config[key]


def _account_key() -> str:
    """The account being tried: a fresh device cookie does not buy more guesses at one password."""
    return "login:" + (request.form.get("email") or "").strip().lower()


def _reset_key() -> str:
    """Reset links asked for one address: a mailbox is not flooded from many devices."""
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302


def _registered(_response) -> bool:
    """Only a registration form that was accepted counts against the limits (not typos)."""
    return bool(g.get("registration_accepted"))


def _register_key() -> str:
    """The address being registered: one inbox is not flooded with "someone tried" mails."""
    return "register:" + (request.form.get("email") or "").strip().lower()


def _home_for(user) -> str:
    return url_for("analysis.dashboard") if user.is_staff else url_for("accounts.account")


def _send_verification(user, next_path: str | None = None) -> None:
    token = services.make_token(user, "verify", current_app.config["SECRET_KEY"])
    next_path = safe_next(next_path, "") or None
    send_mail(user.email, _("Confirm your e-mail address"),
              render_template("emails/verify.txt", user=user,
                              url=url_for("accounts.verify", token=token, next=next_path, _external=True)))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_config_limit("LOGIN_RATE_LIMIT"), key_func=visitor_key, methods=["POST"])
@limiter.limit(_config_limit("ACCOUNT_ADDRESS_RATE_LIMIT"), key_func=address_key, methods=["POST"])
@limiter.limit(_config_limit("LOGIN_ACCOUNT_RATE_LIMIT"), key_func=_account_key, methods=["POST"],
               deduct_when=_failed)
@not_a_surface("accounts.login", "the sign-in form")
def login():
    """Sign in; goes on to ``next`` (a local path), the staff dashboard or the account page."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("E-mail or password is not correct."))
        elif not user.is_active:
            db.session.rollback()
            form.form_errors.append(_("This account is closed by an admin.") if user.banned else
                                    _("This account is suspended until %(when)s.", when=format_wib(user.suspended_until)))
        elif user.email_verified_at is None:
            db.session.commit()
            _send_verification(user)
            form.form_errors.append(_("Confirm your e-mail address first: we sent you a new link."))
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, _home_for(user)))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
@not_a_surface("accounts.logout", "signs out (POST only)")
def logout():
    """Sign out (POST, so a link on another site cannot sign anyone out). Every session and
    "keep me signed in" cookie of the account ends, so a copied cookie stops working too."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("consultations.list_consultations"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_config_limit("REGISTER_RATE_LIMIT"), key_func=visitor_key, methods=["POST"], deduct_when=_registered)
@limiter.limit(_config_limit("ACCOUNT_ADDRESS_RATE_LIMIT"), key_func=address_key, methods=["POST"],
               deduct_when=_registered)
@limiter.limit(_config_limit("REGISTER_ACCOUNT_RATE_LIMIT"), key_func=_register_key, methods=["POST"],
               deduct_when=_registered)
@not_a_surface("accounts.register", "the registration form")
def register():
    """Register as a respondent. The answer is the same whether or not the address already has
    an account; the owner of an existing account is told by e-mail instead."""
    form = RegisterForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user, created = services.register(form.email.data, form.password.data, name=form.name.data,
                                              consent_wording=str(ACCOUNT_CONSENT), language=str(get_locale()))
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            g.registration_accepted = True
            if created:
                _send_verification(user, form.next.data)
            else:
                send_mail(user.email, _("Someone tried to register with your e-mail address"),
                          render_template("emails/already_registered.txt",
                                          reset_url=url_for("accounts.reset_request", _external=True)))
            return render_template("accounts/check_mail.html", email=form.email.data.strip()), 200
    return render_template("accounts/register.html", form=form)


@bp.route("/verify/<token>")
@not_a_surface("accounts.verify", "confirms an e-mail address and redirects")
def verify(token: str):
    """Follow the link sent on registration: the address is confirmed; the person then signs in
    with their password (opening a link never signs anyone in, so a link sent by someone else
    cannot put a visitor into another person's account)."""
    user = services.verify_email(token, current_app.config["SECRET_KEY"])
    next_path = safe_next(request.args.get("next"), "") or None
    if user is None:
        flash(_("This link is not valid or has expired. Sign in to get a new one."), "error")
        return redirect(url_for("accounts.login", next=next_path))
    db.session.commit()
    flash(_("Your e-mail address is confirmed. Sign in to continue."), "success")
    return redirect(url_for("accounts.login", next=next_path))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_config_limit("RESET_RATE_LIMIT"), key_func=visitor_key, methods=["POST"])
@limiter.limit(_config_limit("ACCOUNT_ADDRESS_RATE_LIMIT"), key_func=address_key, methods=["POST"])
@limiter.limit(_config_limit("RESET_ACCOUNT_RATE_LIMIT"), key_func=_reset_key, methods=["POST"])
@not_a_surface("accounts.reset_request", "the form asking for a password reset link")
def reset_request():
    """Ask for a reset link; the answer never says whether the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.get_by_email(form.email.data)
        if user is not None and user.active:
            token = services.make_token(user, "reset", current_app.config["SECRET_KEY"])
            send_mail(user.email, _("Reset your password"),
                      render_template("emails/reset.txt", url=url_for("accounts.reset", token=token, _external=True)))
        return render_template("accounts/check_mail.html", email=form.email.data.strip(), reset=True)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@not_a_surface("accounts.reset", "the form choosing a new password")
def reset(token: str):
    """Choose a new password with the link from the e-mail (valid two hours, once)."""
    secret = current_app.config["SECRET_KEY"]
    if services.read_token(token, "reset", secret, services.RESET_MAX_AGE) is None:
        flash(_("This link is not valid or has expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data, secret)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your password is changed."), "success")
            return redirect(_home_for(user))
    response = current_app.make_response(render_template("accounts/reset.html", form=form))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/account", methods=["GET", "POST"])
@login_required
@not_a_surface("accounts.account", "the signed-in user's own account page")
def account():
    """The account page: name, organisation claims, submissions, discussion comments (latest 50,
    with their moderation state), data download and deletion."""
    from ..submissions.models import Submission

    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.language.data, form.time_zone.data = current_user.language or "", current_user.time_zone or ""
    if form.validate_on_submit():
        current_user.name = (form.name.data or "").strip() or None
        current_user.language = form.language.data or None
        current_user.time_zone = form.time_zone.data or None
        if current_user.language:
            session["lang"] = current_user.language  # the header switcher can still change it
        else:
            session.pop("lang", None)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.account"))
    submissions = db.session.scalars(db.select(Submission).where(Submission.user_id == current_user.id)
                                     .order_by(Submission.id.desc())).all()
    from ..discussion.services import comments_of
    from ..moderation.forms import REASON_LABELS
    from ..moderation.services import hidden_notice

    from ..moderation.routes import RULE_LABELS
    from ..moderation.services import latest_decision

    def why(comment) -> tuple[str | None, str | None]:
        """``(reason code, public note)`` of a hidden comment, or ``(what the rules found, None)``
        for a held one (``"flags"`` when visitors' flags held it)."""
        if comment.moderation_status.value == "hidden":
            return hidden_notice(comment)
        if comment.moderation_status.value == "pending":
            decision = latest_decision(comment)
            if decision is not None and decision.action.value == "hold":
                rules = [h["rule"] for h in decision.rule_hits if h.get("rule")]
                if "flags" in rules:
                    return "flags", None
                return ", ".join(str(RULE_LABELS.get(r, r)) for r in rules) or None, None
        return None, None

    comments = [(c, why(c)) for c in reversed(comments_of(current_user))]
    return render_template("accounts/account.html", form=form, claims=organisations.claims_of(current_user),
                           submissions=submissions, kinds=ORGANISATION_KIND_LABELS, comments=comments[:50],
                           more_comments=max(0, len(comments) - 50),
                           reasons={r.value: label for r, label in REASON_LABELS.items()})


@bp.route("/account/data.json")
@login_required
@not_a_surface("accounts.download_data", "the signed-in user's own data")
def download_data():
    """Everything stored about the signed-in user, as a JSON file (UU PDP right of access)."""
    body = json.dumps(privacy.export_my_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, content_type="application/json; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"',
                             "Cache-Control": "private, no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@not_a_surface("accounts.delete_account", "the signed-in user's own deletion form")
def delete_account():
    """Delete the account after confirming the password; submissions follow each
    consultation's published deletion rule."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.password.data) is None:
            form.password.errors.append(_("The password is not correct."))
        elif current_user.is_admin and services.admin_count() <= 1:
            form.form_errors.append(_("You are the site's only admin: make someone else admin first."))
        else:
            user = current_user._get_current_object()
            logout_user()
            counts = privacy.delete_account(user, upload_dir=current_app.config["UPLOAD_DIR"])
            db.session.commit()
            flash(_("Your account is deleted. Submissions kept without personal data: %(a)d; removed: %(r)d. "
                    "Discussion comments kept without your name: %(ca)d; removed: %(cr)d.",
                    a=counts["anonymised"], r=counts["removed"], ca=counts["comments_anonymised"],
                    cr=counts["comments_removed"]), "success")
            return redirect(url_for("consultations.list_consultations"))
    return render_template("accounts/delete.html", form=form)


@bp.route("/account/organisations", methods=["GET", "POST"])
@login_required
@not_a_surface("accounts.claim_organisation", "the signed-in user's own claim form")
def claim_organisation():
    """Ask to speak for an organisation, with evidence an admin checks."""
    form = ClaimForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        try:
            if upload is None or not getattr(upload, "filename", ""):
                raise ValidationFailed({"evidence": [_("Attach the evidence.")]})
            try:
                stored = store_upload(upload.stream, upload.filename, current_app.config["UPLOAD_DIR"],
                                      current_app.config["MAX_ATTACHMENT_BYTES"], kinds=("pdf", "jpg", "png"))
            except FileRejected as exc:
                raise ValidationFailed({"evidence": [exc.message]}) from exc
            org = organisations.find_or_create(form.organisation.data, form.kind.data, form.website.data)
            organisations.claim(current_user, org, position=form.position.data, evidence=stored)
        except organisations.ClaimNotAllowed:
            db.session.rollback()
            form.organisation.errors.append(_("You already asked to speak for this organisation."))
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Your request is sent. An admin will check the evidence; the answer shows on your account page."),
                  "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/claim.html", form=form)


@bp.route("/account/claims/<int(max=2147483647):claim_id>/evidence")
@login_required
@not_a_surface("accounts.claim_evidence", "evidence of a claim, for its claimant and admins only")
def claim_evidence(claim_id: int):
    """Download a claim's evidence: the claimant or an admin only."""
    from .models import RepresentativeClaim

    row = db.session.get(RepresentativeClaim, claim_id)
    if row is None or (row.user_id != current_user.id and not current_user.is_admin):
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], row.stored_name, mimetype=row.content_type,
                                   as_attachment=True, download_name=row.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.errorhandler(429)
def too_many_attempts(error):
    """Rate limit on sign-in, registration or reset: say so and show the form again with what
    was typed (never the password)."""
    forms = {"accounts.login": (LoginForm, "accounts/login.html"), "accounts.register": (RegisterForm,
             "accounts/register.html"), "accounts.reset_request": (ResetRequestForm, "accounts/reset_request.html")}
    form_class, template = forms.get(request.endpoint, (None, None))
    flash(_("Too many attempts from here in a short time. Please wait a while (at most an hour) and try again."),
          "error")
    if form_class is None:
        return redirect(url_for("consultations.list_consultations"))
    form = form_class()
    for name in ("password", "password_again"):
        if hasattr(form, name):
            getattr(form, name).data = ""
    return render_template(template, form=form), 429
