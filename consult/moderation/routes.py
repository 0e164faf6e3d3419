"""Moderator pages: the queue of one consultation and the action on one submission."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.mixins import ModerationStatus
from ..consultations import queries as consultation_queries
from ..extensions import db
from ..submissions.models import Submission
from . import services
from .forms import REASON_LABELS, ModerateForm

bp = Blueprint("moderation", __name__)

STATES = {"pending": ModerationStatus.pending, "published": ModerationStatus.published,
          "hidden": ModerationStatus.hidden, "all": None}
STATE_LABELS = {"pending": _l("Waiting for review"), "published": _l("Published"), "hidden": _l("Hidden"),
                "all": _l("All")}


@bp.route("/c/<slug>/moderation")
@login_required
def show_queue(slug: str):
    """The moderation queue, filtered by state (``?state=pending`` by default)."""
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.moderator)
    state = request.args.get("state", "pending")
    if state not in STATES:
        state = "pending"
    items = services.queue(consultation, STATES[state])
    counts = {key: len(services.queue(consultation, value)) for key, value in STATES.items() if value}
    return render_template("moderation/queue.html", consultation=consultation, items=items, state=state,
                           states=STATE_LABELS, counts=counts, form=ModerateForm(), reasons=REASON_LABELS,
                           text_of=services.submission_text)


@bp.route("/c/<slug>/moderation/<int:submission_id>", methods=["POST"])
@login_required
def moderate(slug: str, submission_id: int):
    """Apply one action, then go back to the queue (the next item is now first)."""
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.moderator)
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.consultation_id != consultation.id:
        from ..errors import NotFound

        raise NotFound(_("No such submission."))
    form = ModerateForm()
    state = request.args.get("state", "pending")
    if not form.validate_on_submit():
        flash(_("The action was not understood; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug, state=state))
    try:
        services.moderate(submission, current_user, form.action.data, reason=form.reason.data or None,
                          public_note=form.public_note.data)
    except services.NotAllowedHere:
        db.session.rollback()
        flash(_("This action does not apply to %(ref)s now, or hiding needs a reason; nothing changed.",
                ref=submission.reference), "error")
        return redirect(url_for("moderation.show_queue", slug=slug, state=state))
    db.session.commit()
    flash(_("%(ref)s: done.", ref=submission.reference), "success")
    return redirect(url_for("moderation.show_queue", slug=slug, state=state))
