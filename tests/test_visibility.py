"""One gate: hidden, pending and non-consented text never reaches a public surface or export.

The walkers below enumerate the application's URL map, so a new route fails these tests until it
is either registered as a public surface (and then walked), declared not to be one, or placed
under the staff prefix (and then checked for a role).
"""
from __future__ import annotations

import itertools
import re

import json

import pytest
from flask import url_for
from werkzeug.exceptions import HTTPException

from consult.analysis.services import request_analysis, run_analysis
from consult.common.visibility import NOT_SURFACES, PUBLIC_SURFACES, STAFF_PREFIX
from consult.consultations.queries import get_by_slug
from consult.extensions import db

SECRETS = {"hidden": "RAHASIAHIDDEN", "pending": "RAHASIAPENDING", "no consent": "RAHASIANOCONSENT"}
BASE = "Kriteria mutasi harus transparan dan diumumkan kepada pegawai"


@pytest.fixture
def seeded(app, make_consultation, make_submission, make_comment):
    """A consultation with five quotable submissions, one hidden, one pending, one without
    consent (each carrying a secret word), discussion comments (published, hidden and pending,
    on the consultation and on a question) and a finished analysis. Returns (slug, references)."""
    slug = make_consultation()
    refs = {}
    for i in range(5):
        refs["quotable" if i == 0 else f"q{i}"] = make_submission(
            slug, f"{BASE} nomor {i}.", answers={"q1": f"{BASE} jawaban {i}."}).reference
    refs["hidden"] = make_submission(slug, f"{BASE} {SECRETS['hidden']}.", answers={"q1": SECRETS["hidden"]},
                                     status="hidden").reference
    refs["pending"] = make_submission(slug, f"{BASE} {SECRETS['pending']}.", answers={"q1": SECRETS["pending"]},
                                      status="pending").reference
    refs["no consent"] = make_submission(slug, f"{BASE} {SECRETS['no consent']}.", consent=False).reference
    for question in (None, "q1"):
        top = make_comment(slug, f"{BASE} komentar.", question=question)
        refs.setdefault("comment", top)
        make_comment(slug, f"{BASE} {SECRETS['hidden']} komentar.", question=question, status="hidden")
        make_comment(slug, f"{BASE} {SECRETS['pending']} komentar.", question=question, status="pending")
        make_comment(slug, f"{BASE} {SECRETS['pending']} balasan.", question=question, parent=top, status="pending")
        make_comment(slug, f"{BASE} {SECRETS['hidden']} balasan.", question=question, parent=top, status="hidden")
    with app.app_context():
        run_analysis(request_analysis(get_by_slug(slug)))
        get_by_slug(slug).answered = True  # the public results page is published
        db.session.commit()
    return slug, refs


def _urls(app, endpoint: str, values: dict[str, list]) -> list[str]:
    """Every URL of ``endpoint`` for every combination of the example values of its arguments."""
    urls = []
    for rule in app.url_map.iter_rules(endpoint):
        missing = set(rule.arguments) - set(values)
        assert not missing, f"the walker does not know how to fill {missing} for {endpoint}: add example values"
        names = sorted(rule.arguments)
        adapter = app.url_map.bind("localhost")
        for combo in itertools.product(*(values[n] for n in names)):
            try:
                with app.test_request_context():
                    url = url_for(endpoint, **dict(zip(names, combo)))
            except ValueError:  # an any() converter refuses another rule's example value
                continue
            try:  # an example value another rule's converter wants (report.csv) builds a URL that does not route
                matched, _args = adapter.match(url, method=next(iter(rule.methods - {"HEAD", "OPTIONS"})))
            except HTTPException:
                continue
            if matched == endpoint:
                urls.append(url)
        assert urls or not rule.arguments, f"no example value fits {rule.rule}"
    return urls


def test_every_route_is_a_surface_a_declared_exception_or_staff(app):
    unclassified = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_SURFACES or rule.endpoint in NOT_SURFACES:
            continue
        if rule.rule.startswith(STAFF_PREFIX):
            continue
        unclassified.append(f"{rule.endpoint} ({rule.rule})")
    assert not unclassified, (
        "routes outside /staff/ that are neither a @public_surface nor declared @not_a_surface: "
        + ", ".join(unclassified))
    for endpoint in PUBLIC_SURFACES:
        assert list(app.url_map.iter_rules(endpoint)), f"{endpoint} is registered but has no URL rule"


def test_every_public_surface_hides_what_it_must(app, client, seeded):
    slug, refs = seeded
    values = {"slug": [slug], "reference": [refs["quotable"], refs["hidden"], refs["no consent"]],
              "table": ["submissions", "responses"], "fmt": ["csv", "json"], "question_key": ["q1", "q2"],
              "comment_id": [refs["comment"]]}
    visited = 0
    for endpoint in PUBLIC_SURFACES:
        for url in _urls(app, endpoint, values):
            for lang in ("id", "en"):
                response = client.get(f"{url}?lang={lang}")
                # the API answers 404 for a hidden submission (the web page shows a placeholder)
                assert response.status_code == 200 or (endpoint.startswith("api.") and response.status_code == 404), \
                    f"{url} answered {response.status_code}"
                page = response.get_data(as_text=True)
                visited += 1
                if "<html" in page:  # the head holds only text in its title (a stray tag breaks the page)
                    assert re.search(r"<title>[^<>]*</title>", page), f"markup inside the <title> of {url}"
                for secret in SECRETS.values():
                    assert secret not in page, f"{secret} leaked on {url}"
    assert visited >= 10
    # a pending submission has no public page at all; the hidden one shows a placeholder
    assert client.get(f"/c/{slug}/submissions/{refs['pending']}").status_code == 404
    hidden_page = client.get(f"/c/{slug}/submissions/{refs['hidden']}?lang=id").get_data(as_text=True)
    assert "Disembunyikan oleh moderator" in hidden_page
    listing = client.get(f"/c/{slug}/submissions").get_data(as_text=True)
    assert f"{BASE} nomor 0." in listing and refs["hidden"] in listing and refs["no consent"] not in listing
    # public counts: published only (5 + the one without consent)
    assert "<dd>6</dd>" in client.get(f"/c/{slug}").get_data(as_text=True)
    assert "6 kiriman" in listing


def test_staff_routes_need_a_role_on_that_consultation(app, client, seeded, make_user, make_consultation, login):
    slug, _refs = seeded
    values = {"slug": [slug], "submission_id": [1], "appeal_id": [1], "fmt": ["csv", "pdf"], "user_id": [1],
              "claim_id": [1], "question_id": [1], "section": ["general"], "key": ["t1"], "entry_id": [1],
              "response_id": [1], "forum_id": [1], "action": ["publish", "sign-off"], "table": ["themes"],
              "reference": ["KTB-2026-000001"], "comment_id": [1]}
    staff_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(STAFF_PREFIX)]
    assert len(staff_rules) >= 8

    def each():
        for rule in staff_rules:
            for url in _urls(app, rule.endpoint, values):
                if rule.rule == "/staff/":
                    continue  # the dashboard only lists the user's own consultations
                method = "get" if "GET" in rule.methods else "post"
                yield url, method

    for url, method in each():
        response = getattr(client, method)(url)
        assert response.status_code in (302, 401), f"{url} answered {response.status_code} to a visitor"
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"], url
    other = make_consultation(slug="lain")
    login(make_user("stranger@example.org", role="moderator", slug=other))
    for url, method in each():
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), f"{url} answered {response.status_code} to another consultation's moderator"


def test_hiding_after_an_analysis_removes_it_from_quotes_exports_and_marks_the_theme(
        app, client, seeded, make_user, login):
    from consult.accounts.models import User
    from consult.analysis.queries import latest_run, run_view
    from consult.common.visibility import Audience
    from consult.exports.writers import WRITERS
    from consult.moderation.services import moderate
    from consult.submissions.models import Submission

    slug, refs = seeded
    login(make_user(slug=slug))
    before = client.get(f"/staff/c/{slug}/export.json").get_data(as_text=True)
    assert f"{BASE} nomor 0" in before or f"{BASE} jawaban 0" in before
    with app.app_context():
        sub = db.session.scalar(db.select(Submission).where(Submission.reference == refs["quotable"]))
        actor = db.session.scalar(db.select(User))
        moderate(sub, actor, "hide", reason="abuse", public_note="kasar")
        db.session.commit()
        view = run_view(latest_run(get_by_slug(slug)), Audience.ANALYSIS)
        changed = [t for s in view.sections for t in s.themes if t.changed_by_moderation]
        assert changed, "the theme that held the hidden submission is marked for recomputation"
    for fmt in WRITERS:
        body = client.get(f"/staff/c/{slug}/export.{fmt}").get_data(as_text=True)
        assert f"{BASE} nomor 0" not in body and f"{BASE} jawaban 0" not in body, fmt
        assert refs["quotable"] not in body, fmt
        for secret in (SECRETS["hidden"],):
            assert secret not in body, fmt
    themes_page = client.get(f"/staff/c/{slug}/themes").get_data(as_text=True)
    assert f"{BASE} nomor 0" not in themes_page and f"{BASE} jawaban 0" not in themes_page
    summary = json.loads(client.get(f"/staff/c/{slug}/export.json").get_data(as_text=True))
    # 7 were analysed (pending counts for staff; the hidden one never did), minus the one just hidden
    assert summary["submission_count"] == 6
