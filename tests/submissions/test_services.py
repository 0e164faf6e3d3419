"""Submission rules, references and receipt tokens, called directly."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from consult.common.mixins import ModerationStatus
from consult.consultations.queries import get_by_slug
from consult.errors import ValidationFailed
from consult.extensions import db
from consult.submissions.models import Submission
from consult.submissions.queries import get_by_receipt_token
from consult.submissions.services import (
    ConsultationNotOpen,
    SubmissionInput,
    create_submission,
    hash_token,
)


def submit(app, slug, data, **kw):
    consultation = get_by_slug(slug)
    return create_submission(consultation, data, secret=app.config["SECRET_KEY"], reference_prefix="KTB", **kw)


def good(**kw) -> SubmissionInput:
    base = dict(stakeholder_type="citizen", name="Siti", body="Mutasi harus transparan.", consent_publish=True)
    base.update(kw)
    return SubmissionInput(**base)


def test_reference_and_receipt_token(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        submission, token, created = submit(app, slug, good())
        db.session.commit()
        assert created
        assert re.fullmatch(r"KTB-\d{4}-\d{6}", submission.reference)
        assert submission.receipt_token_hash == hash_token(token) != token
        assert len(token) >= 32
        assert get_by_receipt_token(token).id == submission.id
        assert get_by_receipt_token(submission.reference) is None
        assert submission.moderation_status is ModerationStatus.published


def test_reference_year_is_the_year_in_wib(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        # 31 Dec 2026 20:00 UTC is already 1 Jan 2027 in WIB


        c = get_by_slug(slug)
        c.opens_at = datetime(2026, 12, 1, tzinfo=timezone.utc)
        c.closes_at = datetime(2027, 2, 1, tzinfo=timezone.utc)
        submission, _, _ = submit(app, slug, good(), now=datetime(2026, 12, 31, 20, 0, tzinfo=timezone.utc))
        assert submission.reference.startswith("KTB-2027-")


def test_pre_moderation_holds_submissions(app, make_consultation):
    slug = make_consultation(moderation="pre")
    with app.app_context():
        submission, _, _ = submit(app, slug, good())
        assert submission.moderation_status is ModerationStatus.pending


@pytest.mark.parametrize("state,message", [("closed", "closed on"), ("scheduled", "not open yet")])
def test_closed_or_scheduled_consultation_refuses(app, make_consultation, state, message):
    slug = make_consultation(state=state)
    with app.app_context():
        with pytest.raises(ConsultationNotOpen, match=message):
            submit(app, slug, good())
        assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0


@pytest.mark.parametrize("text", ["", "   ", "\n\t \u00a0 \n"])
def test_blank_text_is_refused(app, make_consultation, text):
    slug = make_consultation()
    with app.app_context():
        with pytest.raises(ValidationFailed) as err:
            submit(app, slug, good(body=text, answers={"q1": " \n "}))
        assert "body" in err.value.errors


def test_an_answer_alone_is_enough_text(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        submission, _, _ = submit(app, slug, good(body="", answers={"q2": "Pelatihan merata.", "support": "Setuju"}))
        assert {a.question.key: (a.text or a.choice) for a in submission.answers} == {
            "q2": "Pelatihan merata.", "support": "Setuju"}


def test_name_required_unless_anonymous_and_organisation_for_bodies(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        with pytest.raises(ValidationFailed) as err:
            submit(app, slug, good(name="", anonymous=False))
        assert "name" in err.value.errors
        anonymous, _, _ = submit(app, slug, good(name="Tetap Tersimpan?", anonymous=True, client_token="a1"))
        assert anonymous.name is None
        with pytest.raises(ValidationFailed) as err:
            submit(app, slug, good(stakeholder_type="professional_body", organisation=" "))
        assert "organisation" in err.value.errors
        with pytest.raises(ValidationFailed) as err:
            submit(app, slug, good(on_behalf=True))
        assert "organisation" in err.value.errors
        with pytest.raises(ValidationFailed) as err:
            submit(app, slug, good(stakeholder_type="alien"))
        assert "stakeholder_type" in err.value.errors


def test_choice_answer_must_be_an_option(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        with pytest.raises(ValidationFailed) as err:
            submit(app, slug, good(answers={"support": "Mungkin"}))
        assert "q_support" in err.value.errors


def test_resent_form_records_one_submission(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        first, token1, created1 = submit(app, slug, good(client_token="form-123"))
        db.session.commit()
        again, token2, created2 = submit(app, slug, good(client_token="form-123"))
        assert (created1, created2) == (True, False)
        assert again.id == first.id and token1 == token2
        assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 1


def test_text_is_normalised_and_language_guessed(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        submission, _, _ = submit(app, slug, good(body="  Pelatihan   yang  merata\r\n\r\n\r\nuntuk   semua pegawai  "))
        assert submission.body == "Pelatihan yang merata\n\nuntuk semua pegawai"
        assert submission.language == "id"
