"""axe-core (vendored from npm, tests/browser/vendor/) finds no serious or critical WCAG violation
on the main pages, public and staff, on a phone-sized screen."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from consult.extensions import db

from .test_journeys import setup_consultation

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _audit(page, url: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return {engine: r.testEngine.name, version: r.testEngine.version, passes: r.passes.length,
                violations: r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))};
    }""")
    assert results["engine"] == "axe-core" and results["passes"] > 10, f"axe did not run on {url}: {results}"
    return [f"{url}: {v['id']} ({v['impact']}) at {v['nodes']}" for v in results["violations"]
            if v["impact"] in ("serious", "critical")]


def test_main_pages_have_no_serious_accessibility_violation(live_app, audit_page):
    from consult.analysis.services import request_analysis, run_analysis
    from consult.consultations.queries import get_by_slug

    app, base = live_app
    setup_consultation(app)
    from consult.accounts.services import get_by_email
    from consult.discussion.services import post_comment

    with app.app_context():
        run_analysis(request_analysis(get_by_slug("asn"), n_themes=2))
        consultation = get_by_slug("asn")
        from consult.accounts.services import create_user

        someone = create_user("warga@example.org", "correct-horse-1")
        first = post_comment(consultation, someone, "Mutasi harus terbuka.")
        post_comment(consultation, get_by_email("perancang@example.org"), "Setuju.", parent=first)
        consultation.answered = True
        db.session.commit()
    page = audit_page
    problems = []
    for path in ("/", "/c/asn", "/c/asn/submit", "/c/asn/submissions", "/c/asn/results", "/search?q=mutasi", "/c/asn/discussion",
                 "/auth/login", "/auth/register", "/p/privacy"):
        problems += _audit(page, base + path)
    # a receipt page, from a real submission
    page.goto(base + "/c/asn/submit")
    page.get_by_label("Warga").check()
    page.locator("#body").fill("Kriteria mutasi harus diumumkan secara terbuka kepada semua pegawai.")
    page.locator("main button[type=submit]").first.click()
    problems += _audit(page, page.url)
    # the drafter's pages
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill("perancang@example.org")
    page.get_by_label(re.compile("Kata sandi|Password")).fill("correct-horse-1")
    page.locator("main button[type=submit]").first.click()
    problems += _audit(page, base + "/staff/c/asn/themes")
    page.goto(base + "/staff/c/asn/themes")
    page.get_by_role("link", name="Ubah dan tanggapi").first.click()
    problems += _audit(page, page.url)
    for path in ("/staff/c/asn/responses", "/staff/c/asn/codebook"):
        problems += _audit(page, base + path)
    with app.app_context():  # open again, so the discussion shows its comment, reply, vote and flag forms
        get_by_slug("asn").answered = False
        db.session.commit()
    for path in ("/c/asn/questions/penempatan/discussion", "/c/asn/discussion"):
        problems += _audit(page, base + path)
    assert page.locator("form.vote").count() >= 1
    assert not problems, "\n".join(problems)
