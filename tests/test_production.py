"""Production pieces: jobs on RQ with a real Redis, job states that never hang, progress without
reloading, the health check, request ids and JSON logs."""
from __future__ import annotations

import json
import logging
import os
from datetime import timedelta

from consult.extensions import db
from tests.conftest import need

REDIS = os.environ.get("CONSULT_TEST_REDIS")  # e.g. redis://127.0.0.1:6379/15 (.ci/run starts one)


def test_an_analysis_runs_on_an_rq_worker_with_a_real_redis(make_app):
    need(REDIS, "CONSULT_TEST_REDIS is not set (a redis-server for the job tests)")
    from redis import Redis

    from consult import jobs
    from consult.analysis.models import AnalysisRun, RunState

    app = make_app("rq", REDIS_URL=REDIS, JOBS_INLINE=False)
    Redis.from_url(REDIS).flushdb()
    client = app.test_client()
    with app.app_context():
        from consult.accounts.services import create_user, grant_role
        from consult.common.mixins import ModerationStatus
        from consult.consultations.services import add_question, create_consultation
        from consult.submissions.services import SubmissionInput, record_submission

        consultation = create_consultation(slug="rq", title="RQ")
        add_question(consultation, key="q1", text="Bagaimana?")
        for i in range(8):
            record_submission(consultation, SubmissionInput(
                stakeholder_type="citizen", body=f"Kriteria mutasi ASN harus transparan nomor {i}.",
                consent_publish=True), {"q1": f"Pelatihan ASN harus merata ke kecamatan {i}."},
                secret="s", reference_prefix="KTB", status=ModerationStatus.published)
        grant_role(create_user("d@example.org", "correct-horse-1"), consultation, "drafter")
        db.session.commit()
    client.post("/auth/login", data={"email": "d@example.org", "password": "correct-horse-1"})
    client.post("/staff/c/rq/themes/run", data={"n_themes": ""})
    status = client.get("/staff/c/rq/themes/progress.json").get_json()
    assert status["state"] == "queued" and status["active"]  # waiting in Redis, no worker yet
    assert jobs.queue(app).count == 1
    assert jobs.work(app, burst=True, simple=True)
    assert client.get("/staff/c/rq/themes/progress.json").get_json()["active"] is False
    with app.app_context():
        run = db.session.scalar(db.select(AnalysisRun).order_by(AnalysisRun.id.desc()))
        assert run.state is RunState.done and run.job.percent == 100
    assert 'class="theme' in client.get("/staff/c/rq/themes").get_data(as_text=True)


def test_a_killed_or_lost_job_is_reported_failed_not_running(app):
    from consult.common.types import utcnow
    from consult.jobs import STALE_AFTER, Job, JobState

    with app.app_context():
        killed = Job(name="analysis.run", args=[1], state=JobState.running,
                     started_at=utcnow() - STALE_AFTER * 2, heartbeat_at=utcnow() - STALE_AFTER * 2)
        lost = Job(name="analysis.run", args=[1], state=JobState.queued)
        alive = Job(name="analysis.run", args=[1], state=JobState.running, heartbeat_at=utcnow())
        db.session.add_all([killed, lost, alive])
        db.session.commit()
        lost.created_at = utcnow() - timedelta(hours=2)
        db.session.commit()
        assert killed.effective_state is JobState.failed and not killed.as_dict()["active"]
        assert lost.effective_state is JobState.failed
        assert alive.effective_state is JobState.running and alive.as_dict()["active"]


def test_progress_is_for_drafters_only(client, make_consultation, make_user, login):
    slug = make_consultation()
    assert client.get(f"/staff/c/{slug}/themes/progress.json").status_code in (302, 401)
    login(make_user("mod@example.org", role="moderator", slug=slug))
    assert client.get(f"/staff/c/{slug}/themes/progress.json").status_code == 403


def test_health_check_and_request_ids(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
    assert len(response.headers["X-Request-ID"]) == 32
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"


def test_health_check_reports_a_broken_database(make_app):
    app = make_app("broken")
    with app.app_context():
        from sqlalchemy import create_engine

        db.engines[None] = create_engine("sqlite:////nonexistent-dir/none.sqlite3")
        response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"


def test_json_logs(make_app):
    from consult.common.logs import JsonFormatter

    app = make_app("logs", LOG_FORMAT="json")
    with app.test_request_context("/c/x", headers={"X-Request-ID": "req-1"}):
        from flask import g

        g.request_id = "req-1"
        record = logging.LogRecord("consult", logging.WARNING, __file__, 1, "disk %s full", ("/tmp",), None)
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "disk /tmp full" and line["level"] == "WARNING"
    assert line["path"] == "/c/x" and line["request_id"] == "req-1" and line["time"].endswith("+00:00")


def test_public_pages_are_micro_cached_for_anonymous_visitors_only(make_app):
    from consult.common import cache

    cache.clear()
    app = make_app("cache", TESTING=False)
    with app.app_context():
        from consult.consultations.services import create_consultation

        create_consultation(slug="c", title="C")
        db.session.commit()
    visitor = app.test_client()
    assert visitor.get("/c/c").headers["X-Cache"] == "MISS"
    assert visitor.get("/c/c").headers["X-Cache"] == "HIT"
    assert visitor.get("/c/c?lang=en").headers["X-Cache"] == "MISS"  # per language
    assert "X-Cache" not in visitor.get("/c/c/submissions").headers  # pages with text are never cached
    cache.clear()


def test_a_forged_host_header_is_refused_when_the_site_url_is_set(make_app):
    """With TRUSTED_HOSTS (production derives it from SITE_URL), a request for another host gets
    400, so it can never put that host into e-mailed links, og:url or the page cache."""
    app = make_app("hosts", TESTING=False, TRUSTED_HOSTS=["consult.test"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    page = client.get("/", headers={"Host": "consult.test"})
    assert page.status_code == 200 and 'content="http://consult.test/"' in page.get_data(as_text=True)
