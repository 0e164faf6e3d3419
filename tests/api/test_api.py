"""The JSON API through the test client: reads pass the visibility gate, tokens, submitting,
staff calls, ETags, pagination and problem+json errors; the OpenAPI document lists every route."""
from __future__ import annotations

import json

import pytest

from consult.api import tokens
from consult.api.models import ApiToken
from consult.accounts.services import get_by_email
from consult.extensions import db

SECRET = "RAHASIA"


@pytest.fixture
def seeded(app, make_consultation, make_submission, make_comment):
    """A consultation with published, no-consent, pending and hidden submissions and comments."""
    slug = make_consultation()
    refs = {"published": make_submission(slug, "Mutasi harus terbuka.", answers={"q1": "Penempatan adil."}).reference,
            "no consent": make_submission(slug, f"{SECRET}NOCONSENT", consent=False).reference,
            "pending": make_submission(slug, f"{SECRET}PENDING", status="pending").reference,
            "hidden": make_submission(slug, f"{SECRET}HIDDEN", status="hidden").reference}
    top = make_comment(slug, "Komentar terbuka.")
    make_comment(slug, "Balasan terbuka.", parent=top)
    make_comment(slug, f"{SECRET}COMMENTPENDING", status="pending")
    make_comment(slug, f"{SECRET}COMMENTHIDDEN", status="hidden")
    make_comment(slug, "Tentang penempatan.", question="q1")
    return slug, refs


def _token(app, email: str, scopes: list[str], *, role: str | None = None, slug: str | None = None) -> str:
    from consult.accounts.models import Role
    from consult.accounts.services import create_user, grant_role
    from consult.consultations.queries import get_by_slug

    with app.app_context():
        user = get_by_email(email) or create_user(email, "correct-horse-1")
        if role:
            grant_role(user, get_by_slug(slug, include_drafts=True), Role(role))
        db.session.flush()
        _row, secret = tokens.create_token(user, "test", scopes)
        db.session.commit()
    return secret


def test_public_reads_show_published_content_only_and_count_it(client, seeded):
    slug, refs = seeded
    listing = client.get("/api/v1/consultations")
    assert listing.status_code == 200 and listing.mimetype == "application/json"
    item = next(c for c in listing.get_json() if c["slug"] == slug)
    assert item["counts"] == {"submissions": 2, "comments": 3} and item["state"] == "open"
    assert json.loads(listing.headers["X-Pagination"])["total"] >= 1
    detail = client.get(f"/api/v1/consultations/{slug}").get_json()
    assert [q["key"] for q in detail["questions"]] == ["q1", "q2", "support"] and detail["documents"] == []
    subs = client.get(f"/api/v1/consultations/{slug}/submissions")
    body = subs.get_data(as_text=True)
    assert SECRET not in body
    by_ref = {s["reference"]: s for s in subs.get_json()}
    assert set(by_ref) == {refs["published"], refs["no consent"]}
    assert by_ref[refs["published"]]["body"] == "Mutasi harus terbuka." and by_ref[refs["published"]]["text_published"]
    assert by_ref[refs["no consent"]]["body"] is None and not by_ref[refs["no consent"]]["text_published"]
    for ref in (refs["pending"], refs["hidden"]):
        missing = client.get(f"/api/v1/consultations/{slug}/submissions/{ref}")
        assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
        assert missing.get_json()["code"] == "not_found"
    comments = client.get(f"/api/v1/consultations/{slug}/comments")
    assert SECRET not in comments.get_data(as_text=True)
    assert [c["body"] for c in comments.get_json()] == ["Komentar terbuka.", "Balasan terbuka."]
    assert [c["body"] for c in client.get(f"/api/v1/consultations/{slug}/comments?question=q1").get_json()] == \
        ["Tentang penempatan."]
    closed = client.get(f"/api/v1/consultations/{slug}/themes")
    assert closed.status_code == 404 and closed.get_json()["code"] == "results_not_published"


def test_etags_pagination_and_problems(client, seeded):
    slug, _refs = seeded
    first = client.get(f"/api/v1/consultations/{slug}")
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/consultations/{slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert client.get(f"/api/v1/consultations/{slug}", headers={"If-None-Match": '"other"'}).status_code == 200
    page = client.get(f"/api/v1/consultations/{slug}/submissions?page_size=1&page=2")
    meta = json.loads(page.headers["X-Pagination"])
    assert meta["total"] == 2 and meta["page"] == 2 and len(page.get_json()) == 1
    too_big = client.get(f"/api/v1/consultations/{slug}/submissions?page_size=1000")
    assert too_big.status_code == 422 and too_big.mimetype == "application/problem+json"
    assert too_big.get_json()["code"] == "invalid_input" and "page_size" in too_big.get_json()["errors"]
    unknown = client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "not_found"
    assert client.delete(f"/api/v1/consultations/{slug}").get_json()["code"] == "method_not_allowed"
    assert client.get("/api/v1/consultations?state=bogus").get_json()["code"] == "invalid_input"
    # the HTML pages keep their HTML error pages
    assert client.get("/no-such-page").mimetype == "text/html"


def test_tokens_are_hashed_scoped_recorded_and_revocable(app, client, seeded):
    slug, _refs = seeded
    secret = _token(app, "ani@example.org", ["read"])
    with app.app_context():
        row = db.session.scalar(db.select(ApiToken))
        assert row.token_hash != secret and secret not in json.dumps(row.scopes) and row.last_used_at is None
        assert row.prefix == secret[:10]
        with pytest.raises(Exception):
            tokens.create_token(get_by_email("ani@example.org"), "staff", ["moderate"])  # not a moderator
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/consultations/{slug}", headers=auth).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken)).last_used_at is not None
    write = client.post(f"/api/v1/consultations/{slug}/submissions", json={}, headers=auth)
    assert write.status_code == 403 and write.get_json()["code"] == "scope_missing"
    anonymous = client.post(f"/api/v1/consultations/{slug}/submissions", json={})
    assert anonymous.status_code == 401 and anonymous.get_json()["code"] == "token_required"
    assert "Bearer" in anonymous.headers["WWW-Authenticate"]
    bad = client.get(f"/api/v1/consultations/{slug}", headers={"Authorization": "Bearer cst_wrong"})
    assert bad.status_code == 401 and bad.get_json()["code"] == "token_invalid"
    with app.app_context():
        row = db.session.scalar(db.select(ApiToken))
        tokens.revoke_token(row, get_by_email("ani@example.org"))
        db.session.commit()
    assert client.get(f"/api/v1/consultations/{slug}", headers=auth).get_json()["code"] == "token_invalid"


def test_the_token_page_creates_shows_once_and_revokes(app, client, make_user, login):
    make_user("ani@example.org", role="respondent")
    login("ani@example.org")
    page = client.get("/auth/account/tokens?lang=en").get_data(as_text=True)
    assert 'value="read"' in page and 'value="moderate"' not in page
    refused = client.post("/auth/account/tokens?lang=en", data={"name": "Skrip riset"})
    assert refused.status_code == 400 and "Skrip riset" in refused.get_data(as_text=True)
    made = client.post("/auth/account/tokens?lang=en", data={"name": "Skrip riset", "scopes": ["read"]})
    import re

    assert made.status_code == 200, made.get_data(as_text=True)[-3000:]
    secret = re.search(r"<code>(cst_[A-Za-z0-9_-]+)</code>", made.get_data(as_text=True)).group(1)
    assert made.headers["Cache-Control"] == "private, no-store"
    assert secret not in client.get("/auth/account/tokens").get_data(as_text=True)  # shown once
    assert client.get("/api/v1/consultations", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
    revoked = client.post(f"/auth/account/tokens/{token_id}/revoke")
    assert revoked.status_code == 302, revoked.status_code
    assert client.get("/api/v1/consultations", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def _submission(**extra) -> dict:
    data = {"stakeholder_type": "citizen", "body": "Penilaian kinerja harus terbuka.", "answers": {"q1": "Adil."},
            "consent_publish": True, "consent_wording": "Saya setuju teks saya diterbitkan tanpa nama.",
            "client_token": "sms-000001", "email": "warga@example.org", "name": "Warga SMS"}
    data.update(extra)
    return data


def test_a_partner_channel_submits_with_the_same_rules_and_receipt(app, client, seeded, make_consultation):
    from consult.extensions import mail

    slug, _refs = seeded
    auth = {"Authorization": f"Bearer {_token(app, 'gateway@example.org', ['read', 'submit'])}"}
    with mail.record_messages() as outbox:
        made = client.post(f"/api/v1/consultations/{slug}/submissions", json=_submission(), headers=auth)
    assert made.status_code == 201, made.get_data(as_text=True)
    receipt = made.get_json()
    assert receipt["moderation_status"] == "published" and not receipt["resent"]
    assert outbox and receipt["reference"] in outbox[0].body
    assert client.get(receipt["receipt_url"]).status_code == 200
    again = client.post(f"/api/v1/consultations/{slug}/submissions", json=_submission(), headers=auth)
    assert again.status_code == 200 and again.get_json()["reference"] == receipt["reference"] and again.get_json()["resent"]
    held = client.post(f"/api/v1/consultations/{slug}/submissions", headers=auth,
                       json=_submission(client_token="sms-000002", body="NIK saya 1803014508900001 tolong."))
    assert held.status_code == 201 and held.get_json()["moderation_status"] == "pending"
    listed = client.get(f"/api/v1/consultations/{slug}/submissions").get_json()
    assert receipt["reference"] in {s["reference"] for s in listed}
    assert held.get_json()["reference"] not in {s["reference"] for s in listed}
    wrong = client.post(f"/api/v1/consultations/{slug}/submissions", headers=auth,
                        json=_submission(client_token="sms-000003", answers={"nope": "x"}, body=""))
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "validation_failed" and wrong.get_json()["errors"]
    schema = client.post(f"/api/v1/consultations/{slug}/submissions", headers=auth, json={"stakeholder_type": "alien"})
    assert schema.status_code == 422 and schema.get_json()["code"] == "invalid_input"
    closed = make_consultation(state="closed")
    late = client.post(f"/api/v1/consultations/{closed}/submissions", headers=auth,
                       json=_submission(client_token="sms-000004"))
    assert late.status_code == 409 and late.get_json()["code"] == "consultation_not_open"


def test_staff_moderate_and_analyse_on_their_own_consultations(app, client, seeded, make_consultation):
    slug, refs = seeded
    moderator = {"Authorization": f"Bearer {_token(app, 'mod@example.org', ['moderate'], role='moderator', slug=slug)}"}
    queue = client.get(f"/api/v1/staff/consultations/{slug}/moderation/queue", headers=moderator)
    assert queue.status_code == 200 and [i["id"] for i in queue.get_json()] == [refs["pending"]]
    done = client.post(f"/api/v1/staff/consultations/{slug}/submissions/{refs['pending']}/moderation",
                       json={"action": "approve"}, headers=moderator)
    assert done.status_code == 200 and (done.get_json()["before"], done.get_json()["after"]) == ("pending", "published")
    assert client.post(f"/api/v1/staff/consultations/{slug}/submissions/{refs['pending']}/moderation",
                       json={"action": "approve"}, headers=moderator).get_json()["code"] == "action_not_applicable"
    comments = client.get(f"/api/v1/staff/consultations/{slug}/moderation/queue?kind=comment", headers=moderator)
    pending_comment = comments.get_json()[0]["id"]
    hidden = client.post(f"/api/v1/staff/consultations/{slug}/comments/{pending_comment}/moderation",
                         json={"action": "hide", "reason": "spam"}, headers=moderator)
    assert hidden.status_code == 200 and hidden.get_json()["after"] == "hidden"
    other = make_consultation()
    refused = client.get(f"/api/v1/staff/consultations/{other}/moderation/queue", headers=moderator)
    assert refused.status_code == 403 and refused.get_json()["code"] == "role_missing"
    assert client.post(f"/api/v1/staff/consultations/{slug}/analyses", json={},
                       headers=moderator).get_json()["code"] == "scope_missing"
    drafter = {"Authorization": f"Bearer {_token(app, 'draft@example.org', ['analyse'], role='drafter', slug=slug)}"}
    early = client.post(f"/api/v1/staff/consultations/{slug}/exports", json={"table": "themes", "format": "csv"},
                        headers=drafter)
    assert early.status_code == 409 and early.get_json()["code"] == "no_analysis"
    job = client.post(f"/api/v1/staff/consultations/{slug}/analyses", json={"n_themes": 2}, headers=drafter)
    assert job.status_code == 202 and job.get_json()["kind"] == "analysis"
    state = client.get(f"/api/v1/staff/jobs/{job.get_json()['id']}", headers=drafter).get_json()
    assert state["state"] == "done" and state["file_url"] is None  # jobs run inline in tests
    export = client.post(f"/api/v1/staff/consultations/{slug}/exports", json={"table": "submissions", "format": "csv"},
                         headers=drafter).get_json()
    finished = client.get(f"/api/v1/staff/jobs/{export['id']}", headers=drafter).get_json()
    assert finished["state"] == "done" and finished["file_url"]
    download = client.get(finished["file_url"], headers=drafter)
    assert download.status_code == 200 and refs["published"] in download.get_data(as_text=True)
    assert client.get(finished["file_url"], headers=moderator).status_code == 403  # no analyse scope


def test_the_openapi_document_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "bearerAuth" in spec["components"]["securitySchemes"]
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
                  if method in ("get", "post", "put", "patch", "delete")}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed and routed == documented
    page = client.get("/api/v1/docs?lang=en").get_data(as_text=True)
    assert "GET /api/v1/consultations/{slug}/submissions" in page and "SubmissionIn" in page
    assert "token_invalid" in client.get("/api/v1/problems").get_data(as_text=True)


def test_submission_edge_cases_get_clear_answers(app, client, seeded):
    slug, refs = seeded
    auth = {"Authorization": f"Bearer {_token(app, 'gateway@example.org', ['submit'])}"}
    url = f"/api/v1/consultations/{slug}/submissions"
    unknown = client.post(url, headers=auth, json=_submission(answers={"nope": "x"}))
    assert unknown.status_code == 422 and unknown.get_json()["errors"]["answers"] == ["Unknown question key: nope"]
    assert client.post(url, headers=auth, json=_submission(email="not-an-email")).get_json()["code"] == "invalid_input"
    assert client.post(url, headers=auth, json=_submission(body="a\u0000b")).get_json()["code"] == "invalid_input"
    assert client.post(url, headers=auth, json=_submission(consent_publish="yes")).get_json()["code"] == "invalid_input"
    assert client.post(url, headers=auth, json=_submission(client_token="        ")).get_json()["code"] == "invalid_input"
    deep = client.post(url, headers=auth, data="[" * 100_000, content_type="application/json")
    assert deep.status_code in (400, 422) and deep.mimetype == "application/problem+json"
    form = client.post(url, headers=auth, data={"stakeholder_type": "citizen"})
    assert form.status_code == 415 and form.get_json()["code"] == "unsupported_media_type"
    named = client.post(url, headers=auth, json=_submission(name=None))
    assert named.status_code == 422 and "name" in named.get_json()["errors"]
    made = client.post(url, headers=auth, json=_submission()).get_json()
    reused = client.post(url, headers=auth, json=_submission(body="Teks yang lain sama sekali."))
    assert reused.status_code == 409 and reused.get_json()["code"] == "client_token_reused"
    token = made["receipt_url"].rsplit("/", 1)[-1]
    assert client.post(f"/r/{token}/withdraw").status_code == 302
    again = client.post(url, headers=auth, json=_submission())
    assert again.status_code == 409 and again.get_json()["code"] == "withdrawn"
    fresh = client.post(url, headers=auth, json=_submission(client_token="sms-000099")).get_json()
    assert fresh["reference"] != made["reference"]  # a withdrawn submission's reference is never reused


def test_unconsented_submissions_are_a_number_only_and_headers(app, client, seeded):
    slug, refs = seeded
    item = client.get(f"/api/v1/consultations/{slug}/submissions/{refs['no consent']}").get_json()
    assert item["text_published"] is False and item["organisation"] is None and item["answers"] == []
    assert item["stakeholder_type"] is None
    listing = client.get("/api/v1/consultations")
    assert listing.headers["Access-Control-Allow-Origin"] == "*"
    wrong = client.put(f"/api/v1/consultations/{slug}")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    moderator = {"Authorization": f"Bearer {_token(app, 'mod@example.org', ['moderate'], role='moderator', slug=slug)}"}
    queue = client.get(f"/api/v1/staff/consultations/{slug}/moderation/queue?state=published&page_size=1",
                       headers=moderator)
    assert len(queue.get_json()) == 1 and json.loads(queue.headers["X-Pagination"])["total"] == 2
    assert queue.headers["Cache-Control"] == "private, no-store"


def test_review_details(app, client, seeded):
    slug, refs = seeded
    auth = {"Authorization": f"Bearer {_token(app, 'gateway@example.org', ['submit'])}"}
    url = f"/api/v1/consultations/{slug}/submissions"
    assert client.get(url, headers=auth).status_code == 200  # any live token reads
    # the stakeholder filter cannot reveal the type of an unconsented submission
    listed = client.get(f"{url}?stakeholder_type=citizen&page_size=100").get_json()
    assert refs["no consent"] not in {s["reference"] for s in listed}
    made = client.post(url, headers=auth, json=_submission()).get_json()
    changed = client.post(url, headers=auth, json=_submission(consent_publish=False))
    assert changed.status_code == 409 and changed.get_json()["code"] == "client_token_reused"
    huge = client.post(url, headers=auth, data='{"n": ' + "1" * 5000 + "}", content_type="application/json")
    assert huge.status_code == 400 and huge.get_json()["code"] == "bad_request"
    assert "Retry-After" not in client.get(url).headers
    assert made["reference"]
