"""A live server and Debian's headless Chromium driven by Playwright (no downloaded browser)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from consult import create_app
from tests.conftest import _config, need

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture
def live_app(template_db, tmp_path):
    """(app, base URL) of a real HTTP server on a free loopback port, with its own database."""
    db_path = tmp_path / "live.sqlite3"
    shutil.copy(template_db, db_path)
    config = _config(db_path, tmp_path)
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


@pytest.fixture
def browser():
    """A headless Chromium (Debian's), or a skip (a failure under CI) when it is missing."""
    need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser page sized like a cheap phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()
