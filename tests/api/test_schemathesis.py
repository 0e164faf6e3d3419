"""Schemathesis against the published OpenAPI document: for every operation, generated requests
(valid and invalid) get no server error and no answer that contradicts the document (status
code, content type, headers, body schema), refuses invalid input, enforces its tokens, and
answers an unsupported method with 405 and ``Allow``."""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

pytestmark = pytest.mark.slow

ALL = bool(os.environ.get("ALL_CHECKS"))  # ALL_CHECKS=1: schemathesis' every check, positive data acceptance too
# every check that a server can fail on its own answers; "positive data acceptance" is left out:
# a submission valid by the schema may still break a rule of the consultation (a name unless
# anonymous, a required question), which the document describes as 422 validation_failed
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, missing_required_header, ignored_auth,
          unsupported_method, allow_header_conformance]


@pytest.fixture
def api_schema(app, make_consultation, make_submission, make_comment):
    """The app's OpenAPI document, with data behind it: a consultation (slug ``asn``) with
    submissions in every state, comments, a finished analysis and published results."""
    from consult.analysis.services import request_analysis, run_analysis
    from consult.consultations.queries import get_by_slug
    from consult.extensions import db

    slug = make_consultation("asn")
    for i in range(6):
        make_submission(slug, f"Kriteria mutasi harus terbuka nomor {i}.", answers={"q1": f"Penempatan adil {i}."})
    make_submission(slug, "Teks menunggu.", status="pending")
    make_submission(slug, "Teks tersembunyi.", status="hidden")
    top = make_comment(slug, "Komentar terbuka.")
    make_comment(slug, "Balasan.", parent=top)
    from consult.accounts.services import create_user
    from consult.api.tokens import create_token
    from consult.submissions.models import Submission

    with app.app_context():
        run_analysis(request_analysis(get_by_slug(slug), n_themes=2))
        get_by_slug(slug).answered = True
        admin = create_user("admin@example.org", "correct-horse-1", is_admin=True)
        db.session.flush()
        _row, secret = create_token(admin, "schemathesis", ["read", "submit", "moderate", "analyse"])
        reference = db.session.scalar(db.select(Submission.reference).where(Submission.body.like("Kriteria%")))
        db.session.commit()
    known = {"slug": slug, "reference": reference, "comment_id": top, "job_id": 1}
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), known, {"Authorization": f"Bearer {secret}"}


def test_the_api_keeps_to_its_openapi_document(api_schema):
    """Every operation, through Hypothesis directly (schemathesis' pytest plugin does not fit
    this suite's fixtures): generated requests as they come (mostly unknown ids: 404s, invalid
    input: 422s), then the same with the path pointing at real data and a token with every
    scope (so the 200 and 201 bodies are checked too), with the checks above."""
    from hypothesis import given

    schema, known, auth = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16
    seen: set[int] = set()

    def runner(operation, real: bool):
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            headers = None
            if real:
                for name in list(case.path_parameters or {}):
                    if name in known:
                        case.path_parameters[name] = known[name]
                headers = auth
            seen.add(case.call_and_validate(checks=None if ALL else CHECKS, headers=headers).status_code)

        return check

    for operation in operations:
        for real in (False, True):
            runner(operation, real)()
    assert {200, 202, 401, 404, 422} <= seen, seen  # real answers were checked, not only errors
