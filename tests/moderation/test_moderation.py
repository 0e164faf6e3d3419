"""Moderation through the web form, the queue page and the services: holds, actions, audit log."""
from __future__ import annotations

import pytest

from consult.common.mixins import ModerationStatus
from consult.extensions import db
from consult.moderation.models import Action, AuditLogImmutable, ModerationAction
from consult.moderation.services import NotAllowedHere, moderate
from consult.submissions.models import Submission
from tests.submissions.test_routes import accepted, form_data, reference_in


def _by_ref(ref):
    return db.session.scalar(db.select(Submission).where(Submission.reference == ref))


def test_personal_data_holds_a_submission_even_in_post_moderation(app, make_consultation, client):
    slug = make_consultation(moderation="post")
    clean = client.post(f"/c/{slug}/submit", data=form_data(token="a"))
    held = client.post(f"/c/{slug}/submit", data=form_data(token="b", body="NIK saya 1803011203850002, hp 081234567890."))
    assert accepted(clean) and accepted(held)
    with app.app_context():
        assert _by_ref(reference_in(clean)).moderation_status is ModerationStatus.published
        submission = _by_ref(reference_in(held))
        assert submission.moderation_status is ModerationStatus.pending
        [row] = db.session.scalars(db.select(ModerationAction).where(ModerationAction.submission_id == submission.id)).all()
        assert row.action is Action.hold and row.actor_id is None
        assert {h["rule"] for h in row.rule_hits} == {"nik", "phone"}
        assert "1803011203850002" not in str(row.rule_hits)  # the log keeps where, not the number


def test_moderator_queue_and_actions(app, make_consultation, make_submission, make_user, login, client):
    slug = make_consultation(moderation="pre")
    waiting = make_submission(slug, "Mohon pelatihan merata.", status="pending")
    other = make_submission(slug, "Mutasi harus terbuka.", status="pending")
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    page = client.get(f"/staff/c/{slug}/moderation").get_data(as_text=True)
    assert waiting.reference in page and other.reference in page and "Mohon pelatihan merata." in page

    response = client.post(f"/staff/c/{slug}/moderation/{waiting.id}", data={"action": "approve"})
    assert response.status_code == 302
    response = client.post(f"/staff/c/{slug}/moderation/{other.id}",
                           data={"action": "hide", "reason": "off_topic", "public_note": "Bukan tentang ASN."})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Submission, waiting.id).moderation_status is ModerationStatus.published
        assert db.session.get(Submission, other.id).moderation_status is ModerationStatus.hidden
        rows = db.session.scalars(db.select(ModerationAction).order_by(ModerationAction.id)).all()
        assert [(r.action, r.before, r.after, r.reason) for r in rows] == [
            (Action.approve, "pending", "published", None), (Action.hide, "pending", "hidden", "off_topic")]
        assert rows[1].public_note == "Bukan tentang ASN."
    # the queue now shows nothing waiting; the hidden one is under its filter
    assert f'id="s{waiting.id}"' not in client.get(f"/staff/c/{slug}/moderation").get_data(as_text=True)
    assert f'id="s{other.id}"' in client.get(f"/staff/c/{slug}/moderation?state=hidden").get_data(as_text=True)
    # the public consultation page never shows the hidden text
    assert "Mutasi harus terbuka." not in client.get(f"/c/{slug}").get_data(as_text=True)


def test_hiding_needs_a_reason_and_wrong_transitions_change_nothing(app, make_consultation, make_submission,
                                                                    make_user, login, client):
    slug = make_consultation()
    made = make_submission(slug, "Teks.", status="published")
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    client.post(f"/staff/c/{slug}/moderation/{made.id}", data={"action": "hide"})
    client.post(f"/staff/c/{slug}/moderation/{made.id}", data={"action": "restore"})
    with app.app_context():
        assert db.session.get(Submission, made.id).moderation_status is ModerationStatus.published
        assert db.session.scalar(db.select(db.func.count()).select_from(ModerationAction)) == 0


def test_only_moderators_of_the_consultation(app, make_consultation, make_submission, make_user, login, client):
    slug = make_consultation()
    made = make_submission(slug, "Teks.", status="pending")
    assert client.get(f"/staff/c/{slug}/moderation").status_code in (302, 401)
    login(make_user("drafter@example.org", role="drafter", slug=slug))
    assert client.get(f"/staff/c/{slug}/moderation").status_code == 403
    assert client.post(f"/staff/c/{slug}/moderation/{made.id}", data={"action": "approve"}).status_code == 403
    other = make_consultation()
    client.get("/auth/logout")
    login(make_user("moderator@example.org", role="moderator", slug=other))
    assert client.get(f"/staff/c/{slug}/moderation").status_code == 403
    # a submission of another consultation is not reachable through this one
    assert client.post(f"/staff/c/{other}/moderation/{made.id}", data={"action": "approve"}).status_code == 404


def test_the_audit_log_is_append_only(app, make_consultation, make_submission, make_user):
    slug = make_consultation()
    made = make_submission(slug, "Teks.", status="pending")
    email = make_user("moderator@example.org", role="moderator", slug=slug)
    with app.app_context():
        from consult.accounts.models import User

        actor = db.session.scalar(db.select(User).where(User.email == email))
        row = moderate(db.session.get(Submission, made.id), actor, "approve")
        db.session.commit()
        with pytest.raises(NotAllowedHere):
            moderate(db.session.get(Submission, made.id), actor, "approve")
        db.session.rollback()
        row = db.session.get(ModerationAction, row.id)
        row.reason = "spam"
        with pytest.raises(AuditLogImmutable):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AuditLogImmutable):
            db.session.delete(db.session.get(ModerationAction, row.id))
            db.session.flush()
        db.session.rollback()


def test_the_staff_dashboard_links_moderators_to_their_queue(make_consultation, make_submission, make_user, login,
                                                            client):
    slug = make_consultation()
    make_submission(slug, "Teks.", status="pending")
    make_submission(slug, "Teks lain.", status="pending")
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    page = client.get("/staff/").get_data(as_text=True)
    assert f"/staff/c/{slug}/moderation" in page and "Moderasi: 2 menunggu" in page


def test_the_author_sees_why_on_the_receipt_and_the_public_register_counts_only(
        app, make_consultation, make_user, login, client):
    slug = make_consultation(moderation="post")
    held = client.post(f"/c/{slug}/submit", data=form_data(token="h", body="Hubungi saya di 081234567890."))
    hidden = client.post(f"/c/{slug}/submit", data=form_data(token="x", body="Beli pulsa murah sekarang juga."))
    held_html, hidden_html = held.get_data(as_text=True), hidden.get_data(as_text=True)
    import re

    receipt = lambda html: re.search(r'href="(?:https?://[^/"]+)?(/r/[^"]+)"', html).group(1)
    page = client.get(receipt(held_html)).get_data(as_text=True)
    assert "menunggu moderator" in page and "nomor telepon" in page
    with app.app_context():
        hidden_id = _by_ref(reference_in(hidden)).id
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    client.post(f"/staff/c/{slug}/moderation/{hidden_id}",
                data={"action": "hide", "reason": "spam", "public_note": "Iklan pulsa."})
    client.get("/auth/logout")
    page = client.get(receipt(hidden_html)).get_data(as_text=True)
    assert "Spam atau iklan" in page and "Iklan pulsa." in page
    register = client.get(f"/c/{slug}/moderation-register").get_data(as_text=True)
    assert "Ditahan untuk ditinjau" in register and "Spam atau iklan" in register
    assert "081234567890" not in register and "pulsa" not in register.lower()
    assert f"/c/{slug}/moderation-register" in client.get(f"/c/{slug}").get_data(as_text=True)


def test_redaction_keeps_the_original_apart_and_erasure_empties_it(app, make_consultation, make_submission,
                                                                  make_user, login, client):
    from consult.moderation.models import RedactedOriginal
    from consult.moderation.services import erase_original

    slug = make_consultation()
    nik = "1803011203850002"
    made = make_submission(slug, f"Saya guru honorer, NIK {nik}, mohon tunjangan dibayar tepat waktu.",
                           answers={"q1": "Hubungi 0812-3456-7890 untuk data lengkap."}, status="pending")
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    assert client.post(f"/staff/c/{slug}/moderation/{made.id}", data={"action": "redact"}).status_code == 302
    with app.app_context():
        submission = db.session.get(Submission, made.id)
        assert submission.body == "Saya guru honorer, NIK [NIK], mohon tunjangan dibayar tepat waktu."
        assert submission.answers[0].text == "Hubungi [telepon] untuk data lengkap."
        originals = db.session.scalars(db.select(RedactedOriginal).order_by(RedactedOriginal.id)).all()
        assert [o.field for o in originals] == ["body", f"answer:{submission.answers[0].question_id}"]
        assert nik in originals[0].original
        [row] = db.session.scalars(db.select(ModerationAction)).all()
        assert row.action is Action.redact and nik not in str(row.rule_hits)
        # nothing more to redact: a second click changes nothing
    client.post(f"/staff/c/{slug}/moderation/{made.id}", data={"action": "redact"})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ModerationAction)) == 1
        from consult.accounts.models import User

        actor = db.session.scalar(db.select(User).where(User.email == "moderator@example.org"))
        original = db.session.scalars(db.select(RedactedOriginal)).first()
        erase_original(original, actor)
        db.session.commit()
        assert db.session.get(RedactedOriginal, original.id).original is None
        actions = [r.action for r in db.session.scalars(db.select(ModerationAction).order_by(ModerationAction.id))]
        assert actions == [Action.redact, Action.erase]


def test_the_author_appeals_once_and_another_moderator_decides(app, make_consultation, make_user, login, client):
    import re

    slug = make_consultation(moderation="post")
    sent = client.post(f"/c/{slug}/submit", data=form_data(token="p", body="Kebijakan ini harus dibatalkan saja."))
    receipt = re.search(r'href="(?:https?://[^/"]+)?(/r/[^"]+)"', sent.get_data(as_text=True)).group(1)
    with app.app_context():
        sid = _by_ref(reference_in(sent)).id
    first = make_user("mod1@example.org", role="moderator", slug=slug)
    second = make_user("mod2@example.org", role="moderator", slug=slug)
    login(first)
    client.post(f"/staff/c/{slug}/moderation/{sid}", data={"action": "hide", "reason": "off_topic"})
    client.get("/auth/logout")

    page = client.get(receipt).get_data(as_text=True)
    assert "Ajukan banding" in page or "banding" in page.lower()
    assert client.post(f"{receipt}/appeal", data={"appeal": ""}).status_code == 302
    client.post(f"{receipt}/appeal", data={"appeal": "Ini masukan serius tentang kebijakan ASN."})
    client.post(f"{receipt}/appeal", data={"appeal": "Banding kedua."})
    from consult.moderation.models import Appeal

    with app.app_context():
        [appeal] = db.session.scalars(db.select(Appeal)).all()
        assert appeal.text == "Ini masukan serius tentang kebijakan ASN." and appeal.decision is None
        appeal_id = appeal.id
    assert "menunggu moderator lain" in client.get(receipt).get_data(as_text=True)

    login(first)  # the moderator who hid it may not decide
    assert "Ini masukan serius" in client.get(f"/staff/c/{slug}/moderation").get_data(as_text=True)
    client.post(f"/staff/c/{slug}/appeals/{appeal_id}", data={"decision": "overturn"})
    with app.app_context():
        assert db.session.get(Submission, sid).moderation_status is ModerationStatus.hidden
    client.get("/auth/logout")
    login(second)
    client.post(f"/staff/c/{slug}/appeals/{appeal_id}", data={"decision": "overturn", "public_note": "Relevan."})
    with app.app_context():
        assert db.session.get(Submission, sid).moderation_status is ModerationStatus.published
        assert db.session.get(Appeal, appeal_id).decision == "overturned"
        actions = [r.action for r in db.session.scalars(db.select(ModerationAction).order_by(ModerationAction.id))]
        assert actions == [Action.hide, Action.restore]
    client.get("/auth/logout")
    assert "Banding Anda diterima" in client.get(receipt).get_data(as_text=True)
