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
    except Exception:
        db.session.rollback()
        run = db.session.get(AnalysisRun, run_id)
        mark_failed(run, traceback.format_exc(limit=5))
        db.session.commit()
        raise
