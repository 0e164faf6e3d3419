"""Hidden, pending and non-consented text never reaches a public surface."""
from __future__ import annotations

from consult.analysis.services import request_analysis, run_analysis
from consult.common.visibility import PUBLIC_SURFACES
from consult.consultations.queries import get_by_slug
from consult.extensions import db

SECRETS = {"hidden": "RAHASIAHIDDEN", "pending": "RAHASIAPENDING"}


def test_every_public_surface_hides_what_it_must(app, make_consultation, make_submission, client):
    slug = make_consultation()
    base = "Kriteria mutasi harus transparan dan diumumkan kepada pegawai"
    for i in range(5):
        make_submission(slug, f"{base} nomor {i}.", answers={"q1": f"{base} jawaban {i}."})
    make_submission(slug, f"{base} {SECRETS['hidden']}.", answers={"q1": SECRETS["hidden"]}, status="hidden")
    make_submission(slug, f"{base} {SECRETS['pending']}.", answers={"q1": SECRETS["pending"]}, status="pending")
    make_submission(slug, f"{base} RAHASIANOCONSENT.", consent=False)
    with app.app_context():
        run_analysis(request_analysis(get_by_slug(slug)))
        db.session.commit()

    assert PUBLIC_SURFACES, "no public surface registered"
    values = {"slug": slug}
    visited = []
    for endpoint in PUBLIC_SURFACES:
        rules = list(app.url_map.iter_rules(endpoint))
        assert rules, f"{endpoint} has no URL rule"
        for rule in rules:
            missing = set(rule.arguments) - set(values)
            assert not missing, f"the walker does not know how to fill {missing} for {endpoint}"
            with app.test_request_context():
                from flask import url_for

                url = url_for(endpoint, **{k: values[k] for k in rule.arguments})
            for lang in ("id", "en"):
                page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
                visited.append(url)
                for secret in (*SECRETS.values(), "RAHASIANOCONSENT"):
                    assert secret not in page, f"{secret} leaked on {url}"
    assert len(visited) >= 4
    # public counts: published only (5 + the one without consent)
    assert "<dd>6</dd>" in client.get(f"/c/{slug}").get_data(as_text=True)
