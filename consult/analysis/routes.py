"""Staff pages: the dashboard and the drafter's theme page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import jobs
from ..accounts.models import ConsultationRole, Role
from ..accounts.permissions import require_role
from ..common.hooks import register_consultation_panel, register_receipt_panel
from ..common.visibility import Audience
from ..consultations import queries as consultation_queries
from ..consultations.models import Consultation
from ..extensions import db
from ..submissions.queries import count_for
from .charts import consultation_charts
from . import queries, services
from .forms import RunAnalysisForm

bp = Blueprint("analysis", __name__)

# The engine's progress stages, as the drafter reads them.
STAGE_LABELS = {
    "preprocess": _l("preparing the texts"),
    "vectorise": _l("comparing the texts"),
    "cluster": _l("grouping into themes"),
    "describe": _l("describing the themes"),
}


@bp.app_template_filter("ratio")
def ratio_filter(value: float) -> str:
    """A ratio (stakeholder emphasis) in the page's language: 8.8 → "8,8" in Indonesian, 2.0 → "2"."""
    return format_decimal(value, format="#,##0.#")


@bp.app_template_test("own_words")
def own_words_test(text: str, minimum: int = 5) -> bool:
    """Whether a campaign copy's added text is words of its own (a sentence, not a filled-in name)."""
    return len(text.split()) >= minimum


@register_receipt_panel
def _receipt_themes(submission):
    from .responses import published_for_submission

    themes = queries.themes_of_submission(submission)
    return ("analysis/_receipt_panel.html", {"themes": themes, "responses": published_for_submission(submission)})


@register_consultation_panel
def _consultation_responses(consultation):
    from .responses import published_for_consultation

    answers = published_for_consultation(consultation)
    if not answers and not consultation.answered:
        return None
    return ("analysis/_consultation_panel.html", {"responses": answers, "results": consultation.answered,
                                                  "slug": consultation.slug})


@bp.route("/")
@login_required
def dashboard():
    """The consultations this staff member works on."""
    stmt = select(Consultation).order_by(Consultation.id.desc())
    if not current_user.is_admin:
        stmt = stmt.join(ConsultationRole, ConsultationRole.consultation_id == Consultation.id).where(
            ConsultationRole.user_id == current_user.id).distinct()
    consultations = list(db.session.scalars(stmt))
    rows = [(c, count_for(c, Audience.ANALYSIS), queries.latest_run(c)) for c in consultations]
    return render_template("analysis/dashboard.html", rows=rows)


@bp.route("/c/<slug>/themes/progress.json")
@login_required
def analysis_progress(slug: str):
    """The running analysis's job as JSON, for the page's progress poller (drafters only)."""
    from flask import jsonify

    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    pending = queries.latest_run(consultation, finished=False)
    if pending is None or pending.job is None:
        return jsonify({"state": "none", "active": False})
    response = jsonify({**pending.job.as_dict(), "run": pending.id, "run_state": pending.state.value})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/c/<slug>/themes")
@login_required
def show_themes(slug: str):
    """The drafter's view of the themes: counts, key phrases, quotes, stakeholder types."""
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    run = queries.latest_run(consultation)
    pending = queries.latest_run(consultation, finished=False)
    if pending is not None and run is not None and pending.id == run.id:
        pending = None
    view = queries.run_view(run, Audience.ANALYSIS) if run else None
    from .forms import ConfirmForm
    from .responses import responses_of

    answered = {(r.section_key, r.theme_key): r for r in responses_of(consultation.id) if r.theme_key}
    return render_template(
        "analysis/themes.html", consultation=consultation, view=view, pending=pending, answered=answered,
        confirm=ConfirmForm(),
        form=RunAnalysisForm(), analysed_now=count_for(consultation, Audience.ANALYSIS),
        charts=consultation_charts(consultation, view, Audience.ANALYSIS), stage_labels=STAGE_LABELS,
        stage_labels_plain={key: str(label) for key, label in STAGE_LABELS.items()},
    )


@bp.route("/c/<slug>/themes/run", methods=["POST"])
@login_required
def run_analysis(slug: str):
    """Start a new analysis run in the background."""
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    form = RunAnalysisForm()
    if not form.validate():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("analysis.show_themes", slug=slug))
    try:
        run = services.request_analysis(consultation, current_user, n_themes=form.n_themes.data)
        db.session.commit()
    except (services.AnalysisRunning, IntegrityError):  # IntegrityError: a second click won the race
        db.session.rollback()
        flash(_("An analysis is already running."), "info")
        return redirect(url_for("analysis.show_themes", slug=slug))
    job = jobs.enqueue("analysis.run", run.id)
    run.job_id = job.id
    db.session.commit()
    flash(_("The analysis has started. This page shows its progress."), "success")
    return redirect(url_for("analysis.show_themes", slug=slug))


from . import workspace  # noqa: E402,F401  (registers the workspace views on bp)
