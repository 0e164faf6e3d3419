"""Background jobs with a progress row.

``enqueue(name, *ids)`` records a :class:`Job` row and runs the registered function in a
background thread of this process (or at once when ``JOBS_INLINE`` is set, as in tests). The
production issue adds RQ when ``REDIS_URL`` is set; the row and the job functions stay the same.

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
        """``state``, except that a running job with a stale heartbeat counts as failed."""
        if self.state is JobState.running and self.heartbeat_at and utcnow() - self.heartbeat_at > STALE_AFTER:
            return JobState.failed
        return self.state

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

    def target(job_id: int = row.id):
        with app.app_context():
            _run(job_id)

    threading.Thread(target=target, name=f"job-{row.id}", daemon=True).start()
    return row
