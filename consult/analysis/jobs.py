"""The background job that runs an analysis."""
from __future__ import annotations

import traceback

from ..extensions import db
from ..jobs import JobContext, job
from .models import AnalysisRun
from .services import mark_failed, mark_running, run_analysis


@job("analysis.run")
def analysis_job(ctx: JobContext, run_id: int) -> None:
    """Run analysis run ``run_id``, reporting progress on the job row; commits the result."""
    run = db.session.get(AnalysisRun, run_id)
    mark_running(run)
    db.session.commit()  # the page shows "running" while the engine works
    try:
        run_analysis(run, progress=ctx.progress)
        db.session.commit()
        tell_new_members(run.consultation)
    except Exception:
        db.session.rollback()
        run = db.session.get(AnalysisRun, run_id)
        mark_failed(run, traceback.format_exc(limit=5))
        db.session.commit()
        raise


def tell_new_members(consultation) -> int:
    """After a run, e-mail the respondents who now sit in a theme with a published response and
    were never told (new submissions that joined an answered theme); links use ``SITE_URL``.
    Returns how many were told; a mail failure is logged, never fails the run."""
    import logging

    from flask import current_app

    from .responses import notify_respondents, responses_of
    from .workspace import _send_response_mail

    if not responses_of(consultation.id, published_only=True):
        return 0
    try:
        with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
            told = notify_respondents(consultation, _send_response_mail)
        db.session.commit()
        return told
    except Exception:  # noqa: BLE001 - the analysis itself succeeded
        db.session.rollback()
        logging.getLogger(__name__).exception("telling respondents about published responses failed")
        return 0
