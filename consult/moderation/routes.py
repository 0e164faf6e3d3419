"""Moderator pages: the queue of one consultation and the action on one submission."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.hooks import register_receipt_panel
from ..common.visibility import public_surface
from ..common.mixins import ModerationStatus
from ..consultations import queries as consultation_queries
from ..errors import NotFound
from ..extensions import db
from ..submissions.models import Submission
from . import services
from .forms import REASON_LABELS, ModerateForm
from .models import Action, Reason

bp = Blueprint("moderation", __name__)  # staff pages, under /staff
public_bp = Blueprint("moderation_public", __name__)  # the public register

# what the rules found, as the author reads it on the receipt
RULE_LABELS = {
    "nik": _l("an identity number (NIK)"), "kk": _l("a family card number (KK)"),
    "nip": _l("a civil servant number (NIP)"), "npwp": _l("a tax number (NPWP)"),
    "phone": _l("a phone number"), "email": _l("an e-mail address"), "abuse": _l("abusive words"),
    "link_spam": _l("many links"), "flood": _l("many submissions in a short time"),
}

STATES = {"pending": ModerationStatus.pending, "published": ModerationStatus.published,
          "hidden": ModerationStatus.hidden, "all": None}
STATE_LABELS = {"pending": _l("Waiting for review"), "published": _l("Published"), "hidden": _l("Hidden"),
                "all": _l("All")}


ACTION_LABELS = {"hold": _l("Held by the automatic rules"), "approve": _l("Approved"), "hide": _l("Hidden"),
                 "restore": _l("Restored"), "redact": _l("Personal data redacted"), "erase": _l("Kept original erased")}


def _moderated(slug: str):
    """The consultation ``slug`` (drafts included), after checking the user moderates it (403)."""
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.moderator)
    return consultation


@bp.app_template_global("moderation_waiting")
def moderation_waiting(consultation) -> int:
    """Submissions waiting for a moderator (for the staff dashboard)."""
    return services.waiting_count(consultation)


@register_receipt_panel
def _receipt_moderation(submission):
    """On the author's receipt: why the submission is held, or why a moderator hid it."""
    decision = services.latest_decision(submission)
    appeal = services.appeal_of(submission)
    if decision is None or (decision.action not in (Action.hold, Action.hide, Action.uphold) and appeal is None):
        return None
    if decision.action is Action.hold and submission.moderation_status is not ModerationStatus.pending:
        return None
    hid = decision if decision.action is Action.hide else None
    if decision.action is Action.uphold or (appeal is not None and decision.action is not Action.hide):
        hid = next((row for row in reversed(services.history(submission)) if row.action is Action.hide), None)
    return ("moderation/_receipt_panel.html", {
        "decision": decision,
        "hidden_by": hid,
        "reason": REASON_LABELS.get(Reason(hid.reason)) if hid is not None and hid.reason else None,
        "hits": [str(RULE_LABELS.get(rule, rule)) for rule in dict.fromkeys(h["rule"] for h in decision.rule_hits
                                                                                if "rule" in h)],
        "appeal": appeal,
        "can_appeal": submission.moderation_status is ModerationStatus.hidden and appeal is None,
    })


@bp.route("/c/<slug>/moderation")
@login_required
def show_queue(slug: str):
    """The moderation queue, filtered by state (``?state=pending`` by default)."""
    consultation = _moderated(slug)
    state = request.args.get("state", "pending")
    if state not in STATES:
        state = "pending"
    items = services.queue(consultation, STATES[state])
    appeals = services.open_appeals(consultation)
    counts = {key: len(services.queue(consultation, value)) for key, value in STATES.items() if value}
    counts["pending"] = services.waiting_count(consultation)
    return render_template("moderation/queue.html", consultation=consultation, items=items, state=state,
                           states=STATE_LABELS, counts=counts, form=ModerateForm(), reasons=REASON_LABELS,
                           text_of=services.submission_text, appeals=appeals)


@bp.route("/c/<slug>/moderation/<int:submission_id>", methods=["POST"])
@login_required
def moderate(slug: str, submission_id: int):
    """Apply one action, then go back to the queue (the next item is now first)."""
    consultation = _moderated(slug)
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFound(_("No such submission."))
    form = ModerateForm()
    state = request.args.get("state", "pending")
    if not form.validate_on_submit():
        flash(_("The action was not understood; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug, state=state))
    try:
        if form.action.data == "redact":
            services.redact_submission(submission, current_user, public_note=form.public_note.data)
        else:
            services.moderate(submission, current_user, form.action.data, reason=form.reason.data or None,
                              public_note=form.public_note.data)
    except services.NotAllowedHere:
        db.session.rollback()
        flash(_("This action does not apply to %(ref)s now (hiding needs a reason; redacting needs personal data to remove); nothing changed.",
                ref=submission.reference), "error")
        return redirect(url_for("moderation.show_queue", slug=slug, state=state))
    db.session.commit()
    flash(_("%(ref)s: done.", ref=submission.reference), "success")
    return redirect(url_for("moderation.show_queue", slug=slug, state=state))


@public_bp.route("/c/<slug>/moderation-register")
@public_surface("moderation_public.show_register")
def show_register(slug: str):
    """The public moderation register: how many submissions were held, approved, hidden and
    restored, by month and reason. Counts only — no submission, person or text."""
    consultation = consultation_queries.get_by_slug(slug)
    return render_template("moderation/register.html", consultation=consultation,
                           rows=services.register(consultation), actions=ACTION_LABELS,
                           reasons={r.value: label for r, label in REASON_LABELS.items()})


@bp.route("/c/<slug>/appeals/<int:appeal_id>", methods=["POST"])
@login_required
def decide_appeal(slug: str, appeal_id: int):
    """Overturn (show again) or uphold (keep hidden) an author's appeal; another moderator only."""
    from .models import Appeal

    consultation = _moderated(slug)
    appeal = db.session.get(Appeal, appeal_id)
    submission = db.session.get(Submission, appeal.submission_id) if appeal else None
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFound(_("No such appeal."))
    decision = request.form.get("decision")
    if decision not in ("overturn", "uphold"):
        flash(_("The action was not understood; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug))
    try:
        services.decide_appeal(appeal, current_user, overturn=decision == "overturn",
                               note=request.form.get("public_note", "")[:500])
    except services.NotAllowedHere:
        db.session.rollback()
        flash(_("Another moderator must decide this appeal, or it was already decided; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug))
    db.session.commit()
    flash(_("%(ref)s: done.", ref=submission.reference), "success")
    return redirect(url_for("moderation.show_queue", slug=slug))


@public_bp.route("/r/<token>/appeal", methods=["POST"])
def file_appeal(token: str):
    """The author's one appeal, sent from the private receipt page."""
    from flask import abort
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    from ..errors import ValidationFailed
    from ..submissions.queries import get_by_receipt_token

    submission = get_by_receipt_token(token)
    if submission is None:
        abort(404)
    try:
        if current_app_csrf_enabled():
            validate_csrf(request.form.get("csrf_token"))
        services.file_appeal(submission, request.form.get("appeal", ""))
    except (ValidationError, services.NotAllowedHere, ValidationFailed):
        db.session.rollback()
        flash(_("The appeal was not sent: write why the submission should be shown; a submission can be appealed once."),
              "error")
        return redirect(url_for("submissions.show_receipt", token=token))
    db.session.commit()
    flash(_("Your appeal was sent. Another moderator will decide it; the answer will show on this page."), "success")
    return redirect(url_for("submissions.show_receipt", token=token))


def current_app_csrf_enabled() -> bool:
    """Whether CSRF protection is on (off only in the test configuration)."""
    from flask import current_app

    return current_app.config.get("WTF_CSRF_ENABLED", True)
