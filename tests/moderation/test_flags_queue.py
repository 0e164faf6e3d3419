"""Visitor flags, the flood rule, the filtered queue, bulk actions, the next-item flow,
escalation, the mode switch and telling the author."""
from __future__ import annotations

import re
from datetime import timedelta

from consult.common.mixins import ModerationStatus
from consult.extensions import db, mail
from consult.moderation.models import Action, Flag, ModerationAction
from consult.submissions.models import Submission
from tests.submissions.test_routes import accepted, form_data, reference_in


def _status(app, made) -> ModerationStatus:
    with app.app_context():
        return db.session.get(Submission, made.id).moderation_status


def _flag(client, slug, ref, category="spam", note=""):
    client.get(f"/c/{slug}/submissions/{ref}")  # the page sets the device cookie first, as a browser would
    return client.post(f"/c/{slug}/submissions/{ref}/flag", data={"category": category, "note": note})


def test_public_submission_pages_show_only_quotable_text(app, make_consultation, make_submission, client):
    slug = make_consultation()
    shown = make_submission(slug, "Mutasi harus berdasarkan kompetensi.")
    private = make_submission(slug, "Teks tanpa izin terbit.", consent=False)
    page = client.get(f"/c/{slug}/submissions?lang=id").get_data(as_text=True)
    assert "Mutasi harus berdasarkan kompetensi." in page and shown.reference in page
    assert "Teks tanpa izin terbit." not in page and private.reference not in page
    assert "2 kiriman diterbitkan" in page  # counted, even when the text is not shown
    own = client.get(f"/c/{slug}/submissions/{private.reference}?lang=id").get_data(as_text=True)
    assert "Teks tanpa izin terbit." not in own and "tidak setuju teksnya diterbitkan" in own
    assert client.get(f"/c/{slug}/submissions/KTB-0000-999999").status_code == 404
    assert f'href="/c/{slug}/submissions"' in client.get(f"/c/{slug}").get_data(as_text=True)


def test_one_flag_per_visitor_and_the_threshold_holds_for_review(app, make_consultation, make_submission):
    slug = make_consultation()
    made = make_submission(slug, "Jual pulsa murah hubungi kami.")
    with app.app_context():
        from consult.consultations.queries import get_by_slug

        get_by_slug(slug).flag_threshold = 2
        db.session.commit()
    first = app.test_client()
    assert _flag(first, slug, made.reference).status_code == 302
    again = _flag(first, slug, made.reference, category="abusive")
    assert again.status_code == 302
    assert "sudah melaporkan" in first.get(again.headers["Location"]).get_data(as_text=True)
    assert _status(app, made) is ModerationStatus.published  # one visitor, one flag
    same_person = app.test_client()  # cookies cleared, same network address: still the first flagger
    assert _flag(same_person, slug, made.reference, category="off_topic").status_code == 302
    assert _status(app, made) is ModerationStatus.published
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert _flag(other, slug, made.reference, category="other").status_code == 302  # "other" needs a note
    assert _status(app, made) is ModerationStatus.published
    assert _flag(other, slug, made.reference, category="other", note="Iklan, bukan masukan.").status_code == 302
    assert _status(app, made) is ModerationStatus.pending  # the second visitor's flag reaches 2
    with app.app_context():
        flags = db.session.scalars(db.select(Flag)).all()
        assert len(flags) == 3 and all(len(f.visitor) == 32 and "." not in f.visitor for f in flags)
        assert all(f.address_hash and "127.0.0.1" not in f.address_hash for f in flags)
        hold = db.session.scalar(db.select(ModerationAction).where(ModerationAction.action == Action.hold))
        assert hold.rule_hits[0]["rule"] == "flags" and hold.actor_id is None
    # held: the public page is gone and flagging it answers 404
    assert app.test_client().get(f"/c/{slug}/submissions/{made.reference}").status_code == 404


def test_flags_are_rate_limited_per_visitor(make_app):

    app = make_app("fl", RATELIMIT_ENABLED=True, FLAG_RATE_LIMIT="2 per hour",
                                        FLAG_THRESHOLD=100)
    with app.app_context():
        from consult.consultations.services import create_consultation
        from consult.submissions.services import SubmissionInput, record_submission

        consultation = create_consultation(slug="fl", title="FL")
        refs = [record_submission(consultation, SubmissionInput(stakeholder_type="citizen", body=f"Teks {i}.",
                                                                consent_publish=True), {},
                                  secret="s", reference_prefix="KTB", status=ModerationStatus.published)[0].reference
                for i in range(3)]
        db.session.commit()
    client = app.test_client()
    codes = [_flag(client, "fl", ref).status_code for ref in refs]
    assert codes == [302, 302, 302]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Flag)) == 2  # the third was refused
        db.engine.dispose()


def test_a_flood_from_one_device_is_held(app, make_consultation, client):
    slug = make_consultation()
    responses = [client.post(f"/c/{slug}/submit", data=form_data(token=f"t{i}", body=f"Pendapat berbeda nomor {i}."))
                 for i in range(7)]
    assert all(accepted(r) for r in responses)
    with app.app_context():
        states = [db.session.scalar(db.select(Submission).where(Submission.reference == reference_in(r)))
                  .moderation_status for r in responses]
        assert states[:5] == [ModerationStatus.published] * 5
        assert states[5:] == [ModerationStatus.pending] * 2
        row = db.session.scalar(db.select(ModerationAction).where(ModerationAction.action == Action.hold))
        assert row.rule_hits[0]["rule"] == "flood"
    # another device is not affected
    other = app.test_client().post(f"/c/{slug}/submit", data=form_data(token="z", body="Pendapat lain."))
    with app.app_context():
        assert db.session.scalar(db.select(Submission).where(Submission.reference == reference_in(other))) \
            .moderation_status is ModerationStatus.published


def test_queue_filters_bulk_actions_and_the_next_item(app, make_consultation, make_submission, make_user, login,
                                                      client):
    slug = make_consultation(moderation="pre")
    a = make_submission(slug, "Pertama menunggu.", status="pending")
    b = make_submission(slug, "Kedua menunggu.", status="pending")
    c = make_submission(slug, "Ketiga menunggu.", status="pending")
    held = client.post(f"/c/{slug}/submit", data=form_data(token="h", body="Hubungi saya di 081234567890 ya."))
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    page = client.get(f"/staff/c/{slug}/moderation?rule=phone").get_data(as_text=True)
    assert reference_in(held) in page and a.reference not in page
    assert a.reference not in client.get(f"/staff/c/{slug}/moderation?min_age=2").get_data(as_text=True)
    # the next item opens after an action, in queue order
    response = client.post(f"/staff/c/{slug}/moderation/{a.id}", data={"action": "approve"})
    assert response.headers["Location"].endswith(f"/staff/c/{slug}/moderation/{b.id}?state=pending")
    item = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kedua menunggu." in item and "Terapkan dan buka berikutnya" in item
    # bulk: hiding needs a reason, so nothing changes without one; with one both are hidden
    client.post(f"/staff/c/{slug}/moderation/bulk", data={"ids": [b.id, c.id], "action": "hide"})
    assert _status(app, b) is ModerationStatus.pending
    response = client.post(f"/staff/c/{slug}/moderation/bulk",
                           data={"ids": [b.id, c.id, a.id], "action": "hide", "reason": "spam"})
    assert _status(app, b) is _status(app, c) is ModerationStatus.hidden
    assert _status(app, a) is ModerationStatus.hidden  # a published one can be hidden too
    client.post(f"/staff/c/{slug}/moderation/bulk", data={"ids": [a.id], "action": "approve"})
    flashed = client.get(f"/staff/c/{slug}/moderation").get_data(as_text=True)
    assert "Tidak berlaku" in flashed and a.reference in flashed  # approving a hidden one is skipped, named


def test_escalation_stays_pending_and_shows_in_the_queue(app, make_consultation, make_submission, make_user, login,
                                                         client):
    slug = make_consultation(moderation="pre")
    made = make_submission(slug, "Apakah ini fitnah?", status="pending")
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    client.post(f"/staff/c/{slug}/moderation/{made.id}", data={"action": "escalate", "public_note": "Mohon cek hukum."})
    assert _status(app, made) is ModerationStatus.pending
    page = client.get(f"/staff/c/{slug}/moderation?escalated=1").get_data(as_text=True)
    assert made.reference in page and "Mohon cek hukum." in page
    assert made.reference not in client.get(f"/staff/c/{slug}/moderation?escalated=0").get_data(as_text=True)
    client.post(f"/staff/c/{slug}/moderation/{made.id}", data={"action": "approve"})
    assert _status(app, made) is ModerationStatus.published


def test_mode_switch_from_the_queue(app, make_consultation, make_user, login, client):
    slug = make_consultation(moderation="post")
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    client.post(f"/staff/c/{slug}/moderation/mode", data={"mode": "pre"})
    assert client.post("/auth/logout").status_code in (302, 303)
    sent = client.post(f"/c/{slug}/submit", data=form_data(token="m", body="Pendapat saya tentang mutasi."))
    with app.app_context():
        assert db.session.scalar(db.select(Submission).where(Submission.reference == reference_in(sent))) \
            .moderation_status is ModerationStatus.pending


def test_the_author_is_told_by_mail_with_a_link_to_the_receipt(app, make_consultation, make_user, login, client):
    slug = make_consultation()
    sent = client.post(f"/c/{slug}/submit", data=form_data(token="e", email="budi@example.org",
                                                               body="Pendapat yang nanti disembunyikan."))
    receipt = re.search(r"/r/([\w-]{20,})", sent.get_data(as_text=True)).group(1)
    with app.app_context():
        submission = db.session.scalar(db.select(Submission).where(Submission.reference == reference_in(sent)))
        sid = submission.id
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    with mail.record_messages() as outbox:
        client.post(f"/staff/c/{slug}/moderation/{sid}", data={"action": "hide", "reason": "off_topic",
                                                               "public_note": "Di luar topik ASN."})
    [message] = outbox
    assert message.recipients == ["budi@example.org"] and reference_in(sent) in message.subject
    assert "Di luar topik ASN." in message.body and "/r/" in message.body
    assert f"/r/{receipt}" in message.body  # the same private receipt the author was given


def test_queue_age_filter_counts_hours(app, make_consultation, make_submission):
    from consult.common.types import utcnow
    from consult.consultations.queries import get_by_slug
    from consult.moderation.services import queue

    slug = make_consultation(moderation="pre")
    made = make_submission(slug, "Lama menunggu.", status="pending")
    with app.app_context():
        consultation = get_by_slug(slug)
        later = utcnow() + timedelta(hours=5)
        assert [i.submission.id for i in queue(consultation, min_age_hours=4, now=later)] == [made.id]
        assert queue(consultation, min_age_hours=6, now=later) == []
        assert round(queue(consultation, now=later)[0].age_hours) == 5


def _moderator(app, email):
    from consult.accounts.models import User

    return db.session.scalar(db.select(User).where(User.email == email))


def test_an_open_appeal_is_not_overturned_by_the_moderator_who_hid(app, make_consultation, make_submission, make_user):
    from consult.moderation.services import (
        NotAllowedHere,
        appeal_of,
        decide_appeal,
        file_appeal,
        moderate,
    )

    slug = make_consultation()
    made = make_submission(slug, "Teks yang disembunyikan.")
    first = make_user("m1@example.org", role="moderator", slug=slug)
    second = make_user("m2@example.org", role="moderator", slug=slug)
    with app.app_context():
        sub = db.session.get(Submission, made.id)
        moderate(sub, _moderator(app, first), "hide", reason="abuse")
        file_appeal(sub, "Tidak kasar.")
        db.session.commit()
        try:
            moderate(sub, _moderator(app, first), "restore")
            raise AssertionError("the hider restored an item with an open appeal")
        except NotAllowedHere:
            db.session.rollback()
        moderate(db.session.get(Submission, made.id), _moderator(app, second), "restore", public_note="Wajar.")
        db.session.commit()
        appeal = appeal_of(db.session.get(Submission, made.id))
        assert appeal.decision == "overturned" and appeal.decision_note == "Wajar."
        try:
            decide_appeal(appeal, _moderator(app, second), overturn=False)
            raise AssertionError("an appeal was decided twice")
        except NotAllowedHere:
            db.session.rollback()


def test_redacting_after_an_analysis_removes_the_number_everywhere(app, make_consultation, make_submission,
                                                                   make_user, login, client):
    from consult.analysis.services import request_analysis, run_analysis
    from consult.consultations.queries import get_by_slug
    from consult.moderation.services import redact_submission

    slug = make_consultation()
    base = "Mutasi pegawai harus transparan dan kriterianya diumumkan kepada semua pegawai"
    for i in range(6):
        make_submission(slug, f"{base} nomor {i}.")
    made = make_submission(slug, f"{base}. Hubungi saya di 0812 3456 7890 untuk diskusi.")
    moderator = make_user("m1@example.org", role="moderator", slug=slug)
    with app.app_context():
        run_analysis(request_analysis(get_by_slug(slug)))
        db.session.commit()
        redact_submission(db.session.get(Submission, made.id), _moderator(app, moderator))
        db.session.commit()
    login(make_user(slug=slug))
    for url in (f"/staff/c/{slug}/export.json", f"/staff/c/{slug}/export.csv", f"/staff/c/{slug}/themes",
                f"/c/{slug}/submissions", f"/c/{slug}/submissions/{made.reference}"):
        body = client.get(url).get_data(as_text=True)
        assert "3456" not in body, url


def test_the_receipt_still_explains_a_hide_after_a_redaction(app, make_consultation, make_user, client):
    from consult.moderation.services import moderate, redact_submission

    slug = make_consultation()
    sent = client.post(f"/c/{slug}/submit", data=form_data(token="r", body="Telepon saya 081234567890, mohon dibaca."))
    token = re.search(r"/r/([\w-]{20,})", sent.get_data(as_text=True)).group(1)
    moderator = make_user("m1@example.org", role="moderator", slug=slug)
    with app.app_context():
        sub = db.session.scalar(db.select(Submission).where(Submission.reference == reference_in(sent)))
        moderate(sub, _moderator(app, moderator), "hide", reason="personal_data", public_note="Data pribadi.")
        redact_submission(sub, _moderator(app, moderator))
        db.session.commit()
    receipt = client.get(f"/r/{token}?lang=id").get_data(as_text=True)
    assert "Data pribadi." in receipt and 'name="appeal"' in receipt


def test_queue_survives_odd_query_strings_and_the_next_item_skips_forward(app, make_consultation, make_submission,
                                                                          make_user, login, client):
    slug = make_consultation(moderation="pre")
    items = [make_submission(slug, f"Butir {i}.", status="pending") for i in range(4)]
    login(make_user("m1@example.org", role="moderator", slug=slug))
    for query in ("min_age=99999999999", "min_age=%C2%B2", "min_flags=-3", "min_flags=%C2%B2", "rule=<x>",
                  "state=nope", "escalated=2"):
        assert client.get(f"/staff/c/{slug}/moderation?{query}").status_code == 200, query
    assert client.get(f"/staff/c/{slug}/moderation/99999999999999999999").status_code == 404
    bulk = client.post(f"/staff/c/{slug}/moderation/bulk", data={"ids": ["99999999999999999999", "²"],
                                                                 "action": "approve"})
    assert bulk.status_code == 302
    # escalate item 1 (stays), approve item 2: the next is item 3, not item 0 or the escalated 1
    client.post(f"/staff/c/{slug}/moderation/{items[1].id}", data={"action": "escalate"})
    response = client.post(f"/staff/c/{slug}/moderation/{items[2].id}", data={"action": "approve"})
    assert response.headers["Location"].split("?")[0].endswith(f"/moderation/{items[3].id}")


def test_a_visitor_who_signs_in_cannot_flag_twice_and_unpublished_text_cannot_be_flagged(
        app, make_consultation, make_submission, make_user, login):
    slug = make_consultation()
    made = make_submission(slug, "Teks publik.")
    private = make_submission(slug, "Teks tanpa izin.", consent=False)
    client = app.test_client()
    assert _flag(client, slug, made.reference).status_code == 302
    make_user("warga@example.org", role="moderator", slug=make_consultation(slug="lain"))
    client.post("/auth/login", data={"email": "warga@example.org", "password": "correct-horse-1"})
    _flag(client, slug, made.reference, category="abusive")
    assert _flag(client, slug, private.reference).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Flag)) == 1
