"""The submission form, confirmation and receipt pages through the test client."""
from __future__ import annotations

import io
import re

from consult.extensions import db, mail
from consult.submissions.models import Submission

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def form_data(**kw):
    data = {"stakeholder_type": "citizen", "name": "Budi Santoso", "email": "", "region": "Kotabumi",
            "q_q1": "Mutasi harus transparan dan kriterianya diumumkan.", "q_q2": "",
            "q_support": "Setuju", "body": "Mohon pelatihan merata ke kecamatan.",
            "consent_publish": "y", "client_token": "tok-" + kw.pop("token", "1")}
    data.update(kw)
    return data


def accepted(response) -> bool:
    """The form was accepted: the answer is the confirmation page with a reference."""
    return response.status_code == 200 and re.search(r"KTB-\d{4}-\d{6}", response.get_data(as_text=True)) is not None


def reference_in(response) -> str:
    return re.search(r"KTB-\d{4}-\d{6}", response.get_data(as_text=True)).group(0)


def issued_token(client, slug) -> str:
    """The form key the server issued to this client's session."""
    page = client.get(f"/c/{slug}/submit").get_data(as_text=True)
    return re.search(r'name="client_token" type="hidden" value="([^"]+)"', page).group(1)


def count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Submission))


def test_form_shows_questions_and_a_fresh_client_token(make_consultation, client):
    slug = make_consultation()
    page = client.get(f"/c/{slug}/submit").get_data(as_text=True)
    assert "Bagaimana penempatan ASN?" in page and "Setujukah Anda?" in page
    assert re.search(r'name="client_token"[^>]*value="[\w-]{20,}"', page)


def test_submit_confirm_and_receipt(app, make_consultation, client):
    slug = make_consultation()
    response = client.post(f"/c/{slug}/submit", data=form_data())
    assert accepted(response)
    assert count(app) == 1  # durable before the confirmation page is shown
    assert "no-store" in response.headers["Cache-Control"]
    assert "last_receipt" not in (response.headers.get("Set-Cookie") or "")
    confirmation = response.get_data(as_text=True)
    reference = re.search(r"KTB-\d{4}-\d{6}", confirmation).group(0)
    receipt_url = re.search(r'href="(https?://[^"]+/r/[^"]+)"', confirmation).group(1)
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200
    text = receipt.get_data(as_text=True)
    assert reference in text and "Mohon pelatihan merata ke kecamatan." in text
    assert receipt.headers["Referrer-Policy"] == "no-referrer"
    # the public reference alone never opens the receipt
    assert client.get(f"/r/{reference}").status_code == 404


def test_form_with_errors_keeps_everything_typed(app, make_consultation, client):
    slug = make_consultation()
    response = client.post(f"/c/{slug}/submit", data=form_data(name="", stakeholder_type="",
                                                                 body="Teks panjang saya yang berharga."))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Teks panjang saya yang berharga." in page
    assert "Mutasi harus transparan dan kriterianya diumumkan." in page
    assert 'value="Kotabumi"' in page
    assert count(app) == 0


def test_whitespace_only_submission_is_refused(app, make_consultation, client):
    slug = make_consultation()
    response = client.post(f"/c/{slug}/submit", data=form_data(body="   \n  ", q_q1="  "))
    assert response.status_code == 422
    assert count(app) == 0


def test_closed_consultation_refuses_with_a_clear_message(app, make_consultation, client):
    slug = make_consultation(state="closed")
    get = client.get(f"/c/{slug}/submit").get_data(as_text=True)
    assert 'name="body"' not in get
    response = client.post(f"/c/{slug}/submit", data=form_data(body="Teks yang terlambat."))
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Teks yang terlambat." in page  # kept so the respondent can copy it
    assert count(app) == 0


def test_expired_csrf_token_keeps_the_text(make_app, make_consultation):


    app = make_app("csrf", WTF_CSRF_ENABLED=True)
    with app.app_context():
        from consult.consultations.services import add_question, create_consultation

        c = create_consultation(slug="csrf", title="CSRF")
        add_question(c, key="q1", text="Pertanyaan?")
        db.session.commit()
    client = app.test_client()
    response = client.post("/c/csrf/submit", data={**form_data(), "csrf_token": "expired-or-forged",
                                                    "q_q1": "Jawaban yang tidak boleh hilang."})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Jawaban yang tidak boleh hilang." in page
    assert 'name="csrf_token"' in page  # a fresh token to send again
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    again = client.post("/c/csrf/submit", data={**form_data(), "csrf_token": token, "q_q1": "Jawaban."})
    assert accepted(again)
    with app.app_context():
        db.engine.dispose()


def test_email_receipt_is_sent(app, make_consultation, client):
    slug = make_consultation()
    with mail.record_messages() as outbox:
        client.post(f"/c/{slug}/submit", data=form_data(email="Warga@Example.org"))
    assert len(outbox) == 1
    assert outbox[0].recipients == ["warga@example.org"]
    assert "/r/" in outbox[0].body


def test_attachment_is_kept_after_an_error_and_stored_on_success(app, make_consultation, client):
    slug = make_consultation()
    first = client.post(f"/c/{slug}/submit", data=form_data(name="", attachment=(io.BytesIO(PDF), "kertas.pdf")),
                        content_type="multipart/form-data")
    assert first.status_code == 422
    page = first.get_data(as_text=True)
    kept = re.search(r'name="attachment_token" type="hidden" value="([^"]+)"', page).group(1)
    second = client.post(f"/c/{slug}/submit", data=form_data(attachment_token=kept),
                         content_type="multipart/form-data")
    assert accepted(second)
    with app.app_context():
        submission = db.session.scalar(db.select(Submission))
        assert submission.attachment.filename == "kertas.pdf"


def test_bad_attachment_type_is_refused(app, make_consultation, client):
    slug = make_consultation()
    response = client.post(f"/c/{slug}/submit", data=form_data(attachment=(io.BytesIO(b"hello"), "a.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "PDF" in response.get_data(as_text=True)
    assert count(app) == 0


def test_double_post_records_one_submission(app, make_consultation, client):
    slug = make_consultation()
    token = issued_token(client, slug)
    a = client.post(f"/c/{slug}/submit", data=form_data(client_token=token))
    b = client.post(f"/c/{slug}/submit", data=form_data(client_token=token))
    assert accepted(a) and accepted(b) and reference_in(a) == reference_in(b)
    assert count(app) == 1


def test_a_form_key_alone_never_reveals_another_receipt(app, make_consultation, client):
    slug = make_consultation()
    token = issued_token(client, slug)
    mine = client.post(f"/c/{slug}/submit", data=form_data(client_token=token, body="Teks pribadi korban."))
    stranger = app.test_client()  # another browser that somehow learnt the form key
    theirs = stranger.post(f"/c/{slug}/submit", data=form_data(client_token=token, body="Teks pribadi korban."))
    assert accepted(theirs) and reference_in(theirs) != reference_in(mine)
    assert count(app) == 2


def test_edited_resend_with_the_same_key_is_a_new_submission(app, make_consultation, client):
    slug = make_consultation()
    token = issued_token(client, slug)
    client.post(f"/c/{slug}/submit", data=form_data(client_token=token, body="Versi pertama."))
    edited = form_data(client_token=token, body="Versi kedua yang diperbaiki.")
    first, again = client.post(f"/c/{slug}/submit", data=edited), client.post(f"/c/{slug}/submit", data=edited)
    assert reference_in(first) == reference_in(again)  # the edited form, sent twice, is one submission
    with app.app_context():
        bodies = sorted(s.body for s in db.session.scalars(db.select(Submission)))
    assert bodies == ["Versi kedua yang diperbaiki.", "Versi pertama."]


def test_submission_rate_limit(make_app):


    app = make_app("rl", RATELIMIT_ENABLED=True, SUBMISSION_RATE_LIMIT="2 per hour")
    with app.app_context():
        from consult.consultations.services import create_consultation

        create_consultation(slug="rl", title="RL")
        db.session.commit()
    client = app.test_client()
    client.get("/c/rl/submit")  # sets the device cookie the limit keys on
    failed = client.post("/c/rl/submit", data=form_data(name="", token="x"))  # refused forms do not count
    assert failed.status_code == 422
    codes = [client.post("/c/rl/submit", data=form_data(token=str(i), body=f"Teks {i}.")).status_code
             for i in range(3)]
    assert codes == [200, 200, 429]
    limited = client.post("/c/rl/submit", data=form_data(body="Teks yang harus tetap ada.")).get_data(as_text=True)
    assert "Teks yang harus tetap ada." in limited
    with app.app_context():
        db.engine.dispose()


def test_same_kept_attachment_sent_twice_gives_two_files(app, make_consultation, client):
    slug = make_consultation()
    first = client.post(f"/c/{slug}/submit", data=form_data(name="", attachment=(io.BytesIO(PDF), "kertas.pdf")),
                        content_type="multipart/form-data")
    kept = re.search(r'name="attachment_token" type="hidden" value="([^"]+)"', first.get_data(as_text=True)).group(1)
    for token in ("a", "b"):  # sent, then back and sent again as a new submission
        response = client.post(f"/c/{slug}/submit", data=form_data(attachment_token=kept, token=token),
                               content_type="multipart/form-data")
        assert accepted(response)
    with app.app_context():
        names = {s.attachment.stored_name for s in db.session.scalars(db.select(Submission))}
        assert len(names) == 2


def test_the_same_form_sent_at_the_same_moment_is_one_submission(live_app):
    """A double tap on a slow network: several identical POSTs race; all get the same receipt."""
    import http.cookiejar
    import threading
    import urllib.parse
    import urllib.request

    app, base = live_app
    with app.app_context():
        from consult.consultations.services import add_question, create_consultation

        c = create_consultation(slug="balapan", title="Balapan")
        add_question(c, key="q1", text="Pertanyaan?")
        db.session.commit()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/c/balapan/submit").read().decode()
    token = re.search(r'name="client_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(form_data(client_token=token, q_q1="Jawaban yang sama.")).encode()
    results = []

    def send():
        try:
            response = opener.open(f"{base}/c/balapan/submit", data=body)
            results.append((response.status, response.read().decode()))
        except urllib.error.HTTPError as exc:
            results.append((exc.code, exc.read().decode()))

    for _round in range(3):
        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    bad = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))[:1400] for code, html in results if code != 200]
    assert [code for code, _ in results] == [200] * 12, bad
    references = {re.search(r"KTB-\d{4}-\d{6}", html).group(0) for _, html in results}
    assert len(references) == 1
    assert count(app) == 1


def test_a_respondent_changes_then_withdraws_their_submission_until_the_close(app, client, make_consultation,
                                                                              make_submission):
    from consult.consultations.queries import get_by_slug
    from consult.extensions import db
    from consult.submissions.models import Submission

    slug = make_consultation()
    made = make_submission(slug, "Mutasi harus transparan.", answers={"q1": "Jawaban awal."})
    receipt = client.get(f"/r/{made.token}").get_data(as_text=True)
    assert "Ubah masukan saya" in receipt
    form = client.get(f"/r/{made.token}/edit").get_data(as_text=True)
    assert "Jawaban awal." in form and "Mutasi harus transparan." in form
    empty = client.post(f"/r/{made.token}/edit", data={"body": " ", "q_q1": "", "q_q2": ""})
    assert empty.status_code == 422  # no text at all: refused, and nothing changes
    changed = client.post(f"/r/{made.token}/edit", data={"body": "Mutasi harus transparan dan adil.",
                                                          "q_q1": "Jawaban baru.", "consent_publish": "y"})
    assert changed.status_code == 302
    with app.app_context():
        sub = db.session.get(Submission, made.id)
        assert sub.body == "Mutasi harus transparan dan adil." and sub.answers[0].text == "Jawaban baru."
    held = client.post(f"/r/{made.token}/edit", data={"body": "Hubungi saya di 081234567890.", "consent_publish": "y"})
    assert held.status_code == 302
    with app.app_context():
        assert db.session.get(Submission, made.id).moderation_status.value == "pending"  # the rules apply to edits
    assert client.post(f"/r/{made.token}/withdraw").status_code == 302
    with app.app_context():
        gone = db.session.get(Submission, made.id)  # an empty record keeps the reference, never reused
        assert gone.moderation_status.value == "withdrawn" and gone.body == "" and not gone.answers
        assert gone.name is None and gone.email is None and gone.withdrawn_at is not None
    receipt = client.get(f"/r/{made.token}?lang=en").get_data(as_text=True)
    assert "You withdrew this submission" in receipt and "Mutasi harus transparan" not in receipt
    assert client.get(f"/c/{slug}/submissions/{made.reference}").status_code == 404
    assert made.reference not in client.get(f"/c/{slug}/submissions").get_data(as_text=True)
    assert client.post(f"/r/{made.token}/withdraw").status_code == 302  # nothing more to withdraw

    closed = make_consultation(state="closed")
    old = make_submission(closed, "Sudah ditutup.")
    assert "Ubah masukan saya" not in client.get(f"/r/{old.token}").get_data(as_text=True)
    assert client.post(f"/r/{old.token}/withdraw").status_code == 302
    with app.app_context():
        assert db.session.get(Submission, old.id) is not None and get_by_slug(closed)


def test_a_long_submission_is_saved_as_a_draft_and_resumed_from_its_private_link(app, client, make_consultation):
    import re

    from consult.extensions import db, mail
    from consult.submissions.models import Submission, SubmissionDraft

    slug = make_consultation()
    form = client.get(f"/c/{slug}/submit").get_data(as_text=True)
    key = re.search(r'name="client_token" type="hidden" value="([^"]+)"', form).group(1)
    forged = client.post(f"/c/{slug}/submit", data={"save_draft": "1", "body": "x", "email": "korban@example.net"})
    assert forged.status_code == 422  # no form key from this browser: nothing saved, nothing mailed
    empty = client.post(f"/c/{slug}/submit", data={"save_draft": "1", "client_token": key, "body": " "})
    assert empty.status_code == 422
    with mail.record_messages() as outbox:
        saved = client.post(f"/c/{slug}/submit", data={"save_draft": "1", "body": "Paragraf pertama yang panjang.",
                                                        "client_token": key, "q_q1": "Jawaban setengah.",
                                                        "email": "warga@example.org"})
    assert saved.status_code == 200
    page = saved.get_data(as_text=True)
    link = re.search(r'href="(http[^"]+draft=[^"]+)"', page).group(1)
    assert "Draf Anda tersimpan" in page and len(outbox) == 1 and link in outbox[0].body
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0  # nothing sent yet
    other = app.test_client()  # another phone, the next day
    resumed = other.get(link.replace("http://consult.test", "")).get_data(as_text=True)
    assert "Paragraf pertama yang panjang." in resumed and "Jawaban setengah." in resumed
    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', resumed).group(1)
    client_token = re.search(r'name="client_token" type="hidden" value="([^"]+)"', resumed).group(1)
    sent = other.post(f"/c/{slug}/submit", data={
        "draft_token": token, "client_token": client_token, "stakeholder_type": "citizen", "anonymous": "y",
        "body": "Paragraf pertama yang panjang. Dan kesimpulannya.", "q_q1": "Jawaban lengkap."})
    assert sent.status_code == 200 and "KTB-" in sent.get_data(as_text=True)
    with app.app_context():
        used = db.session.scalar(db.select(SubmissionDraft))
        assert used.data == {} and used.sent_reference  # the saved text and details are erased
    reference = re.search(r"KTB-\d{4}-\d{6}", sent.get_data(as_text=True)).group(0)
    assert f"sudah dikirim, sebagai masukan {reference}" in other.get(
        link.replace("http://consult.test", "")).get_data(as_text=True)
    again = client.post(f"/c/{slug}/submit", data={  # the first phone's old tab sends the same draft
        "draft_token": token, "client_token": key, "stakeholder_type": "citizen", "anonymous": "y",
        "body": "Paragraf pertama yang panjang."})
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 1
