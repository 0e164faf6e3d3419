"""A live server and Debian's headless Chromium driven by Playwright (no downloaded browser)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import need

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture
def browser():
    """A headless Chromium (Debian's), or a skip (a failure under CI) when it is missing."""
    need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item, so fixtures can tell a failed test."""
    outcome = yield
    setattr(item, f"report_{outcome.get_result().when}", outcome.get_result())


def _screenshot_if_failed(request, page) -> None:
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failing step: {path}")
        except Exception as error:  # noqa: BLE001 - a broken page must not hide the real failure
            print(f"no screenshot: {error}")


@pytest.fixture
def page(browser, request):
    """A fresh browser page sized like a cheap phone. The test fails if the page broke the
    Content Security Policy or raised a script error (the CSP allows no inline script); when
    the test fails, a full-page screenshot is saved in ``test-artifacts/``."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and (
        "Content Security Policy" in m.text or "Refused to" in m.text) else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    _screenshot_if_failed(request, page)
    context.close()
    assert not problems, f"CSP violations or script errors: {problems}"


@pytest.fixture
def audit_page(browser, request):
    """A phone-sized page whose context bypasses the site's CSP, so the vendored axe-core can be
    injected (the site's own pages keep their strict policy); screenshot on failure."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", bypass_csp=True)
    page = context.new_page()
    yield page
    _screenshot_if_failed(request, page)
    context.close()
