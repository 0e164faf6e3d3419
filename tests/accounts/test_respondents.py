"""Respondent accounts: registration with e-mail verification, password reset, the account page,
organisations, privacy (download, delete, retention) and admin pages for roles and claims."""
from __future__ import annotations

import io
import json
import re
import time
from datetime import timedelta
from unittest.mock import patch

from consult.accounts.models import (
    ClaimStatus,
    ConsentRecord,
    RepresentativeClaim,
    RoleChange,
    User,
)
from consult.extensions import db, mail
from consult.submissions.models import Submission
from tests.submissions.test_routes import accepted, form_data, reference_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REGISTRATION = {"name": "Siti Aminah", "email": "siti@example.org", "password": "kata-sandi-panjang",
                "password_again": "kata-sandi-panjang", "consent": "y"}


def _link(message, path: str) -> str:
    return re.search(rf"https?://[^/\s]+({re.escape(path)}[\w.\-]+)", message.body).group(1)


def register_and_verify(client, **overrides) -> str:
    data = {**REGISTRATION, **overrides}
    with mail.record_messages() as outbox:
        page = client.post("/auth/register", data=data)
    assert page.status_code == 200 and "Periksa email Anda" in page.get_data(as_text=True)
    [message] = outbox
    verify = client.get(_link(message, "/auth/verify/"))
    assert verify.status_code == 302 and "/auth/login" in verify.headers["Location"]
    signed_in = client.post("/auth/login", data={"email": data["email"], "password": data["password"]})
    assert signed_in.status_code == 302
    return data["email"]


def test_register_verify_and_sign_in(app, client):
    with mail.record_messages() as outbox:
        client.post("/auth/register", data=REGISTRATION)
    [message] = outbox
    assert message.recipients == ["siti@example.org"]
    # not verified yet: signing in sends a new link instead
    with mail.record_messages() as again:
        refused = client.post("/auth/login", data={"email": "siti@example.org", "password": "kata-sandi-panjang"})
    assert refused.status_code == 200 and "Konfirmasi alamat email" in refused.get_data(as_text=True)
    assert len(again) == 1
    assert "/auth/login" in client.get(_link(message, "/auth/verify/")).headers["Location"]
    assert client.get("/auth/account").status_code == 302  # opening the link signs no one in
    assert client.post("/auth/login", data={"email": "siti@example.org", "password": "kata-sandi-panjang"}) \
        .headers["Location"].endswith("/auth/account")
    account = client.get("/auth/account").get_data(as_text=True)
    assert "siti@example.org" in account
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "siti@example.org"))
        assert user.email_verified_at is not None and not user.is_staff
        [consent] = db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.user_id == user.id)).all()
        assert consent.purpose == "account" and consent.granted and "UU PDP" in consent.wording
    # the link works once
    assert client.get(_link(message, "/auth/verify/")).status_code == 302


def test_registration_reveals_nothing_about_existing_accounts(app, client, make_user):
    make_user("ada@example.org", role="admin")
    with mail.record_messages() as outbox:
        taken = client.post("/auth/register", data={**REGISTRATION, "email": "ada@example.org"})
        new = client.post("/auth/register", data={**REGISTRATION, "email": "baru@example.org"})

    def strip(page):
        return page.get_data(as_text=True).replace("ada@example.org", "X").replace("baru@example.org", "X")

    assert taken.status_code == new.status_code == 200 and strip(taken) == strip(new)
    assert {m.recipients[0] for m in outbox} == {"ada@example.org", "baru@example.org"}
    owner = next(m for m in outbox if m.recipients == ["ada@example.org"])
    assert "/auth/reset" in owner.body  # the owner is told, and offered a reset
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "ada@example.org")).is_admin


def test_registration_errors_keep_what_was_typed(client):
    page = client.post("/auth/register", data={**REGISTRATION, "password_again": "lain", "consent": ""})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kedua kata sandi tidak sama" in body and "Akun memerlukan persetujuan" in body
    assert 'value="siti@example.org"' in body and 'value="Siti Aminah"' in body
    short = client.post("/auth/register", data={**REGISTRATION, "password": "pendek", "password_again": "pendek"})
    assert "sedikitnya 10" in short.get_data(as_text=True)


def test_password_reset_is_single_use_and_the_same_for_unknown_addresses(app, client, make_user):
    make_user("staf@example.org", role="admin")
    with mail.record_messages() as outbox:
        known = client.post("/auth/reset", data={"email": "staf@example.org"})
        unknown = client.post("/auth/reset", data={"email": "tidak-ada@example.org"})
    assert known.get_data(as_text=True).replace("staf@example.org", "X") == \
        unknown.get_data(as_text=True).replace("tidak-ada@example.org", "X")
    [message] = outbox
    link = _link(message, "/auth/reset/")
    assert client.post(link, data={"password": "sandi-baru-panjang", "password_again": "sandi-baru-panjang"}) \
        .status_code == 302
    client.post("/auth/logout")
    assert client.post(link, data={"password": "sandi-ketiga-panjang", "password_again": "sandi-ketiga-panjang"}) \
        .headers["Location"].endswith("/auth/reset")  # used: refused
    assert client.post("/auth/login", data={"email": "staf@example.org", "password": "sandi-baru-panjang"}) \
        .status_code == 302
    assert client.get("/auth/reset/not-a-token").status_code == 302


def test_expired_tokens_are_refused(app, make_user):
    from itsdangerous import URLSafeTimedSerializer

    from consult.accounts.services import RESET_MAX_AGE, make_token, read_token

    make_user("staf@example.org", role="admin")
    with app.app_context():
        user = db.session.scalar(db.select(User))
        token = make_token(user, "reset", app.config["SECRET_KEY"])
        assert read_token(token, "reset", app.config["SECRET_KEY"], RESET_MAX_AGE) == user
        assert read_token(token, "verify", app.config["SECRET_KEY"], RESET_MAX_AGE) is None  # other purpose
        serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="consult-reset")
        with patch("time.time", return_value=time.time() - RESET_MAX_AGE - 60):  # signed too long ago
            old = serializer.dumps(serializer.loads(token))
        assert read_token(old, "reset", app.config["SECRET_KEY"], RESET_MAX_AGE) is None


def test_organisation_claim_verified_by_an_admin_marks_submissions(app, client, make_consultation, make_user):
    slug = make_consultation()
    register_and_verify(client)
    # evidence is checked by content and extension
    bad = client.post("/auth/account/organisations", data={
        "organisation": "PGRI Lampung Utara", "kind": "union", "position": "Ketua",
        "evidence": (io.BytesIO(b"MZ not a pdf"), "surat.pdf")}, content_type="multipart/form-data")
    assert "Hanya berkas berikut" in bad.get_data(as_text=True)
    renamed = client.post("/auth/account/organisations", data={
        "organisation": "PGRI Lampung Utara", "kind": "union", "position": "Ketua",
        "evidence": (io.BytesIO(PDF), "surat.png")}, content_type="multipart/form-data")
    assert "berakhiran .png" in renamed.get_data(as_text=True)
    sent = client.post("/auth/account/organisations", data={
        "organisation": "PGRI  Lampung Utara", "kind": "union", "position": "Ketua",
        "evidence": (io.BytesIO(PDF), "surat tugas.pdf")}, content_type="multipart/form-data")
    assert sent.status_code == 302
    account = client.get("/auth/account").get_data(as_text=True)
    assert "PGRI Lampung Utara" in account and "menunggu admin" in account
    # responding for the organisation before verification: marked "not verified"
    form = client.get(f"/c/{slug}/submit").get_data(as_text=True)
    claim_id = re.search(r'<option value="(\d+)">PGRI Lampung Utara', form).group(1)
    response = client.post(f"/c/{slug}/submit", data=form_data(token="o", claim=claim_id, stakeholder_type="other",
                                                               body="Guru honorer perlu pelatihan merata."))
    assert accepted(response)
    ref = reference_in(response)
    assert "belum diverifikasi" in client.get(f"/c/{slug}/submissions/{ref}?lang=id").get_data(as_text=True)
    client.post("/auth/logout")
    # the admin verifies; the mark changes everywhere
    admin = make_user("admin@example.org", role="admin")
    client.post("/auth/login", data={"email": admin, "password": "correct-horse-1"})
    queue = client.get("/staff/admin/organisations").get_data(as_text=True)
    assert "siti@example.org" in queue and "surat tugas.pdf" in queue
    with app.app_context():
        claim = db.session.scalar(db.select(RepresentativeClaim))
        assert claim.organisation.name == "PGRI Lampung Utara"
    assert client.get(f"/auth/account/claims/{claim.id}/evidence").data.startswith(b"%PDF")
    client.post(f"/staff/admin/organisations/{claim.id}", data={"decision": "refuse"})  # a refusal needs a reason
    client.post(f"/staff/admin/organisations/{claim.id}", data={"decision": "verify"})
    with app.app_context():
        assert db.session.get(RepresentativeClaim, claim.id).status is ClaimStatus.verified
        sub = db.session.scalar(db.select(Submission).where(Submission.reference == ref))
        assert sub.organisation_name == "PGRI Lampung Utara" and sub.user_id is not None
    page = client.get(f"/c/{slug}/submissions/{ref}?lang=id").get_data(as_text=True)
    assert "terverifikasi" in page and "belum diverifikasi" not in page


def test_evidence_is_private_to_the_claimant_and_admins(app, client, make_user):
    register_and_verify(client)
    client.post("/auth/account/organisations", data={
        "organisation": "IKADIN", "kind": "professional_body", "position": "Anggota",
        "evidence": (io.BytesIO(PDF), "bukti.pdf")}, content_type="multipart/form-data")
    client.post("/auth/logout")
    with app.app_context():
        claim_id = db.session.scalar(db.select(RepresentativeClaim.id))
    register_and_verify(client, email="lain@example.org")
    assert client.get(f"/auth/account/claims/{claim_id}/evidence").status_code == 404


def test_registered_only_consultation(app, client, make_consultation):
    from consult.consultations.models import Participation
    from consult.consultations.queries import get_by_slug

    slug = make_consultation()
    with app.app_context():
        get_by_slug(slug).participation = Participation.registered_only
        db.session.commit()
    page = client.get(f"/c/{slug}/submit").get_data(as_text=True)
    assert "hanya menerima masukan dari akun" in page and "/auth/login?next=" in page
    refused = client.post(f"/c/{slug}/submit", data=form_data(token="x", body="Teks yang tetap ada."))
    assert refused.status_code == 403 and "Teks yang tetap ada." in refused.get_data(as_text=True)
    register_and_verify(client)
    form = client.get(f"/c/{slug}/submit").get_data(as_text=True)
    assert 'value="Siti Aminah"' in form  # the name comes from the account
    assert accepted(client.post(f"/c/{slug}/submit", data=form_data(token="y")))


def test_download_my_data_and_delete_the_account(app, client, make_consultation):
    from consult.consultations.models import DeletionRule
    from consult.consultations.queries import get_by_slug

    kept, removed = make_consultation(), make_consultation()
    with app.app_context():
        get_by_slug(removed).deletion_rule = DeletionRule.remove
        db.session.commit()
    register_and_verify(client)
    assert accepted(client.post(f"/c/{kept}/submit", data=form_data(token="k", name="Siti Aminah",
                                                                     email="siti@example.org", region="Kotabumi")))
    assert accepted(client.post(f"/c/{removed}/submit", data=form_data(token="r", body="Akan dihapus.")))
    data = json.loads(client.get("/auth/account/data.json").data)
    assert data["account"]["email"] == "siti@example.org" and len(data["submissions"]) == 2
    assert {c["purpose"] for c in data["consents"]} == {"account", "publish"}
    assert client.post("/auth/account/delete", data={"password": "salah"}).status_code == 200
    done = client.post("/auth/account/delete", data={"password": "kata-sandi-panjang"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "siti@example.org")) is None
        subs = db.session.scalars(db.select(Submission)).all()
        assert len(subs) == 1  # the one under the "remove" rule is gone
        [sub] = subs
        assert sub.name is None and sub.email is None and sub.region is None and sub.user_id is None
        assert sub.anonymised_at is not None and sub.body
        assert all(c.user_id is None for c in db.session.scalars(db.select(ConsentRecord)))
    assert client.get("/auth/account").status_code == 302  # signed out


def test_retention_anonymises_after_closing(app, runner, make_consultation, make_submission):
    from consult.common.types import utcnow
    from consult.consultations.queries import get_by_slug

    slug = make_consultation()
    made = make_submission(slug, "Teks.", name="Budi")
    with app.app_context():
        consultation = get_by_slug(slug)
        consultation.closes_at = utcnow() - timedelta(days=40)
        consultation.opens_at = utcnow() - timedelta(days=80)
        consultation.retention_days = 30
        db.session.commit()
    result = runner.invoke(args=["consult", "apply-retention"])
    assert result.exit_code == 0 and "1 submissions" in result.output
    with app.app_context():
        sub = db.session.get(Submission, made.id)
        assert sub.name is None and sub.anonymised_at is not None and sub.body == "Teks."
    assert "Nothing to anonymise" in runner.invoke(args=["consult", "apply-retention"]).output


def test_admin_grants_and_revokes_roles_and_the_change_is_logged(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    target = make_user("calon@example.org", role="moderator", slug=make_consultation())
    login(make_user("admin@example.org", role="admin"))
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == target))
    client.post(f"/staff/admin/users/{user_id}", data={"consultation": slug, "role": "drafter", "action": "grant"})
    client.post(f"/staff/admin/users/{user_id}", data={"consultation": slug, "role": "drafter", "action": "revoke"})
    client.post(f"/staff/admin/users/{user_id}", data={"admin": "grant"})
    with app.app_context():
        rows = db.session.scalars(db.select(RoleChange).where(RoleChange.user_id == user_id)
                                  .order_by(RoleChange.id)).all()
        assert [(r.role, r.action) for r in rows][-3:] == [("drafter", "grant"), ("drafter", "revoke"),
                                                           ("admin", "grant")]
        assert rows[-1].actor_id is not None
    page = client.get(f"/staff/admin/users/{user_id}?lang=en").get_data(as_text=True)
    assert "Grant: Drafter · Kebijakan ASN · admin@example.org" in page and "Revoke: Drafter" in page
    # the last admin cannot be removed
    with app.app_context():
        admin_id = db.session.scalar(db.select(User.id).where(User.email == "admin@example.org"))
    client.post(f"/staff/admin/users/{user_id}", data={"admin": "revoke"})
    client.post(f"/staff/admin/users/{admin_id}", data={"admin": "revoke"})
    with app.app_context():
        assert db.session.get(User, admin_id).is_admin


def test_admin_pages_are_for_admins_only(client, make_consultation, make_user, login):
    slug = make_consultation()
    login(make_user("drafter@example.org", role="drafter", slug=slug))
    for url in ("/staff/admin/users", "/staff/admin/organisations", f"/staff/admin/consultations/{slug}/privacy"):
        assert client.get(url).status_code == 403, url


def test_old_cookies_stop_working_after_sign_out_reset_or_deletion(app, client, make_user):
    from consult.accounts.services import create_user

    register_and_verify(client)
    domain = app.config["SERVER_NAME"]
    stolen = client.get_cookie("session", domain=domain).value
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain=domain)
    assert thief.get("/auth/account").status_code == 200
    client.post("/auth/logout")
    assert thief.get("/auth/account").status_code == 302  # signing out ends the copied session too
    # a deleted account's cookie never opens the next account that gets the same id
    client.post("/auth/login", data={"email": "siti@example.org", "password": "kata-sandi-panjang", "remember": "y"})
    remember = client.get_cookie("remember_token", domain=domain).value
    session_cookie = client.get_cookie("session", domain=domain).value
    client.post("/auth/account/delete", data={"password": "kata-sandi-panjang"})
    with app.app_context():
        create_user("baru@example.org", "correct-horse-1", is_admin=True)
        db.session.commit()
    for cookies in ({"session": session_cookie}, {"remember_token": remember}):
        replay = app.test_client()
        for name, value in cookies.items():
            replay.set_cookie(name, value, domain=domain)
        assert replay.get("/staff/admin/users").status_code == 302, cookies


def test_the_last_admin_cannot_delete_their_account(client, make_user, login):
    login(make_user("satu@example.org", role="admin"))
    page = client.post("/auth/account/delete", data={"password": "correct-horse-1"})
    assert page.status_code == 200 and "satu-satunya admin" in page.get_data(as_text=True)


def test_registration_limits_count_only_accepted_forms_and_keep_the_input(make_app):


    app = make_app("rl", RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="2 per hour",
                                        REGISTER_ACCOUNT_RATE_LIMIT="1 per hour")
    client = app.test_client()
    client.get("/auth/register")
    for _ in range(3):  # typos do not count
        assert client.post("/auth/register", data={**REGISTRATION, "password_again": "x"}).status_code == 200
    assert client.post("/auth/register", data=REGISTRATION).status_code == 200
    again = client.post("/auth/register", data=REGISTRATION)  # the same address: one per hour
    assert again.status_code == 429 and 'value="siti@example.org"' in again.get_data(as_text=True)
    assert client.post("/auth/register", data={**REGISTRATION, "email": "dua@example.org"}).status_code == 200
    limited = client.post("/auth/register", data={**REGISTRATION, "email": "tiga@example.org"})
    assert limited.status_code == 429 and "Terlalu banyak percobaan" in limited.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_suspension_ends_sessions_and_is_logged_and_told(app, client, make_user, login):
    from consult.accounts.models import AccountEvent

    register_and_verify(client)
    user_client = client
    admin = app.test_client()
    make_user("admin@example.org", role="admin")
    admin.post("/auth/login", data={"email": "admin@example.org", "password": "correct-horse-1"})
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == "siti@example.org"))
    with mail.record_messages() as outbox:
        admin.post(f"/staff/admin/users/{user_id}", data={"suspend": "ban", "reason": "Spam berulang."})
    assert outbox and "Spam berulang." in outbox[0].body
    assert user_client.get("/auth/account").status_code == 302
    refused = user_client.post("/auth/login", data={"email": "siti@example.org", "password": "kata-sandi-panjang"})
    assert "ditutup oleh admin" in refused.get_data(as_text=True)
    admin.post(f"/staff/admin/users/{user_id}", data={"suspend": "reinstate"})
    assert user_client.post("/auth/login", data={"email": "siti@example.org", "password": "kata-sandi-panjang"}) \
        .status_code == 302
    with app.app_context():
        assert [e.action for e in db.session.scalars(db.select(AccountEvent).order_by(AccountEvent.id))] == \
            ["ban", "reinstate"]


def test_a_user_keeps_a_language_and_time_zone_and_browsers_ask_in_theirs(app, client, make_user, login,
                                                                         make_consultation):
    from consult.accounts.models import User
    from consult.extensions import db

    slug = make_consultation()
    english = app.test_client()
    assert 'lang="en"' in english.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    indonesian = app.test_client()
    assert 'lang="id"' in indonesian.get("/", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"}).get_data(
        as_text=True)
    assert 'lang="id"' in client.get("/").get_data(as_text=True)  # no header: Indonesian
    login(make_user("warga@example.org", role="drafter", slug=slug))
    assert client.post("/auth/account", data={"name": "Siti", "language": "en", "time_zone": "Asia/Jayapura"}
                       ).status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "warga@example.org"))
        assert (user.language, user.time_zone) == ("en", "Asia/Jayapura")
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert 'lang="en"' in page and "WIT" in page and "WIB" not in page
