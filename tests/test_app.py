"""The application factory, configuration, error pages and the import boundary of themes."""
from __future__ import annotations

import subprocess
import sys

import pytest

from config import ProductionConfig
from consult import create_app
from tests.conftest import ROOT


def test_testing_config_is_used(app):
    assert app.config["TESTING"] is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "id"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Jakarta"


@pytest.mark.parametrize("secret", ["", "dev", "changeme", "short-secret"])
def test_production_refuses_without_a_real_secret(monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_without_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig.check()


def test_production_starts_with_real_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                                    "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_security_headers_and_huge_ids(client, make_consultation):
    slug = make_consultation()
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get(f"/c/{slug}/documents/99999999999999999999").status_code == 404


def test_wrong_method_gets_the_site_error_page(client):
    response = client.delete("/")
    assert response.status_code == 405 and "Akses tidak diizinkan" in response.get_data(as_text=True)


def test_themes_engine_imports_no_flask_or_sqlalchemy():
    code = (
        "import sys, consult.themes as t; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_babel', 'flask_sqlalchemy', "
        "'sqlalchemy', 'werkzeug', 'flask_login', 'flask_wtf')); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_mail_is_printed_to_the_log_when_suppressed(app, caplog):
    from consult.common.mail import send_mail

    with app.app_context(), caplog.at_level("INFO"):
        send_mail("warga@example.org", "Tanda terima", "Isi pesan")
    assert "warga@example.org" in caplog.text and "Isi pesan" in caplog.text
