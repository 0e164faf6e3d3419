"""Staff pages to author a consultation: create, edit (with a Markdown preview), questions,
publish, extend, close, duplicate; admins create, the consultation's drafters do the rest."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.dates import from_local, to_local
from ..common.forms import apply_errors, committed
from ..errors import ValidationFailed
from ..extensions import db
from ..text.markdown import render_markdown
from . import queries, services
from .forms import ConsultationForm, DuplicateForm, ExtendForm, QuestionForm
from .models import Question, QuestionKind

bp = Blueprint("authoring", __name__)


def _drafted(slug: str):
    """The consultation ``slug`` (drafts included), after checking the user drafts it (403)."""
    consultation = queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    return consultation


def _fields(form: ConsultationForm) -> dict:
    return {"title": form.title.data, "topic": form.topic.data, "summary": form.summary.data,
            "body": form.body.data, "opens_at": from_local(form.opens_at.data),
            "closes_at": from_local(form.closes_at.data), "moderation_mode": form.moderation_mode.data,
            "participation": form.participation.data}


@bp.route("/consultations/new", methods=["GET", "POST"])
@login_required
def create():
    """An admin starts a new consultation as a draft (nothing is public until published)."""
    if not current_user.is_admin:
        abort(403)
    form = ConsultationForm()
    preview = render_markdown(form.body.data) if request.form.get("preview") else None
    if form.validate_on_submit() and not preview:
        try:
            fields = _fields(form)
            consultation = services.create_consultation(
                slug=(form.slug.data or "").strip(), title=fields["title"], summary=fields["summary"] or "",
                body=fields["body"] or "", opens_at=fields["opens_at"], closes_at=fields["closes_at"],
                published=False, moderation_mode=services.ModerationMode(fields["moderation_mode"]))
            consultation.topic = (fields["topic"] or "").strip() or None
            consultation.participation = services.Participation(fields["participation"])
            services.log_event(consultation, current_user, "created")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            try:
                db.session.commit()
            except IntegrityError:  # the same form sent twice at once: the other request made it
                db.session.rollback()
                form.slug.errors = [_("A consultation with this address already exists.")]
                return render_template("authoring/edit.html", form=form, consultation=None, preview=None), 409
            flash(_("Draft created. Add questions and documents, then preview and publish."), "success")
            return redirect(url_for("authoring.manage", slug=consultation.slug))
    return render_template("authoring/edit.html", form=form, consultation=None, preview=preview)


@bp.route("/c/<slug>/manage")
@login_required
def manage(slug: str):
    """The consultation's staff page: state, the steps of its workflow, and its event log."""
    consultation = _drafted(slug)
    return render_template("authoring/manage.html", consultation=consultation,
                           events=services.events(consultation), locked=services.has_submissions(consultation),
                           extend_form=ExtendForm(), duplicate_form=DuplicateForm())


@bp.route("/c/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit texts, times (in the site's time zone) and settings; "Preview" shows the background
    as it will read, keeping everything typed."""
    consultation = _drafted(slug)
    form = ConsultationForm(obj=consultation) if request.method == "GET" else ConsultationForm()
    if request.method == "GET":
        form.opens_at.data, form.closes_at.data = to_local(consultation.opens_at), to_local(consultation.closes_at)
        form.moderation_mode.data = consultation.moderation_mode.value
        form.participation.data = consultation.participation.value
    preview = render_markdown(form.body.data) if request.form.get("preview") else None
    if form.validate_on_submit() and not preview:
        fields = _fields(form)
        if consultation.lifecycle.value == "published":
            fields.pop("closes_at")  # changed only by extend / close, which announce it
            if fields["opens_at"] == consultation.opens_at:
                fields.pop("opens_at")
        if committed(form, lambda: services.update_consultation(consultation, current_user, **fields)):
            flash(_("Saved."), "success")
            return redirect(url_for("authoring.manage", slug=slug))
    return render_template("authoring/edit.html", form=form, consultation=consultation, preview=preview)


@bp.route("/c/<slug>/preview")
@login_required
def preview(slug: str):
    """The public page as it will look, also for a draft (staff only)."""
    from ..submissions.queries import public_submission_counts

    consultation = _drafted(slug)
    return render_template("consultations/show.html", consultation=consultation, preview=True,
                           count=public_submission_counts([consultation.id]).get(consultation.id, 0),
                           series=services.document_series(consultation),
                           announcements=services.events(consultation, ("extended", "closed", "question_corrected")))


def _act(slug: str, action, message: str):
    consultation = _drafted(slug)
    try:
        action(consultation)
    except ValidationFailed as exc:
        db.session.rollback()
        for messages in exc.errors.values():
            for text in messages:
                flash(str(text), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("authoring.manage", slug=slug))


@bp.route("/c/<slug>/publish", methods=["POST"])
@login_required
def publish(slug: str):
    """Publish the draft."""
    return _act(slug, lambda c: services.publish(c, current_user), _("Published."))


@bp.route("/c/<slug>/unpublish", methods=["POST"])
@login_required
def unpublish(slug: str):
    """Back to draft (only without submissions)."""
    return _act(slug, lambda c: services.unpublish(c, current_user), _("Back to draft."))


@bp.route("/c/<slug>/close", methods=["POST"])
@login_required
def close(slug: str):
    """Close now (logged and announced)."""
    note = (request.form.get("note") or "")[:300]
    return _act(slug, lambda c: services.close_now(c, current_user, note=note), _("Closed."))


@bp.route("/c/<slug>/extend", methods=["POST"])
@login_required
def extend(slug: str):
    """Extend the closing time (logged and announced on the consultation page)."""
    _drafted(slug)
    form = ExtendForm()
    if not form.validate_on_submit():
        flash(_("Choose a closing time later than the current one and than now."), "error")
        return redirect(url_for("authoring.manage", slug=slug))
    when = from_local(form.closes_at.data)
    return _act(slug, lambda c: services.extend(c, current_user, when, note=form.note.data), _("Extended."))


@bp.route("/c/<slug>/delete", methods=["POST"])
@login_required
def delete_draft(slug: str):
    """An admin deletes a draft that never received a submission."""
    consultation = _drafted(slug)
    if not current_user.is_admin:
        abort(403)
    try:
        services.delete_draft(consultation, current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("authoring.manage", slug=slug))
    db.session.commit()
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("analysis.dashboard"))


@bp.route("/c/<slug>/duplicate", methods=["POST"])
@login_required
def duplicate(slug: str):
    """An admin copies a consultation as the template of a new draft."""
    source = _drafted(slug)
    if not current_user.is_admin:
        abort(403)
    form = DuplicateForm()
    if not form.validate_on_submit():
        flash(_("Give the copy a web address and a title."), "error")
        return redirect(url_for("authoring.manage", slug=slug))
    try:
        copy = services.duplicate(source, current_user, slug=form.slug.data.strip(), title=form.title.data,
                                  upload_dir=current_app.config["UPLOAD_DIR"])
    except ValidationFailed as exc:
        db.session.rollback()
        for messages in exc.errors.values():
            for text in messages:
                flash(str(text), "error")
        return redirect(url_for("authoring.manage", slug=slug))
    from ..accounts.services import grant_role

    grant_role(current_user, copy, Role.drafter, actor=current_user)  # the copier drafts the copy
    db.session.commit()
    flash(_("Copied as a new draft."), "success")
    return redirect(url_for("authoring.manage", slug=copy.slug))


def _question_of(consultation, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.consultation_id != consultation.id:
        abort(404)
    return question


def _options(form: QuestionForm) -> list[str]:
    return [line.strip() for line in (form.options.data or "").splitlines() if line.strip()]


@bp.route("/c/<slug>/questions", methods=["GET", "POST"])
@login_required
def questions(slug: str):
    """The questions in order, and a form to add one."""
    consultation = _drafted(slug)
    form = QuestionForm()
    if form.validate_on_submit():
        if committed(form, lambda: services.add_question(
                consultation, key=(form.key.data or "").strip(), text=form.text.data, kind=QuestionKind(form.kind.data),
                help_text=form.help_text.data or "", options=_options(form) or None, required=form.required.data)):
            flash(_("Question added."), "success")
            return redirect(url_for("authoring.questions", slug=slug))
    return render_template("authoring/questions.html", consultation=consultation, form=form,
                           locked=services.has_submissions(consultation))


@bp.route("/c/<slug>/questions/<int(max=2147483647):question_id>", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, question_id: int):
    """Change one question; once submissions exist, only a logged correction of its text."""
    consultation = _drafted(slug)
    question = _question_of(consultation, question_id)
    form = QuestionForm(obj=question) if request.method == "GET" else QuestionForm()
    if request.method == "GET":
        form.kind.data = question.kind.value
        form.options.data = "\n".join(question.options)
    if form.validate_on_submit():
        if committed(form, lambda: services.update_question(
                question, current_user, text=form.text.data, help_text=form.help_text.data, kind=form.kind.data,
                options=_options(form), required=form.required.data, correction_note=form.correction_note.data)):
            flash(_("Saved."), "success")
            return redirect(url_for("authoring.questions", slug=slug))
    return render_template("authoring/question.html", consultation=consultation, question=question, form=form,
                           locked=services.has_submissions(consultation))


@bp.route("/c/<slug>/questions/<int(max=2147483647):question_id>/delete", methods=["POST"])
@login_required
def delete_question(slug: str, question_id: int):
    """Remove a question (only before any submission)."""
    consultation = _drafted(slug)
    question = _question_of(consultation, question_id)
    try:
        services.remove_question(question, current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("Question removed."), "success")
    return redirect(url_for("authoring.questions", slug=slug))


@bp.route("/c/<slug>/questions/<int(max=2147483647):question_id>/move", methods=["POST"])
@login_required
def move_question(slug: str, question_id: int):
    """Move a question up or down."""
    consultation = _drafted(slug)
    question = _question_of(consultation, question_id)
    direction = request.form.get("direction")
    if direction in ("up", "down"):
        services.move_question(question, current_user, -1 if direction == "up" else 1)
    db.session.commit()
    return redirect(url_for("authoring.questions", slug=slug))
