"""Staff accounts: the create-user command, signing in and out, roles."""
from __future__ import annotations

import pytest

from consult.accounts.models import Role, User
from consult.accounts.services import authenticate, create_user
from consult.errors import ValidationFailed
from consult.extensions import db


def test_create_user_command_grants_a_role(app, runner, make_consultation):
    slug = make_consultation()
    result = runner.invoke(args=["consult", "create-user", "Perancang@Example.org", "--role", "drafter",
                                 "--consultation", slug, "--password", "panjang-sekali-1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.email == "perancang@example.org"
        assert user.password_hash.startswith("$argon2id$")
        consultation_id = user.roles[0].consultation_id
        assert user.has_role(Role.drafter, consultation_id) and not user.has_role(Role.moderator, consultation_id)


@pytest.mark.parametrize("args,expected", [
    (["x@example.org", "--role", "drafter", "--password", "panjang-sekali-1"], "--consultation"),
    (["x@example.org", "--role", "drafter", "--consultation", "nope", "--password", "panjang-sekali-1"],
     "no consultation"),
    (["bukan-email", "--role", "admin", "--password", "panjang-sekali-1"], "not valid"),
    (["x@example.org", "--role", "admin", "--password", "pendek"], "at least 10"),
])
def test_create_user_bad_input(app, runner, args, expected):
    result = runner.invoke(args=["consult", "create-user", *args])
    assert result.exit_code != 0 and expected in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_login_logout_and_wrong_password(make_user, client):
    email = make_user(role="admin")
    wrong = client.post("/auth/login", data={"email": email, "password": "salah-salah-salah"})
    assert wrong.status_code == 200
    assert client.get("/staff/").status_code == 302
    ok = client.post("/auth/login", data={"email": email.upper(), "password": "correct-horse-1",
                                          "next": "https://evil.example/"})
    assert ok.status_code == 302 and ok.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    client.post("/auth/logout")
    assert client.get("/staff/").status_code == 302


def test_admin_sees_every_consultation_drafter_only_theirs(make_consultation, make_user, login, client):
    mine, other = make_consultation(title="Punya Saya"), make_consultation(title="Punya Orang")
    login(make_user(slug=mine))
    page = client.get("/staff/").get_data(as_text=True)
    assert "Punya Saya" in page and "Punya Orang" not in page
    assert client.get(f"/staff/c/{other}/themes").status_code == 403


def test_services(app):
    with app.app_context():
        create_user("a@example.org", "panjang-sekali-1")
        with pytest.raises(ValidationFailed):
            create_user("A@example.org", "panjang-sekali-1")
        assert authenticate("a@example.org", "panjang-sekali-1") is not None
        assert authenticate("a@example.org", "salah") is None
        assert authenticate("tidak@example.org", "panjang-sekali-1") is None


def test_create_user_again_sets_the_new_password(app, runner, make_consultation):
    slug = make_consultation()
    base = ["consult", "create-user", "x@example.org", "--role", "drafter", "--consultation", slug]
    assert runner.invoke(args=[*base, "--password", "pertama-panjang-1"]).exit_code == 0
    assert runner.invoke(args=[*base, "--password", "kedua-panjang-22"]).exit_code == 0
    with app.app_context():
        assert authenticate("x@example.org", "kedua-panjang-22") is not None
        assert authenticate("x@example.org", "pertama-panjang-1") is None
    # granting another role asks for no password and keeps the current one
    other = make_consultation()
    result = runner.invoke(args=["consult", "create-user", "x@example.org", "--role", "moderator",
                                 "--consultation", other], input="")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert authenticate("x@example.org", "kedua-panjang-22") is not None


def test_failed_logins_are_limited_per_account_across_devices(make_app):


    app = make_app("login", RATELIMIT_ENABLED=True,
                                        LOGIN_ACCOUNT_RATE_LIMIT="3 per hour")
    with app.app_context():
        create_user("target@example.org", "panjang-sekali-1")
        db.session.commit()
    codes = []
    for _ in range(4):
        fresh_device = app.test_client()  # no cookies: a new device each time
        codes.append(fresh_device.post("/auth/login", data={"email": "target@example.org",
                                                            "password": "tebakan-salah"}).status_code)
    assert codes == [200, 200, 200, 429]
    with app.app_context():
        db.engine.dispose()
