"""Fixtures shared by the whole suite.

The database is built once per session with the real migrations (``flask db upgrade``) into a
template — a SQLite file, or, when ``CONSULT_TEST_POSTGRES`` names a PostgreSQL server, a
template database — and each test gets its own copy (a file copy, or ``CREATE DATABASE …
TEMPLATE``), so tests are isolated and may use background threads. Builders (``make_consultation``, ``make_submission``, ``make_user``)
create rows through the services and return plain values (slugs, references, tokens), so tests
never hold objects across app contexts.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from consult import create_app

ROOT = Path(__file__).resolve().parent.parent
# e.g. postgresql+psycopg://consult:consult@127.0.0.1:5432/consult — run the suite on PostgreSQL
POSTGRES = os.environ.get("CONSULT_TEST_POSTGRES")
SHARED_DATA = Path(os.environ.get("CONSULT_SHARED_DATA", ROOT.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(condition: bool, reason: str) -> None:
    """Skip the test with ``reason`` unless ``condition`` holds; under ``CI=true`` fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true any skip is a failure: CI proves what a laptop may skip."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true: {report.longrepr}"


def _config(database: Path | str, tmp: Path, **extra) -> dict:
    """Test configuration on ``database``: a SQLite file path or a database URL."""
    return {
        "SQLALCHEMY_DATABASE_URI": database if isinstance(database, str) else f"sqlite:///{database}",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "INSTANCE_PATH": str(tmp / "instance"),
        "SHARED_DATA_DIR": str(SHARED_DATA),
        "SERVER_NAME": "consult.test",
        **extra,
    }


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile the .po catalogues to .mo when missing or stale, as `make translations` does.

    Pages are checked in Indonesian (the default), so the catalogue must be compiled.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "consult" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with open(po, "rb") as src:
                catalogue = read_po(src)
            with open(mo, "wb") as out:
                write_mo(out, catalogue)


class DatabaseTemplate:
    """The migrated template database; :meth:`fresh` gives each test its own copy."""

    def __init__(self, tmp: Path):
        import uuid

        self.tmp = tmp
        self.copies: list[str] = []
        self.prefix = f"consult_t{uuid.uuid4().hex[:8]}"
        if POSTGRES:
            self.source = f"{self.prefix}_template"
            self._admin(f'CREATE DATABASE "{self.source}"')
            self.uri = self._url(self.source)
        else:
            self.source = tmp / "template.sqlite3"
            self.uri = self.source
        from flask_migrate import upgrade

        from consult.extensions import db

        app = create_app("testing", _config(self.uri, tmp))
        with app.app_context():
            upgrade()
            db.engine.dispose()

    @property
    def kind(self) -> str:
        """``postgresql`` or ``sqlite``."""
        return "postgresql" if POSTGRES else "sqlite"

    def _url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def fresh(self, tmp_path: Path, name: str = "test") -> Path | str:
        """A new copy of the template: a SQLite file under ``tmp_path`` or a database URL."""
        if not POSTGRES:
            path = tmp_path / f"{name}.sqlite3"
            shutil.copy(self.source, path)
            return path
        database = f"{self.prefix}_{len(self.copies)}"
        self._admin(f'CREATE DATABASE "{database}" TEMPLATE "{self.source}"')
        self.copies.append(database)
        return self._url(database)

    def drop_all(self) -> None:
        """Drop every copy and the template (PostgreSQL)."""
        if POSTGRES:
            for database in [*self.copies, self.source]:
                self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> DatabaseTemplate:
    """The database migrated to the head revision, built once per session."""
    template = DatabaseTemplate(tmp_path_factory.mktemp("template"))
    yield template
    template.drop_all()


@pytest.fixture
def make_app(template_db, tmp_path):
    """Builder: a testing app on a fresh copy of the database, with configuration overrides;
    its engine is disposed after the test."""
    made = []

    def make(name: str = "test", **overrides):
        application = create_app("testing", _config(template_db.fresh(tmp_path, name), tmp_path, **overrides))
        made.append(application)
        return application

    yield make
    from consult.extensions import db

    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """A testing app on its own copy of the migrated database."""
    return make_app()


@pytest.fixture
def client(app):
    """The Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """The Flask CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def live_app(template_db, tmp_path):
    """(app, base URL) of a real HTTP server on a free loopback port, with its own database."""
    config = _config(template_db.fresh(tmp_path, "live"), tmp_path)
    config.pop("SERVER_NAME")
    app = create_app("testing", config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    from consult.extensions import db

    with app.app_context():
        db.engine.dispose()


@dataclass
class MadeSubmission:
    """What a builder made: ids and the secret receipt token."""

    id: int
    reference: str
    token: str


@pytest.fixture
def make_consultation(app):
    """Builder: an open consultation with open questions ``q1``, ``q2`` and a Likert ``support``."""
    from consult.common.types import utcnow
    from consult.consultations.models import ModerationMode, QuestionKind
    from consult.consultations.services import add_question, create_consultation
    from consult.extensions import db

    counter = {"n": 0}

    def make(slug: str | None = None, *, state: str = "open", moderation: str = "post",
             questions: bool = True, title: str = "Kebijakan ASN", body: str = "Latar belakang.") -> str:
        counter["n"] += 1
        slug = slug or f"konsultasi-{counter['n']}"
        now = utcnow()
        window = {
            "open": (now - timedelta(days=1), now + timedelta(days=7)),
            "draft": (now - timedelta(days=1), now + timedelta(days=7)),
            "scheduled": (now + timedelta(days=2), now + timedelta(days=9)),
            "closed": (now - timedelta(days=9), now - timedelta(days=2)),
        }[state]
        with app.app_context():
            consultation = create_consultation(
                slug=slug, title=title, summary="Ringkasan.", body=body, opens_at=window[0], closes_at=window[1],
                published=state != "draft", moderation_mode=ModerationMode(moderation),
            )
            if questions:
                add_question(consultation, key="q1", text="Bagaimana penempatan ASN?", kind=QuestionKind.open)
                add_question(consultation, key="q2", text="Bagaimana pelatihan ASN?", kind=QuestionKind.open)
                add_question(consultation, key="support", text="Setujukah Anda?", kind=QuestionKind.likert)
            db.session.commit()
        return slug

    return make


@pytest.fixture
def make_submission(app):
    """Builder: a submission recorded directly (any state), returning :class:`MadeSubmission`."""
    from consult.common.mixins import ModerationStatus
    from consult.consultations.queries import get_by_slug
    from consult.extensions import db
    from consult.submissions.services import SubmissionInput, record_submission

    def make(slug: str, body: str = "", *, answers: dict | None = None, status: str = "published",
             consent: bool = True, stakeholder: str = "citizen", name: str | None = "Warga",
             organisation: str | None = None, attachment=None) -> MadeSubmission:
        with app.app_context():
            consultation = get_by_slug(slug, include_drafts=True)
            submission, token = record_submission(
                consultation,
                SubmissionInput(stakeholder_type=stakeholder, body=body, name=name, anonymous=not name,
                                organisation=organisation, consent_publish=consent),
                answers or {}, secret=app.config["SECRET_KEY"], reference_prefix="KTB",
                status=ModerationStatus(status), stored_attachment=attachment,
                upload_dir=app.config["UPLOAD_DIR"],
            )
            db.session.commit()
            return MadeSubmission(submission.id, submission.reference, token)

    return make


@pytest.fixture
def make_user(app):
    """Builder: a staff user with a role; returns the e-mail (password ``correct-horse-1``)."""
    from consult.accounts.models import Role
    from consult.accounts.services import create_user, grant_role
    from consult.consultations.queries import get_by_slug
    from consult.extensions import db

    def make(email: str = "drafter@example.org", *, role: str = "drafter", slug: str | None = None) -> str:
        with app.app_context():
            user = create_user(email, "correct-horse-1", is_admin=(role == "admin"))
            if slug and role != "admin":
                grant_role(user, get_by_slug(slug, include_drafts=True), Role(role))
            db.session.commit()
        return email

    return make


@pytest.fixture
def login(client):
    """Sign ``email`` in through the login form."""

    def do(email: str, password: str = "correct-horse-1"):
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return response

    return do


def ctx(app):
    """Shorthand for ``app.app_context()`` in tests that read rows directly."""
    return app.app_context()


@pytest.fixture
def make_comment(app):
    """Builder: a discussion comment recorded directly in any moderation state, by the account
    ``author`` (made when missing, password ``correct-horse-1``); returns the comment id. A hidden
    comment was public before it was hidden unless ``was_public`` is false."""
    from consult.accounts.services import create_user, get_by_email
    from consult.common.mixins import ModerationStatus
    from consult.consultations.queries import get_by_slug
    from consult.discussion.models import Comment
    from consult.extensions import db

    def make(slug: str, body: str, *, author: str = "warga@example.org", question: str | None = None,
             parent: int | None = None, status: str = "published", was_public: bool = True) -> int:
        with app.app_context():
            consultation = get_by_slug(slug, include_drafts=True)
            user = get_by_email(author) or create_user(author, "correct-horse-1")
            qid = next(q.id for q in consultation.questions if q.key == question) if question else None
            comment = Comment(consultation_id=consultation.id, question_id=qid, parent_id=parent, author_id=user.id,
                              body=body, moderation_status=ModerationStatus(status))
            if status == "hidden" and was_public:
                from consult.common.types import utcnow

                comment.published_at = utcnow()
            db.session.add(comment)
            db.session.commit()
            return comment.id

    return make
