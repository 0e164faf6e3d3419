"""Public consultation pages and the staff document upload."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.cache import public_page_cache
from ..common.forms import apply_errors
from ..common.visibility import not_a_surface, public_surface
from ..errors import ValidationFailed
from ..extensions import db
from ..submissions.queries import public_submission_counts
from . import queries, services
from .forms import AnsweredForm, DocumentForm
from .models import Document

bp = Blueprint("consultations", __name__)


@bp.route("/")
@public_surface("consultations.list_consultations")
@public_page_cache()
def list_consultations():
    """Home page: published consultations, open ones first; filtered by ``?state=`` and ``?topic=``."""
    state, topic = request.args.get("state", ""), request.args.get("topic", "")
    consultations = queries.public_list(state=state, topic=topic)
    counts = public_submission_counts([c.id for c in consultations])
    return render_template("consultations/list.html", consultations=consultations, counts=counts,
                           state=state, topic=topic, topics=queries.public_topics())


@bp.route("/c/<slug>")
@public_surface("consultations.show_consultation")
@public_page_cache()
def show_consultation(slug: str):
    """A consultation's public page: background, documents, questions, window, counts of
    submissions and of discussion comments (overall and per question)."""
    from ..common.hooks import consultation_panels
    from ..discussion.services import public_counts

    consultation = queries.get_by_slug(slug)
    count = public_submission_counts([consultation.id]).get(consultation.id, 0)
    return render_template("consultations/show.html", consultation=consultation, count=count,
                           comments=public_counts(consultation),
                           series=services.document_series(consultation), panels=consultation_panels(consultation),
                           announcements=services.events(consultation, ("extended", "closed", "question_corrected")))


@bp.route("/c/<slug>/documents/<int(max=2147483647):document_id>")
@not_a_surface("consultations.download_document", "a document the consultation's staff published with it (no respondent content)")
def download_document(slug: str, document_id: int):
    """Download a consultation document under its original file name."""
    consultation = queries.get_by_slug(slug)
    document = db.session.get(Document, document_id)
    if document is None or document.consultation_id != consultation.id:
        abort(404)
    return send_from_directory(
        current_app.config["UPLOAD_DIR"], document.stored_name, mimetype=document.content_type,
        as_attachment=True, download_name=document.filename,
    )


@bp.route("/staff/c/<slug>/documents", methods=["GET", "POST"])
@login_required
def upload_document(slug: str):
    """Staff: add a PDF or DOCX document to a consultation."""
    consultation = queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    form = DocumentForm()
    series = services.document_series(consultation)
    form.revises.choices = [SelectChoice("", _("A new document"))] + [
        SelectChoice(str(versions[0].id), _("A revised version of: %(title)s", title=versions[0].title))
        for versions in series]
    if form.validate_on_submit():
        revises = next((v[0] for v in series if str(v[0].id) == form.revises.data), None)
        try:
            services.add_document(
                consultation, stream=form.file.data.stream, filename=form.file.data.filename,
                title=form.title.data, upload_dir=current_app.config["UPLOAD_DIR"],
                max_bytes=current_app.config["MAX_DOCUMENT_BYTES"], actor=current_user,
                revises=revises, version_date=form.version_date.data,
            )
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Document added."), "success")
            return redirect(url_for("consultations.upload_document", slug=slug))
    return render_template("consultations/documents.html", consultation=consultation, form=form, series=series,
                           answered_form=AnsweredForm(answered=consultation.answered))


@bp.route("/staff/c/<slug>/answered", methods=["POST"])
@login_required
def set_answered(slug: str):
    """Staff: set or clear the "answered" flag of a consultation."""
    consultation = queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    form = AnsweredForm()
    if form.validate_on_submit():
        services.set_answered(consultation, form.answered.data, current_user)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("consultations.upload_document", slug=slug))
