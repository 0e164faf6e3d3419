"""``flask consult analyse``."""
from __future__ import annotations

import sys

import click
from sqlalchemy.exc import IntegrityError

from ..cli import domain_errors
from ..consultations.queries import get_by_slug
from ..extensions import db
from . import services
from .queries import run_view


@click.command("analyse")
@click.argument("slug")
@click.option("--themes", "n_themes", type=click.IntRange(1, 40), default=None,
              help="Themes per question (default: chosen automatically).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@domain_errors
def analyse(slug, n_themes, seed):
    """Run the theme analysis of a consultation now, with a progress bar."""
    consultation = get_by_slug(slug, include_drafts=True)
    run = services.request_analysis(consultation, None, n_themes=n_themes, seed=seed)
    with click.progressbar(length=100, label="Analysing", file=sys.stderr) as bar:
        done = [0]

        def progress(stage: str, fraction: float) -> None:
            target = int(fraction * 100)
            if target > done[0]:
                bar.update(target - done[0])
                done[0] = target

        services.run_analysis(run, progress=progress)
        bar.update(100 - done[0])
    try:
        db.session.commit()
    except IntegrityError as exc:  # a run started on the web page in the meantime
        db.session.rollback()
        raise click.ClickException("an analysis of this consultation is already running") from exc
    view = run_view(run)
    for section in view.sections:
        n = len(section.themes)
        click.echo(f"{section.title[:70]}: {n} theme{'' if n == 1 else 's'}, "
                   f"{section.submission_count} submissions, {len(section.unassigned_refs)} unassigned")
    click.echo(f"Analysis {run.id} of {slug} finished: {run.submission_count} submissions analysed")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst):
    """Run a background worker for analyses and large exports (RQ on REDIS_URL)."""
    from flask import current_app

    from .. import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.UsageError("set REDIS_URL to use a worker (without it, jobs run in a thread of the web process)")
    from . import jobs as _registered  # noqa: F401 — the analysis job must be registered in the worker

    click.echo(f"Worker on {current_app.config['REDIS_URL']} (queue {jobs.QUEUE_NAME})")
    jobs.work(current_app._get_current_object(), burst=burst)
