"""Durability: many clients send submissions to gunicorn; the server is killed with SIGKILL
mid-way and restarted; every submission that received a receipt is in the database exactly once,
and retries of the same form (after the crash, or a double click) never create duplicates."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CLIENTS = 12
PER_CLIENT = 6
KILL_AFTER = 25  # receipts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT,
                               env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "3"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


class Client:
    """One respondent's browser: a cookie jar, the form's hidden fields, and its receipts."""

    def __init__(self, base: str, slug: str):
        self.base, self.slug = base, slug
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def form(self) -> dict:
        page = self.opener.open(f"{self.base}/c/{self.slug}/submit", timeout=10).read().decode()
        fields = dict(re.findall(r'name="(csrf_token|client_token)" type="hidden" value="([^"]*)"', page))
        return {**fields, "stakeholder_type": "citizen", "name": "Warga", "region": "Kotabumi",
                "body": f"Pendapat tentang mutasi ASN dari warga {fields['client_token'][:8]}.", "consent_publish": "y"}

    def send(self, data: dict) -> str | None:
        """The reference on the confirmation page, or ``None`` when the server did not answer."""
        try:
            body = self.opener.open(f"{self.base}/c/{self.slug}/submit", urllib.parse.urlencode(data).encode(),
                                    timeout=10).read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return None
        found = re.search(r"KTB-\d{4}-\d{6}", body)
        return found.group(0) if found else None


def test_receipts_survive_a_sigkill_exactly_once(template_db, tmp_path):
    from tests.conftest import need

    need(Path(sys.executable).with_name("gunicorn").exists(), "gunicorn is not installed")
    database = template_db.fresh(tmp_path, "durable")
    uri = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, "CONSULT_CONFIG": "production", "SECRET_KEY": "d" * 48, "DATABASE_URL": uri,
           "CONSULT_INSTANCE": str(tmp_path / "instance"), "MAIL_SUPPRESS_SEND": "1", "RATELIMIT_STORAGE_URI": "memory://",
           "COOKIE_SECURE": "0"}  # plain HTTP on loopback
    from consult import create_app
    from consult.consultations.services import create_consultation
    from consult.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": str(tmp_path / "instance"),
                                 "UPLOAD_DIR": str(tmp_path / "uploads")})
    with app.app_context():
        from datetime import timedelta

        from consult.common.types import utcnow

        create_consultation(slug="tahan", title="Uji ketahanan", opens_at=utcnow() - timedelta(days=1),
                            closes_at=utcnow() + timedelta(days=1))
        db.session.commit()
        db.engine.dispose()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start(env, port)
    receipts: dict[str, str] = {}  # client token → reference the client was shown
    unanswered: list[tuple[Client, dict]] = []
    lock, killed = threading.Lock(), threading.Event()

    def respondent():
        client = Client(base, "tahan")
        for _ in range(PER_CLIENT):
            try:
                data = client.form()
            except OSError:
                time.sleep(0.2)
                continue
            reference = client.send(data)
            with lock:
                if reference:
                    receipts[data["client_token"]] = reference
                    if len(receipts) >= KILL_AFTER and not killed.is_set():
                        killed.set()
                        os.killpg(server.pid, signal.SIGKILL)  # master and workers, mid-way
                else:
                    unanswered.append((client, data))

    threads = [threading.Thread(target=respondent) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert killed.is_set(), "the server was never killed"
    assert unanswered, "no request was in flight when the server was killed"
    server.wait(timeout=10)

    server = _start(env, port)  # restart on the same database
    try:
        # the clients whose request got no answer send the same form again; a double click too
        for client, data in unanswered:
            reference = client.send(data)
            assert reference, "a resent form was refused after the restart"
            receipts[data["client_token"]] = reference
        some_token, some_reference = next(iter(receipts.items()))
        double = [c for c, d in unanswered if d["client_token"] == some_token]
        if double:
            assert double[0].send(next(d for c, d in unanswered if d["client_token"] == some_token)) == some_reference
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    with app.app_context():
        from consult.submissions.models import Submission

        rows = db.session.execute(db.select(Submission.reference, Submission.client_token)).all()
        db.engine.dispose()
    stored = {token: reference for reference, token in rows}
    assert len(rows) == len(stored), "a form was stored twice"
    for token, reference in receipts.items():
        assert stored.get(token) == reference, f"the receipt {reference} is not in the database"
    assert len(receipts) >= KILL_AFTER
