"""Background jobs with a progress row.

``enqueue(name, *ids)`` records a :class:`Job` row and runs the registered function: on an RQ
worker when ``REDIS_URL`` is set (``flask --app wsgi consult worker``, on as many machines as
needed), else in a background thread of this process (or at once when ``JOBS_INLINE`` is set, as
in tests). The row and the job functions are the same either way.

A job function is registered with :func:`job` and receives a :class:`JobContext` first, then the
ids it was given (ids, never objects: the row may have changed by the time it runs). It reports
progress with ``ctx.progress(stage, fraction)``, which also beats the heartbeat; a running job
whose heartbeat is older than ``STALE_AFTER`` is shown as failed.
"""
from __future__ import annotations

import enum
import threading
import traceback
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import JSON, Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .common.mixins import TimestampMixin
from .common.types import UTCDateTime, utcnow
from .extensions import db

STALE_AFTER = timedelta(minutes=5)
# a queued job no worker picked up within this time is reported as failed (retry it)
QUEUED_TOO_LONG = timedelta(minutes=30)
QUEUE_NAME = "consult"
JOB_TIMEOUT = 3 * 3600  # seconds an RQ worker lets one job run
_REGISTRY: dict[str, Callable] = {}


class JobState(str, enum.Enum):
    """Lifecycle of a job."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(TimestampMixin, db.Model):
    """A unit of background work and its progress (``percent`` 0–100)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    args: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    state: Mapped[JobState] = mapped_column(
        Enum(JobState, name="job_state", native_enum=False, length=16), default=JobState.queued, nullable=False
    )
    stage: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    percent: Mapped[int] = mapped_column(default=0, nullable=False)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)

    @property
    def effective_state(self) -> JobState:
        """``state``, except that a running job whose heartbeat stopped (its worker was killed)
        and a queued job no worker picked up in time count as failed."""
        now = utcnow()
        if self.state is JobState.running and now - (self.heartbeat_at or self.started_at or now) > STALE_AFTER:
            return JobState.failed
        if self.state is JobState.queued and self.created_at and now - self.created_at > QUEUED_TOO_LONG:
            return JobState.failed
        return self.state

    def as_dict(self) -> dict:
        """``{"id", "state", "stage", "percent", "active"}`` for the progress poller."""
        state = self.effective_state
        return {"id": self.id, "state": state.value, "stage": self.stage, "percent": self.percent,
                "active": state in (JobState.queued, JobState.running)}

    @property
    def is_active(self) -> bool:
        """Queued or running (and not stale)."""
        return self.effective_state in (JobState.queued, JobState.running)


class JobContext:
    """Handed to a job function: its job id and a progress reporter."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def progress(self, stage: str, fraction: float) -> None:
        """Record ``stage`` and ``fraction`` (0–1) of the work done; commits the job row only."""
        with db.engine.begin() as conn:
            conn.execute(
                Job.__table__.update().where(Job.__table__.c.id == self.job_id).values(
                    stage=stage[:80], percent=int(round(max(0.0, min(1.0, fraction)) * 100)),
                    heartbeat_at=utcnow().replace(tzinfo=None), state=JobState.running.value,
                )
            )


def job(name: str):
    """Register a function as the job called ``name``."""

    def decorator(func):
        _REGISTRY[name] = func
        return func

    return decorator


def _run(job_id: int) -> None:
    row = db.session.get(Job, job_id)
    func = _REGISTRY[row.name]
    row.state, row.started_at, row.heartbeat_at = JobState.running, utcnow(), utcnow()
    db.session.commit()
    try:
        func(JobContext(job_id), *row.args)
        db.session.commit()
        row = db.session.get(Job, job_id)
        row.state, row.percent, row.finished_at = JobState.done, 100, utcnow()
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("job %s (%s) failed", job_id, func.__name__)
        row = db.session.get(Job, job_id)
        row.state, row.finished_at = JobState.failed, utcnow()
        row.error = traceback.format_exc(limit=5)[-4000:]
        db.session.commit()


def enqueue(name: str, *ids: int) -> Job:
    """Record a job and start it. Commits the new row, so the worker can see it.

    Args:
        name: a name registered with :func:`job`.
        ids: integer ids passed to the job function.

    Raises:
        KeyError: no job is registered under ``name``.
    """
    if name not in _REGISTRY:
        raise KeyError(f"no job registered as {name!r}")
    row = Job(name=name, args=list(ids))
    db.session.add(row)
    db.session.commit()
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        _run(row.id)
        return row
    if app.config.get("REDIS_URL"):
        queue(app).enqueue("consult.jobs.run_in_worker", row.id, job_timeout=JOB_TIMEOUT,
                           description=f"{name} {list(ids)}", failure_ttl=7 * 24 * 3600)
        return row

    def target(job_id: int = row.id):
        with app.app_context():
            _run(job_id)

    threading.Thread(target=target, name=f"job-{row.id}", daemon=True).start()
    return row


# --------------------------------------------------------------------------- RQ

_WORKER_APP = None  # the app a worker process runs jobs in (set by the worker command)


def queue(app):
    """The RQ queue on ``REDIS_URL``."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def run_in_worker(job_id: int) -> None:
    """What an RQ worker executes: run the job row ``job_id`` in the worker's app (made from the
    environment when the worker command did not set one)."""
    global _WORKER_APP
    if _WORKER_APP is None:
        from . import create_app

        _WORKER_APP = create_app()
    with _WORKER_APP.app_context():
        _run(job_id)
        db.session.remove()


def work(app, *, burst: bool = False, simple: bool = False) -> bool:
    """Run an RQ worker on ``app``'s queue until stopped (or, with ``burst``, until empty).

    ``simple`` runs jobs in this process (``rq.SimpleWorker``) instead of a forked one.
    Returns whether any job ran.
    """
    from rq import SimpleWorker, Worker

    global _WORKER_APP
    _WORKER_APP = app
    worker_class = SimpleWorker if simple else Worker
    q = queue(app)
    return worker_class([q], connection=q.connection).work(burst=burst)
