"""Moderators' pages for in-person forums (all under /staff/, moderator role)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.forms import committed
from ..consultations import queries as consultation_queries
from ..extensions import db
from ..site import settings as site_settings
from ..submissions.models import STAKEHOLDER_LABELS, StakeholderType, Submission
from . import services
from .forms import ContributionForm, ContributionImportForm, ForumForm
from .models import OfflineForum

bp = Blueprint("forums", __name__)


def _consultation(slug: str):
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.moderator)
    return consultation


@bp.route("/c/<slug>/forums", methods=["GET", "POST"])
@login_required
def list_forums(slug: str):
    """The consultation's in-person forums, and a form to record one."""
    consultation = _consultation(slug)
    form = ForumForm()
    if request.method == "POST" and form.validate():
        created = []
        if committed(form, lambda: created.append(services.create_forum(
                consultation, current_user, held_on=form.held_on.data, place=form.place.data, notes=form.notes.data,
                consent_publish=form.consent_publish.data,
                participants={t.value: form[f"participants_{t.value}"].data or 0 for t in StakeholderType}))):
            flash(_("Forum recorded. Now enter or import what was said."), "success")
            return redirect(url_for("forums.show_forum", slug=slug, forum_id=created[0].id))
    return render_template("forums/list.html", consultation=consultation, form=form,
                           forums=services.forums_of(consultation.id), labels=STAKEHOLDER_LABELS,
                           types=list(StakeholderType)), 400 if request.method == "POST" else 200


def _forum(consultation, forum_id: int) -> OfflineForum:
    forum = db.session.get(OfflineForum, forum_id)
    if forum is None or forum.consultation_id != consultation.id:
        abort(404)
    return forum


def _contribution_form(consultation) -> ContributionForm:
    form = ContributionForm()
    form.question_key.choices = [SelectChoice("", _("General comments"))] + [
        SelectChoice(q.key, q.text) for q in consultation.open_questions]
    return form


def _page(consultation, forum, form=None, upload=None, status=200):
    contributions = db.session.scalars(db.select(Submission).where(Submission.forum_id == forum.id)
                                       .order_by(Submission.id.desc()).limit(200)).all()
    total = db.session.scalar(db.select(db.func.count()).select_from(Submission).where(Submission.forum_id == forum.id))
    from ..moderation.routes import STATE_LABELS

    return render_template("forums/show.html", consultation=consultation, forum=forum, total=total, states=STATE_LABELS,
                           form=form or _contribution_form(consultation), upload=upload or ContributionImportForm(),
                           contributions=contributions, labels=STAKEHOLDER_LABELS), status


@bp.route("/c/<slug>/forums/<int(max=2147483647):forum_id>", methods=["GET", "POST"])
@login_required
def show_forum(slug: str, forum_id: int):
    """One forum: its attendance and contributions; enter one more."""
    consultation = _consultation(slug)
    forum = _forum(consultation, forum_id)
    form = _contribution_form(consultation)
    if request.method == "POST" and form.validate():
        if committed(form, lambda: services.add_contribution(
                forum, current_user, text=form.text.data, speaker=form.speaker.data,
                organisation=form.organisation.data, stakeholder_type=form.stakeholder_type.data or None,
                question_key=form.question_key.data or None, secret=current_app.config["SECRET_KEY"],
                reference_prefix=site_settings.get("reference_prefix"))):
            flash(_("Contribution recorded."), "success")
            return redirect(url_for("forums.show_forum", slug=slug, forum_id=forum.id))
    return _page(consultation, forum, form=form, status=400 if request.method == "POST" else 200)


@bp.route("/c/<slug>/forums/<int(max=2147483647):forum_id>/import", methods=["POST"])
@login_required
def import_forum(slug: str, forum_id: int):
    """Import a CSV of the forum's contributions (all rows or none)."""
    consultation = _consultation(slug)
    forum = _forum(consultation, forum_id)
    upload = ContributionImportForm()
    if upload.validate():
        counted = []
        if committed(upload, lambda: counted.append(services.import_contributions(
                forum, current_user, upload.file.data.read(), secret=current_app.config["SECRET_KEY"],
                reference_prefix=site_settings.get("reference_prefix")))):
            imported, skipped = counted[0]
            flash(_("%(n)s contributions imported.", n=imported)
                  + (" " + _("%(n)s were already recorded and were skipped.", n=skipped) if skipped else ""), "success")
            return redirect(url_for("forums.show_forum", slug=slug, forum_id=forum.id))
    return _page(consultation, forum, upload=upload, status=400)
