"""Drafter downloads (theme summary, tables, report, submissions) and the public results page and
open data."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.visibility import public_surface
from ..consultations import queries as consultation_queries
from .builders import NoAnalysis, theme_summary
from .writers import WRITERS

bp = Blueprint("exports", __name__)


@bp.route("/c/<slug>/submissions.<fmt>")
@login_required
def download_submissions(slug: str, fmt: str):
    """Every analysed submission, one row each, streamed as CSV, JSON or XLSX (drafters and admins)."""
    from flask import stream_with_context

    from ..common.types import utcnow
    from .submissions import stream_csv, stream_json, stream_xlsx, submission_rows

    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    if fmt == "csv":
        body, mimetype = stream_csv(submission_rows(consultation)), "text/csv; charset=utf-8"
    elif fmt == "json":
        meta = {"consultation": consultation.slug, "generated_at": utcnow().isoformat(timespec="seconds")}
        body, mimetype = stream_json(submission_rows(consultation), meta), "application/json"
    elif fmt == "xlsx":
        body = stream_xlsx(submission_rows(consultation))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    return Response(stream_with_context(body), content_type=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{consultation.slug}-submissions.{fmt}"'})


@bp.route("/c/<slug>/export.<fmt>")
@login_required
def download_export(slug: str, fmt: str):
    """Download the latest theme summary as CSV or JSON (drafters and admins)."""
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    writer = WRITERS.get(fmt)
    if writer is None:
        abort(404)
    try:
        summary = theme_summary(consultation)
    except NoAnalysis:
        flash(_("No analysis has finished yet."), "error")
        return redirect(url_for("analysis.show_themes", slug=slug))
    filename = f"{consultation.slug}-themes.{writer.extension}"
    return Response(writer.write(summary), content_type=writer.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/c/<slug>/tables/<any('themes', 'responses', 'choices', 'all'):table>.<fmt>")
@login_required
def download_table(slug: str, table: str, fmt: str):
    """A drafter table (themes, the response table, closed-question tallies, or ``all`` of them:
    one XLSX sheet each) as CSV, XLSX or JSON; counts everything analysed, quotes only quotable text."""
    from .tables import TABLE_WRITERS, TABLES, build

    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    writer = TABLE_WRITERS.get(fmt)
    if writer is None or (table == "all" and fmt == "csv"):
        abort(404)
    try:
        tables = build(list(TABLES) if table == "all" else [table], consultation)
    except NoAnalysis:
        flash(_("No analysis has finished yet."), "error")
        return redirect(url_for("analysis.show_themes", slug=slug))
    return Response(writer.write(tables), content_type=writer.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{consultation.slug}-{table}.{writer.extension}"'})


@bp.route("/c/<slug>/report.<any('pdf', 'docx'):fmt>")
@login_required
def download_report(slug: str, fmt: str):
    """The consultation report (laporan hasil konsultasi publik) as PDF or DOCX."""
    from .report import REPORT_WRITERS, report_data

    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    try:
        data = report_data(consultation)
    except NoAnalysis:
        flash(_("No analysis has finished yet."), "error")
        return redirect(url_for("analysis.show_themes", slug=slug))
    mimetype, write = REPORT_WRITERS[fmt]
    return Response(write(data), content_type=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{consultation.slug}-laporan.{fmt}"'})


public_bp = Blueprint("open_data", __name__)


@public_bp.route("/c/<slug>/open-data/<any('submissions', 'responses'):table>.<any('csv', 'json'):fmt>")
@public_surface("open_data.download")
def download(slug: str, table: str, fmt: str):
    """Open data: the consultation's published submissions (text only where its author agreed to
    publish it; no name, e-mail or kecamatan) or, once drafters published the results page, its
    themes with their published responses, as CSV or JSON."""
    from .tables import TABLE_WRITERS, open_data_tables

    consultation = consultation_queries.get_by_slug(slug)
    if table == "responses" and not consultation.answered:
        abort(404)  # the theme table goes public with the results page, not before
    tables = [t for t in open_data_tables(consultation) if t.name == table]
    writer = TABLE_WRITERS[fmt]
    return Response(writer.write(tables), content_type=writer.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{consultation.slug}-{table}-open-data.{fmt}"'})


@public_bp.route("/c/<slug>/results")
@public_surface("open_data.results")
def results(slug: str):
    """The public results page, once drafters publish it: themes and their published responses,
    charts and closed-question results; published submissions count, quotes are quotable ones.
    Not micro-cached: it quotes submissions, and a hidden one must vanish at once."""
    from ..analysis.charts import consultation_charts
    from ..analysis.queries import latest_run, run_view
    from ..analysis.responses import published_for_consultation
    from ..common.visibility import Audience
    from ..submissions.queries import count_for

    consultation = consultation_queries.get_by_slug(slug)
    if not consultation.answered:
        abort(404)
    run = latest_run(consultation)
    view = run_view(run, Audience.PUBLIC) if run else None
    answers = {(p.response.section_key, p.response.theme_key): p for p in published_for_consultation(consultation)
               if p.response.theme_key}
    own = [p for p in published_for_consultation(consultation) if p.submission_ref]
    return render_template("analysis/results.html", consultation=consultation, view=view, answers=answers, own=own,
                           charts=consultation_charts(consultation, view, Audience.PUBLIC),
                           count=count_for(consultation, Audience.PUBLIC))
