"""The demo seed that `make run` loads."""
from __future__ import annotations

from collections import Counter

import pytest

from consult.analysis.queries import latest_run, run_view
from consult.consultations.queries import get_by_slug
from consult.extensions import db
from consult.submissions.models import Submission
from tests.conftest import SHARED_DATA, need


@pytest.mark.slow
def test_seed_demo_creates_an_analysed_open_consultation(app, runner, client):
    need((SHARED_DATA / "polis_opendata").is_dir(), "Polis open data not found; the demo imports one conversation")
    result = runner.invoke(args=["consult", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "kebijakan-asn-kotabumi-2026" in result.output and "bowling-green-polis" in result.output
    again = runner.invoke(args=["consult", "seed-demo"])
    assert again.exit_code == 0 and "Already present" in again.output

    with app.app_context():
        consultation = get_by_slug("kebijakan-asn-kotabumi-2026")
        assert consultation.is_open and len(consultation.questions) == 4 and consultation.documents
        subs = db.session.scalars(db.select(Submission).where(Submission.consultation_id == consultation.id)).all()
        assert len(subs) >= 150
        assert set(Counter(s.stakeholder_type.value for s in subs)) == {
            "citizen", "academic", "professional_body", "civil_servant", "government_unit", "other"}
        assert {s.language for s in subs} >= {"id", "en", "mixed"}
        assert any(s.attachment for s in subs)
        view = run_view(latest_run(consultation))
        assert len(view.sections) == 4  # three open questions and the general free text
        assert all(section.themes for section in view.sections)
        # the honorary-teachers' form letter lands in one theme
        letters = [s.reference for s in subs if "Persaudaraan Guru Non-ASN" in s.body]
        assert len(letters) >= 10
        holder = Counter(t.label for t in view.sections[-1].themes for r in t.submission_refs if r in letters)
        assert holder.most_common(1)[0][1] >= len(letters) - 2
        assert latest_run(get_by_slug("bowling-green-polis")) is not None

    assert client.get("/c/kebijakan-asn-kotabumi-2026").status_code == 200
    assert client.post("/auth/login", data={"email": "drafter@example.org",
                                            "password": "demo-password-2026"}).status_code == 302
    assert client.get("/staff/c/kebijakan-asn-kotabumi-2026/themes").status_code == 200
