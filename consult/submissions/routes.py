"""Public submission form, confirmation and private receipt pages."""
from __future__ import annotations

from flask import (
    Blueprint,
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
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from ..common.files import StoredFile
from ..common.forms import apply_errors, pop_expired_csrf
from ..common.hooks import receipt_panels
from ..common.mail import send_mail
from ..common.mixins import ModerationStatus
from ..common.visibility import Audience, not_a_surface, public_surface
from ..common.visitors import address_key, device_id, visitor_hash, visitor_key
from ..consultations import queries as consultation_queries
from ..errors import ValidationFailed
from ..extensions import csrf, db, limiter
from ..site import settings as site_settings
from . import queries, services
from .forms import new_client_token, submission_form_class

bp = Blueprint("submissions", __name__)


def _attachment_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="consult-kept-attachment")


def _kept_attachment(token: str | None) -> StoredFile | None:
    """An attachment stored during an earlier failed attempt of the same form."""
    if not token:
        return None
    try:
        return StoredFile(**_attachment_signer().loads(token))
    except (BadSignature, TypeError):
        return None


def _submission_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


MAX_FORM_TOKENS = 10


def _issue_form_token() -> str:
    """A new form key, remembered in this browser session (only issued keys make a resend safe)."""
    token = new_client_token()
    session["form_tokens"] = (session.get("form_tokens", []) + [token])[-MAX_FORM_TOKENS:]
    return token


def _issued_here(token: str | None) -> bool:
    return bool(token) and token in session.get("form_tokens", [])


def _accepted(response) -> bool:
    """Only newly recorded submissions count towards the rate limit (not refused or resent forms)."""
    return bool(g.get("submission_created"))


def _confirmation(consultation, submission, token: str):
    """The confirmation page, sent as the answer to the accepted form itself.

    The receipt token is never stored in the session cookie (signed, not encrypted): a resent
    form (refresh, slow network) finds the same submission and shows this page again.
    """
    receipt_url = url_for("submissions.show_receipt", token=token, _external=True)
    response = current_app.make_response(render_template(
        "submissions/confirmation.html", consultation=consultation, reference=submission.reference,
        receipt_url=receipt_url, emailed=bool(submission.email)))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/c/<slug>/submit", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token and, when it expired, comes back filled in
@limiter.limit(_submission_limit, key_func=visitor_key, methods=["POST"], deduct_when=_accepted)
@limiter.limit(lambda: current_app.config["SUBMISSION_ADDRESS_RATE_LIMIT"], key_func=address_key,
               methods=["POST"], deduct_when=_accepted)
@not_a_surface("submissions.new_submission", "the empty submission form; what a respondent typed is only shown back to them")
def new_submission(slug: str):
    """Show and accept the submission form of an open consultation."""
    consultation = consultation_queries.get_by_slug(slug)
    device_id()  # the visitor's device cookie, used for rate limits
    form = submission_form_class(consultation)()
    claims = _claim_choices(form)
    signed_in_only = consultation.participation.value == "registered_only"
    if signed_in_only and not current_user.is_authenticated and request.method == "GET":
        return render_template("submissions/sign_in_needed.html", consultation=consultation)
    if request.method == "GET":
        form.client_token.data = _issue_form_token()
        if current_user.is_authenticated:
            form.name.data, form.email.data = current_user.name, current_user.email
        draft = services.load_draft(consultation, request.args.get("draft"))
        sent_as = services.draft_sent_as(consultation, request.args.get("draft"))
        if sent_as:
            flash(_("This draft was already sent, as submission %(ref)s.", ref=sent_as), "info")
        elif request.args.get("draft") and draft is None:
            flash(_("That draft link is not valid any more (drafts are kept for %(days)s days).",
                    days=services.DRAFT_DAYS), "warning")
        if draft is not None:
            _fill_from_draft(form, draft)
            form.draft_token.data = request.args["draft"]
        response = current_app.make_response(render_template("submissions/form.html", consultation=consultation,
                                                              form=form))
        if draft is not None:
            response.headers["Referrer-Policy"] = "no-referrer"  # the URL is the secret
            response.headers["Cache-Control"] = "private, no-store"
        return response

    if "save_draft" in request.form and consultation.is_open:
        return _save_draft(consultation, form)
    sent_as = services.draft_sent_as(consultation, form.draft_token.data)
    if sent_as:  # an old tab of a draft that was sent already: do not record it twice
        flash(_("This draft was already sent, as submission %(ref)s. Your text is kept below; to send "
                "another submission, open the form afresh."), "warning")
        form.draft_token.data = ""
        return render_template("submissions/form.html", consultation=consultation, form=form), 409

    if not _issued_here(form.client_token.data):
        form.client_token.data = _issue_form_token()
    kept = _kept_attachment(form.attachment_token.data)
    errors: dict[str, list] = {}
    upload = form.attachment.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            kept = services.store_attachment(upload.stream, upload.filename, current_app.config["UPLOAD_DIR"],
                                             current_app.config["MAX_ATTACHMENT_BYTES"])
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if kept is not None:
        form.attachment_token.data = _attachment_signer().dumps(kept.__dict__)

    form_ok = form.validate()
    csrf_expired = pop_expired_csrf(form)
    if csrf_expired:
        flash(_("For your security the form had expired. Your text is kept below: check it and press "
                "Send again."), "warning")
    if form_ok and not errors and not csrf_expired:
        claim = claims.get(form.claim.data or "")
        if form.claim.data and claim is None:
            errors["claim"] = [_("Choose one of your organisations, or “Myself”.")]
    if form_ok and not errors and not csrf_expired:
        data = services.SubmissionInput(
            stakeholder_type=form.stakeholder_type.data,
            body=form.body.data or "",
            answers={q.key: field.data for q, field in form.question_fields()},
            name=form.name.data, anonymous=form.anonymous.data, on_behalf=form.on_behalf.data or claim is not None,
            organisation=claim.organisation.name if claim is not None else form.organisation.data,
            email=form.email.data, region=form.region.data,
            consent_publish=form.consent_publish.data, client_token=form.client_token.data,
            source_hash=visitor_hash(),
            user_id=current_user.id if current_user.is_authenticated else None,
            representative_claim_id=claim.id if claim is not None else None,
            consent_wording=str(form.consent_publish.label.text), consent_language=str(get_locale()),
        )
        try:
            submission, token, created = services.create_submission(
                consultation, data, secret=current_app.config["SECRET_KEY"],
                reference_prefix=site_settings.get("reference_prefix"),
                stored_attachment=kept, upload_dir=current_app.config["UPLOAD_DIR"],
            )
            db.session.commit()  # durable before the page says so
        except IntegrityError:
            # the same form arrived twice at the same moment and the other request recorded it
            db.session.rollback()
            submission = services.resent(consultation, data)
            if submission is None:
                raise
            return _confirmation(consultation, submission, services.receipt_token_for(
                submission.client_token, current_app.config["SECRET_KEY"]))
        except services.SignInRequired as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return render_template("submissions/form.html", consultation=consultation, form=form), 403
        except (services.ConsultationNotOpen, services.SubmissionWithdrawn) as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return render_template("submissions/form.html", consultation=consultation, form=form), 403
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            services.discard_draft(form.draft_token.data, submission.reference)
            db.session.commit()
            if created:
                g.submission_created = True
                if submission.email:
                    send_receipt_mail(consultation, submission, token)
            return _confirmation(consultation, submission, token)
    else:
        apply_errors(form, errors)
    if not consultation.is_open:
        flash(_("This consultation does not accept submissions now."), "error")
    return render_template("submissions/form.html", consultation=consultation, form=form), 422


def send_receipt_mail(consultation, submission, token: str) -> None:
    """E-mail the respondent their reference and private receipt link (in this request's language)."""
    send_mail(submission.email, _("Your submission %(ref)s", ref=submission.reference),
              render_template("emails/receipt.txt", submission=submission, consultation=consultation,
                              receipt_url=url_for("submissions.show_receipt", token=token, _external=True)))


def _fill_from_draft(form, draft: dict) -> None:
    """Put a draft's saved fields back into the submission form."""
    for name in services.DRAFT_FIELDS:
        if name in draft and name in form:
            form[name].data = draft[name]
    for question, field in form.question_fields():
        if question.key in draft.get("answers", {}):
            field.data = draft["answers"][question.key]


def _save_draft(consultation, form):
    """Save the form as a draft and show it again with its private link (no validation beyond
    "something is written": a draft may be incomplete; the attachment is not kept). Like sending,
    it needs the form key this browser was given; the link is e-mailed once, when the draft is
    first saved, to a valid address, at most ``DRAFT_MAIL_RATE_LIMIT`` times per visitor."""
    if not _issued_here(form.client_token.data):
        form.client_token.data = _issue_form_token()
        flash(_("For your security the form had expired. Your text is kept below: press the button again."),
              "warning")
        return render_template("submissions/form.html", consultation=consultation, form=form), 422
    first = not services.load_draft(consultation, form.draft_token.data)
    try:
        token = services.save_draft(
            consultation, {name: form[name].data for name in services.DRAFT_FIELDS if name in form},
            {q.key: field.data for q, field in form.question_fields()}, token=form.draft_token.data or None)
    except ValidationFailed as exc:
        db.session.rollback()
        form.form_errors = []
        for field in form:
            field.errors = []
        apply_errors(form, exc.errors)
        return render_template("submissions/form.html", consultation=consultation, form=form), 422
    db.session.commit()
    link = url_for("submissions.new_submission", slug=consultation.slug, draft=token, _external=True)
    form.draft_token.data = token
    form.form_errors = []
    for field in form:
        field.errors = []
    mailed = None
    if first and form.email.data and _valid_email(form.email.data) and _draft_mail_allowed():
        mailed = form.email.data
        send_mail(mailed, _("Your draft for “%(title)s”", title=consultation.title),
                  render_template("emails/draft.txt", consultation=consultation, link=link, days=services.DRAFT_DAYS))
    response = current_app.make_response(render_template("submissions/form.html", consultation=consultation,
                                                         form=form, draft_link=link, draft_days=services.DRAFT_DAYS,
                                                         draft_mailed=mailed))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _valid_email(address: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _draft_mail_allowed() -> bool:
    """Count one draft e-mail against this visitor and this address's limits (False when spent)."""
    from limits import parse

    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    item = parse(current_app.config["DRAFT_MAIL_RATE_LIMIT"])
    return limiter.limiter.hit(item, "draft-mail", visitor_key()) and \
        limiter.limiter.hit(item, "draft-mail-address", address_key())


@bp.errorhandler(429)
def too_many_submissions(error):
    """Rate limit on the form (the only limited view here): show it again with everything typed."""
    consultation = consultation_queries.get_by_slug(request.view_args["slug"])
    form = submission_form_class(consultation)()
    flash(_("Many submissions were sent from this device in the last hour. Your text is kept below; "
            "please wait a while (at most an hour) before sending it."), "error")
    if request.files.get("attachment") and request.files["attachment"].filename:
        flash(_("Your attachment was not kept: choose the file again when you send."), "warning")
    return render_template("submissions/form.html", consultation=consultation, form=form), 429


def _claim_choices(form) -> dict:
    """Fill the "responding for" choices of a signed-in representative; claim id (str) → claim."""
    from wtforms import SelectChoice

    from ..accounts.organisations import usable_claims

    if not current_user.is_authenticated:
        form.claim.choices = [SelectChoice("", "")]
        return {}
    claims = {str(c.id): c for c in usable_claims(current_user)}
    form.claim.choices = [SelectChoice("", _("Myself"))] + [
        SelectChoice(key, c.organisation.name + ("" if c.status.value == "verified" else " " + _("(not verified yet)")))
        for key, c in claims.items()]
    return claims


def _reason_labels() -> dict:
    from ..moderation.forms import REASON_LABELS

    return {r.value: label for r, label in REASON_LABELS.items()}


def _verified(submission) -> bool:
    """Sent by a representative whose claim to speak for the organisation an admin verified."""
    from ..accounts.models import ClaimStatus, RepresentativeClaim

    if not submission.representative_claim_id:
        return False
    claim = db.session.get(RepresentativeClaim, submission.representative_claim_id)
    return claim is not None and claim.status is ClaimStatus.verified


def _public_entry(submission) -> dict:
    """What the public may see of one submission: text only when quotable, a moderator's reason
    and note in place of a hidden one."""
    from ..common.visibility import Audience, passes
    from ..moderation.services import hidden_notice

    entry = {"submission": submission, "quotable": passes(submission, Audience.QUOTABLE),
             "hidden": submission.moderation_status is ModerationStatus.hidden, "reason": None, "note": None,
             "verified": _verified(submission)}
    if entry["hidden"]:
        entry["reason"], entry["note"] = hidden_notice(submission)
    return entry


@bp.route("/c/<slug>/submissions")
@public_surface("submissions.list_public")
def list_public(slug: str):
    """The public list of submissions: the text of those whose authors agreed to publish it,
    newest first, 20 a page; hidden ones as "hidden by a moderator: reason"."""
    consultation = consultation_queries.get_by_slug(slug)
    page = request.args.get("page", "1")
    number = int(page) if page.isascii() and page.isdigit() and len(page) <= 6 and int(page) > 0 else 1
    listing = queries.public_listing(consultation, page=number)
    return render_template("submissions/public_list.html", consultation=consultation, listing=listing,
                           entries=[_public_entry(s) for s in listing.items],
                           count=queries.count_for(consultation, Audience.PUBLIC), reasons=_reason_labels())


@bp.route("/c/<slug>/submissions/<reference>")
@public_surface("submissions.show_public")
def show_public(slug: str, reference: str):
    """One submission as the public sees it, with the form to flag it to the moderators."""
    from ..moderation.forms import FlagForm

    consultation = consultation_queries.get_by_slug(slug)
    submission = queries.public_submission(consultation, reference)
    if submission is None:
        abort(404)
    device_id()  # flags are one per visitor: make sure this device has its cookie before it flags
    return render_template("submissions/public_show.html", consultation=consultation,
                           entry=_public_entry(submission), flag_form=FlagForm(), reasons=_reason_labels())


@bp.route("/r/<token>")
@not_a_surface("submissions.show_receipt", "the respondent's private receipt, reached only with its secret token")
def show_receipt(token: str):
    """The respondent's private receipt: status, their text, how it was considered."""
    submission = queries.get_by_receipt_token(token)
    if submission is None:
        abort(404)
    response = current_app.make_response(render_template(
        "submissions/receipt.html", submission=submission, consultation=submission.consultation,
        token=token, panels=receipt_panels(submission), can_change=services.can_change(submission),
    ))
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL is the secret
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _own_submission(token: str):
    submission = queries.get_by_receipt_token(token)
    if submission is None:
        abort(404)
    return submission


def _private(response):
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL is the secret
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _no_longer_changeable(token: str):
    flash(_("This submission can no longer be changed: the consultation has closed, or a moderator hid it."), "error")
    return redirect(url_for("submissions.show_receipt", token=token))


@bp.route("/r/<token>/edit", methods=["GET", "POST"])
@not_a_surface("submissions.edit_submission", "the respondent's own text, reached only with the receipt token")
def edit_submission(token: str):
    """Change one's own submission (text, answers, consent) while the consultation is open."""
    from .forms import edit_form_class

    submission = _own_submission(token)
    consultation = submission.consultation
    if not services.can_change(submission):
        return _no_longer_changeable(token)
    form = edit_form_class(consultation)()
    if request.method == "GET":
        form.body.data, form.consent_publish.data = submission.body, submission.consent_publish
        for question, field in form.question_fields():
            answer = submission.answer_for(question.id)
            field.data = (answer.text or answer.choice) if answer else None
    elif form.validate():
        try:
            services.edit_submission(
                submission, body=form.body.data or "", consent_publish=form.consent_publish.data,
                answers={q.key: field.data for q, field in form.question_fields() if field.data},
                consent_wording=str(form.consent_publish.label.text), consent_language=str(get_locale()))
            db.session.commit()  # durable before the page says so
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        except services.ConsultationNotOpen as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("submissions.show_receipt", token=token))
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("submissions.show_receipt", token=token))
    status = 422 if request.method == "POST" else 200
    return _private(current_app.make_response((render_template(
        "submissions/edit.html", submission=submission, consultation=consultation, form=form, token=token), status)))


@bp.route("/r/<token>/withdraw", methods=["GET", "POST"])
@not_a_surface("submissions.withdraw_submission", "asks the respondent to confirm withdrawing their own submission")
def withdraw_submission(token: str):
    """Withdraw (delete) one's own submission while the consultation is open, after a confirmation."""
    from ..common.forms import BaseForm

    submission = _own_submission(token)
    consultation = submission.consultation
    if not services.can_change(submission):
        return _no_longer_changeable(token)
    form = BaseForm()
    if request.method == "POST" and form.validate():
        reference = services.withdraw_submission(submission, upload_dir=current_app.config["UPLOAD_DIR"])
        db.session.commit()
        flash(_("Submission %(ref)s is withdrawn: its text and your details are deleted.", ref=reference), "success")
        return redirect(url_for("consultations.show_consultation", slug=consultation.slug))
    return _private(current_app.make_response(render_template(
        "submissions/withdraw.html", submission=submission, consultation=consultation, form=form, token=token)))


@bp.route("/r/<token>/attachment")
@not_a_surface("submissions.download_attachment", "the respondent's own attachment, reached only with the receipt token")
def download_attachment(token: str):
    """The respondent's own attachment, from their receipt page."""
    submission = queries.get_by_receipt_token(token)
    if submission is None or submission.attachment is None:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], submission.attachment.stored_name,
                                   mimetype=submission.attachment.content_type, as_attachment=True,
                                   download_name=submission.attachment.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
