"""Staff endpoints of ``/api/v1/staff``: the moderation queue and actions (``moderate`` scope,
moderator role), starting an analysis or an export (``analyse`` scope, drafter role), and their
jobs. Every call checks the token owner's role on that consultation."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, g, send_file, url_for
from flask_smorest import Page

from ..accounts.models import Role
from ..common.visibility import not_a_surface
from ..consultations import queries as consultation_queries
from ..errors import NotFound
from ..extensions import db
from ..jobs import Job, JobContext, enqueue, job
from . import schemas
from .problems import Problem
from .routes import BEARER, blp, requires, write_doc

EXPORT_TABLES = ("themes", "responses", "choices", "submissions")
EXPORT_FORMATS = ("csv", "json", "xlsx")
MIME = {"csv": "text/csv", "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _staff_consultation(slug: str, role: Role):
    """The consultation (drafts included) after checking the token owner holds ``role`` on it."""
    try:
        consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    except NotFound:
        raise Problem(404, "not_found", f"No consultation '{slug}'.") from None
    if not g.api_token.user.has_role(role, consultation.id):
        if consultation.lifecycle.value != "published" and not any(
                r.consultation_id == consultation.id for r in g.api_token.user.roles):
            raise Problem(404, "not_found", f"No consultation '{slug}'.")  # a draft stays unknown to outsiders
        raise Problem(403, "role_missing", f"The token's account is not a {role.value} of this consultation.")
    return consultation


def _export_path(job_id: int, fmt: str) -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"job-{job_id}.{fmt}"


def _job_out(row: Job) -> dict:
    state = row.effective_state.value
    file_url = None
    if row.name == "api.export" and state == "done":
        file_url = url_for("api.download_export", job_id=row.id, _external=True)
    return {"id": row.id, "kind": "analysis" if row.name == "analysis.run" else "export", "state": state,
            "stage": row.stage or "", "percent": row.percent, "file_url": file_url}


@blp.route("/staff/consultations/<slug>/moderation/queue", methods=["GET"])
@requires("moderate")
@blp.arguments(schemas.QueueFilter, location="query")
@blp.response(200, schemas.QueueItemOut(many=True))
@blp.paginate(Page, page_size=50, max_page_size=200)
@write_doc(BEARER, "moderate", e404="No such consultation.")
@not_a_surface("api.moderation_queue", "staff only: a moderator's token on that consultation")
def moderation_queue(filters, slug):
    """The moderation queue of submissions or discussion comments in one state (oldest first),
    with the rules' hits and the flags."""
    from ..common.mixins import ModerationStatus
    from ..moderation import services

    c = _staff_consultation(slug, Role.moderator)
    state = ModerationStatus(filters["state"])
    if filters["kind"] == "comment":
        return [{"kind": "comment", "id": str(i.comment.id), "state": i.comment.moderation_status.value,
                 "received_at": i.comment.created_at, "text": i.comment.body, "rules": i.rules, "flags": i.flags,
                 "escalated": i.escalated} for i in services.comment_queue(c, state)]
    return [{"kind": "submission", "id": i.submission.reference, "state": i.submission.moderation_status.value,
             "received_at": i.submission.submitted_at, "text": services.submission_text(i.submission),
             "rules": i.rules, "flags": i.flags, "escalated": i.escalated} for i in services.queue(c, state)]


def _moderate(item, data, ident: str) -> tuple[dict, object]:
    """Apply a moderator's action to a submission or comment and commit; returns ``(answer,
    audit row)``. Raises a 409 problem when the action does not apply."""
    from ..moderation import services

    try:
        row = services.apply(item, g.api_token.user, data["action"], reason=data.get("reason"),
                             public_note=data.get("public_note"))
    except services.NotAllowedHere as exc:
        db.session.rollback()
        raise Problem(409, "action_not_applicable", str(exc)) from None
    db.session.commit()
    return {"id": ident, "action": row.action.value, "before": row.before, "after": row.after,
            "at": row.created_at}, row


@blp.route("/staff/consultations/<slug>/submissions/<reference>/moderation", methods=["POST"])
@requires("moderate")
@blp.arguments(schemas.ModerationIn)
@blp.response(200, schemas.ModerationOut)
@write_doc(BEARER, "moderate", e404="No such consultation or submission.", e409="The action does not apply to the submission's state (or hiding without a reason).")
@not_a_surface("api.moderate_submission", "staff only: a moderator's token on that consultation")
def moderate_submission(data, slug, reference):
    """Approve, hide (with a reason and public note), restore, redact or escalate one
    submission; logged in the audit log like the web queue."""
    from ..moderation.routes import _tell_author
    from ..submissions.models import Submission

    c = _staff_consultation(slug, Role.moderator)
    submission = db.session.scalar(db.select(Submission).where(Submission.consultation_id == c.id,
                                                               Submission.reference == reference))
    if submission is None:
        raise Problem(404, "not_found", "No such submission in this consultation.")
    out, row = _moderate(submission, data, reference)
    _tell_author(submission, row)
    return out


@blp.route("/staff/consultations/<slug>/comments/<int:comment_id>/moderation", methods=["POST"])
@requires("moderate")
@blp.arguments(schemas.ModerationIn)
@blp.response(200, schemas.ModerationOut)
@write_doc(BEARER, "moderate", e404="No such consultation or comment.", e409="The action does not apply to the comment's state (or hiding without a reason).")
@not_a_surface("api.moderate_comment", "staff only: a moderator's token on that consultation")
def moderate_comment(data, slug, comment_id):
    """Approve, hide, restore or escalate one discussion comment (``redact`` does not apply)."""
    from ..discussion.models import Comment

    c = _staff_consultation(slug, Role.moderator)
    comment = db.session.get(Comment, comment_id) if comment_id <= 2_147_483_647 else None
    if comment is None or comment.consultation_id != c.id:
        raise Problem(404, "not_found", "No such comment in this consultation.")
    return _moderate(comment, data, str(comment_id))[0]


@blp.route("/staff/consultations/<slug>/analyses", methods=["POST"])
@requires("analyse")
@blp.arguments(schemas.AnalysisIn, required=False)
@blp.response(202, schemas.JobOut)
@write_doc(BEARER, "analyse", e404="No such consultation.", e409="An analysis is already running.")
@not_a_surface("api.start_analysis", "staff only: a drafter's token on that consultation")
def start_analysis(data, slug):
    """Start a theme analysis in the background; poll the job for progress."""
    from sqlalchemy.exc import IntegrityError

    from ..analysis import services

    c = _staff_consultation(slug, Role.drafter)
    data = data or {}
    try:
        run = services.request_analysis(c, g.api_token.user, n_themes=data.get("n_themes"))
        db.session.commit()
    except (services.AnalysisRunning, IntegrityError):
        db.session.rollback()
        raise Problem(409, "analysis_running", "An analysis of this consultation is already queued or running.") from None
    row = enqueue("analysis.run", run.id)
    run.job_id = row.id
    db.session.commit()
    return _job_out(db.session.get(Job, row.id)), 202


@blp.route("/staff/consultations/<slug>/exports", methods=["POST"])
@requires("analyse")
@blp.arguments(schemas.ExportIn)
@blp.response(202, schemas.JobOut)
@write_doc(BEARER, "analyse", e404="No such consultation.", e409="No analysis has finished yet (theme, response and choice tables).")
@not_a_surface("api.start_export", "staff only: a drafter's token on that consultation")
def start_export(data, slug):
    """Start an export (themes, response table, closed-question tallies or all analysed
    submissions; CSV, JSON or XLSX) in the background; the done job gives the file's address."""
    from ..analysis.queries import latest_run

    c = _staff_consultation(slug, Role.drafter)
    if data["table"] != "submissions" and latest_run(c) is None:
        raise Problem(409, "no_analysis", "No analysis of this consultation has finished yet.")
    row = enqueue("api.export", c.id, EXPORT_TABLES.index(data["table"]), EXPORT_FORMATS.index(data["format"]),
                  g.api_token.user_id)
    return _job_out(db.session.get(Job, row.id)), 202


def _job_for_token(job_id: int) -> Job:
    """A job of a consultation the token's owner is drafter of (analysis and export jobs)."""
    from ..analysis.models import AnalysisRun
    from ..consultations.models import Consultation

    row = db.session.get(Job, job_id) if job_id <= 2_147_483_647 else None
    consultation_id = None
    if row is not None and row.name == "api.export":
        consultation_id = row.args[0]
    elif row is not None and row.name == "analysis.run":
        run = db.session.get(AnalysisRun, row.args[0])
        consultation_id = run.consultation_id if run else None
    consultation = db.session.get(Consultation, consultation_id) if consultation_id else None
    if consultation is None or not g.api_token.user.has_role(Role.drafter, consultation.id):
        raise Problem(404, "not_found", "No such job among your consultations.")
    return row


@blp.route("/staff/jobs/<int:job_id>", methods=["GET"])
@requires("analyse")
@blp.response(200, schemas.JobOut)
@write_doc(BEARER, "analyse", e404="No such job among the token owner's consultations.")
@not_a_surface("api.get_job", "staff only: a drafter's token on the job's consultation")
def get_job(job_id):
    """The state and progress of an analysis or export job."""
    return _job_out(_job_for_token(job_id))


@blp.route("/staff/jobs/<int:job_id>/file", methods=["GET"])
@requires("analyse")
@blp.response(200, description="The exported file (CSV, JSON or XLSX).", content_type="application/octet-stream")
@write_doc(BEARER, "analyse", e404="No such export, or it is not done.")
@not_a_surface("api.download_export", "staff only: a drafter's token on the job's consultation")
def download_export(job_id):
    """Download a finished export."""
    row = _job_for_token(job_id)
    if row.name != "api.export" or row.effective_state.value != "done":
        raise Problem(404, "not_found", "This job is not a finished export.")
    fmt = EXPORT_FORMATS[row.args[2]]
    path = _export_path(row.id, fmt)
    if not path.exists():
        raise Problem(404, "not_found", "The export file is gone; start a new export.")
    return send_file(path, mimetype=MIME[fmt], as_attachment=True,
                     download_name=f"export-{row.id}-{EXPORT_TABLES[row.args[1]]}.{fmt}")


@job("api.export")
def export_job(ctx: JobContext, consultation_id: int, table: int, fmt: int, user_id: int) -> None:
    """Write one export (``EXPORT_TABLES[table]`` as ``EXPORT_FORMATS[fmt]``) of a consultation
    to ``UPLOAD_DIR/exports/job-<id>.<fmt>``, as the drafter downloads would (analysis audience:
    everything analysed counted, only quotable text quoted)."""
    from ..consultations.models import Consultation
    from ..exports.submissions import stream_csv, stream_json, stream_xlsx, submission_rows
    from ..exports.tables import TABLE_WRITERS, build

    consultation = db.session.get(Consultation, consultation_id)
    name, extension = EXPORT_TABLES[table], EXPORT_FORMATS[fmt]
    path = _export_path(ctx.job_id, extension)
    ctx.progress("export", 0.1)
    if name == "submissions":
        streams = {"csv": lambda rows: stream_csv(rows), "xlsx": lambda rows: stream_xlsx(rows),
                   "json": lambda rows: stream_json(rows, {"consultation": consultation.slug})}
        with open(path, "wb") as out:
            for chunk in streams[extension](submission_rows(consultation)):
                out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    else:
        path.write_bytes(TABLE_WRITERS[extension].write(build([name], consultation)))
    ctx.progress("done", 1.0)
