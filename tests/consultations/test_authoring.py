"""Authoring and administration in the browser: the consultation workflow, questions that cannot
change meaning once answered, document versions, site settings, legal pages, people, backups."""
from __future__ import annotations

import io
import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

from consult.consultations.models import (
    Consultation,
    ConsultationEvent,
    Document,
    Question,
)
from consult.extensions import db, mail
from tests.submissions.test_routes import accepted, form_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _local(dt: datetime) -> str:
    """An aware datetime as typed in a datetime-local field in WIB."""
    return (dt.astimezone(timezone(timedelta(hours=7)))).strftime("%Y-%m-%dT%H:%M")


def _get(app, slug) -> Consultation:
    return db.session.scalar(db.select(Consultation).where(Consultation.slug == slug))


def test_an_admin_creates_previews_publishes_extends_and_closes_a_consultation(app, client, make_user, login):
    login(make_user("admin@example.org", role="admin"))
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    form = {"slug": "asn-2027", "title": "Kebijakan ASN 2027", "topic": "Kepegawaian", "summary": "Ringkasan.",
            "body": "## Latar\n\nIsi **penting**.", "opens_at": _local(now - timedelta(hours=1)),
            "closes_at": "", "moderation_mode": "post", "participation": "anonymous_allowed"}
    preview = client.post("/staff/consultations/new", data={**form, "preview": "1"}).get_data(as_text=True)
    assert "<strong>penting</strong>" in preview and 'value="Kebijakan ASN 2027"' in preview  # nothing lost
    assert client.post("/staff/consultations/new", data=form).headers["Location"].endswith("/staff/c/asn-2027/manage")
    assert client.get("/c/asn-2027").status_code == 404  # a draft is not public
    assert "Pratinjau" in client.get("/staff/c/asn-2027/preview").get_data(as_text=True)
    # publishing needs a closing time
    client.post("/staff/c/asn-2027/publish")
    with app.app_context():
        assert _get(app, "asn-2027").lifecycle.value == "draft"
    closes = now + timedelta(days=3)
    client.post("/staff/c/asn-2027/edit", data={**form, "closes_at": _local(closes)})
    with app.app_context():
        assert _get(app, "asn-2027").closes_at == closes  # typed in WIB, stored in UTC
    client.post("/staff/c/asn-2027/questions", data={"key": "penempatan", "text": "Bagaimana penempatan ASN?",
                                                     "kind": "open"})
    client.post("/staff/c/asn-2027/publish")
    page = client.get("/c/asn-2027?lang=id").get_data(as_text=True)
    assert "Kebijakan ASN 2027" in page and "Kepegawaian" in page
    # extending is logged and announced
    later = closes + timedelta(days=7)
    client.post("/staff/c/asn-2027/extend", data={"closes_at": _local(later), "note": "Banyak permintaan."})
    page = client.get("/c/asn-2027?lang=id").get_data(as_text=True)
    assert "Diperpanjang pada" in page and "Banyak permintaan." in page
    # an earlier "extension" is refused
    client.post("/staff/c/asn-2027/extend", data={"closes_at": _local(closes)})
    with app.app_context():
        assert _get(app, "asn-2027").closes_at == later
    client.post("/staff/c/asn-2027/close", data={"note": "Selesai lebih awal."})
    with app.app_context():
        consultation = _get(app, "asn-2027")
        assert consultation.state.value == "closed"
        kinds = [e.kind for e in db.session.scalars(db.select(ConsultationEvent).order_by(ConsultationEvent.id))]
        assert kinds == ["created", "edited", "published", "extended", "closed"]
    assert "Ditutup lebih awal" in client.get("/c/asn-2027?lang=id").get_data(as_text=True)


def test_a_question_cannot_change_meaning_once_answered(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    login(make_user(slug=slug))
    with app.app_context():
        q1 = db.session.scalar(db.select(Question).where(Question.key == "q1")).id
        support = db.session.scalar(db.select(Question).where(Question.key == "support")).id
    # before any submission: anything may change, and questions may be removed or reordered
    client.post(f"/staff/c/{slug}/questions/{q1}", data={"text": "Bagaimana penempatan ASN sebaiknya?",
                                                        "kind": "open"})
    client.post(f"/staff/c/{slug}/questions/{support}/move", data={"direction": "up"})
    with app.app_context():
        assert [q.key for q in _get(app, slug).questions] == ["q1", "support", "q2"]
    assert accepted(client.post(f"/c/{slug}/submit", data=form_data(token="a")))
    # afterwards: no new kind or options, no removal; the text only with a logged correction
    page = client.post(f"/staff/c/{slug}/questions/{q1}", data={"text": "Bagaimana penempatan ASN sebaiknya?",
                                                               "kind": "single_choice", "options": "Ya\nTidak"})
    assert "tidak dapat diubah lagi" in page.get_data(as_text=True)
    page = client.post(f"/staff/c/{slug}/questions/{support}", data={
        "text": "Setujukah Anda?", "kind": "single_choice", "options": "Ya\nTidak\nMungkin"})
    assert "tidak dapat diubah lagi" in page.get_data(as_text=True)
    page = client.post(f"/staff/c/{slug}/questions/{q1}", data={"text": "Bagaimana penempatan PNS?", "kind": "open"})
    assert "sebutkan apa yang dikoreksi" in page.get_data(as_text=True)
    client.post(f"/staff/c/{slug}/questions/{q1}", data={"text": "Bagaimana penempatan ASN seharusnya?",
                                                        "kind": "open", "correction_note": "Salah ketik."})
    client.post(f"/staff/c/{slug}/questions/{q1}/delete")
    with app.app_context():
        question = db.session.get(Question, q1)
        assert question.kind.value == "open" and question.text == "Bagaimana penempatan ASN seharusnya?"
        assert len(_get(app, slug).questions) == 3
        [event] = db.session.scalars(db.select(ConsultationEvent).where(
            ConsultationEvent.kind == "question_corrected")).all()
        assert event.before["text"] == "Bagaimana penempatan ASN sebaiknya?" and event.note == "Salah ketik."
    assert "Salah ketik." in client.get(f"/c/{slug}").get_data(as_text=True)


def test_document_versions_and_duplicating_as_a_template(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    login(make_user("admin@example.org", role="admin"))
    client.post(f"/staff/c/{slug}/documents", data={"title": "Rancangan Perbup", "revises": "",
                                                    "file": (io.BytesIO(PDF), "rancangan-v1.pdf")},
                content_type="multipart/form-data")
    with app.app_context():
        first = db.session.scalar(db.select(Document)).id
    client.post(f"/staff/c/{slug}/documents", data={"title": "Rancangan Perbup (revisi)", "revises": str(first),
                                                    "version_date": _local(datetime.now(UTC))[:10],
                                                    "file": (io.BytesIO(PDF + b"%v2"), "rancangan-v2.pdf")},
                content_type="multipart/form-data")
    page = client.get(f"/c/{slug}?lang=id").get_data(as_text=True)
    assert "Rancangan Perbup (revisi)" in page and "versi 2" in page and "Versi sebelumnya" in page
    with app.app_context():
        docs = db.session.scalars(db.select(Document).order_by(Document.id)).all()
        assert [(d.version, d.series_id) for d in docs] == [(1, first), (2, first)]
    client.post(f"/staff/c/{slug}/duplicate", data={"slug": "salinan", "title": "Konsultasi berikutnya"})
    with app.app_context():
        copy = _get(app, "salinan")
        assert copy.lifecycle.value == "draft" and copy.opens_at is None
        assert [q.key for q in copy.questions] == ["q1", "q2", "support"]
        assert [d.title for d in copy.documents] == ["Rancangan Perbup (revisi)"]
        assert copy.documents[0].stored_name != docs[1].stored_name
    assert client.get("/staff/c/salinan/manage").status_code == 200


def test_site_settings_change_name_prefix_language_and_time_zone(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    login(make_user("admin@example.org", role="admin"))
    bad = client.post("/staff/admin/settings", data={"site_name": "Situs", "reference_prefix": "k1",
                                                     "default_language": "id", "time_zone": "Asia/Jakarta"})
    assert "2 sampai 8 huruf kapital" in bad.get_data(as_text=True)
    client.post("/staff/admin/settings", data={
        "site_name": "Konsultasi Publik Kota Makassar", "reference_prefix": "mks", "default_language": "en",
        "time_zone": "Asia/Makassar", "contact": "konsultasi@makassar.go.id",
        "logo": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 64), "logo.png")}, content_type="multipart/form-data")
    client.post("/auth/logout")
    visitor = app.test_client()
    home = visitor.get("/").get_data(as_text=True)
    assert "Konsultasi Publik Kota Makassar" in home and "konsultasi@makassar.go.id" in home
    assert '<html lang="en">' in home and "WITA" in home
    assert visitor.get("/site/logo").data.startswith(b"\x89PNG")
    response = visitor.post(f"/c/{slug}/submit", data=form_data(token="p"))
    assert response.status_code == 200 and re.search(r"MKS-\d{4}-\d{6}", response.get_data(as_text=True))


def test_legal_pages_are_linked_everywhere_and_editable(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    for url in ("/", f"/c/{slug}", f"/c/{slug}/submit", "/auth/register"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="/p/privacy"' in page and 'href="/p/rules"' in page and 'href="/p/accessibility"' in page
    privacy = client.get("/p/privacy?lang=id").get_data(as_text=True)
    assert "UU No. 27 Tahun 2022" in privacy and "Hak Anda" in privacy
    assert "Your rights" in client.get("/p/privacy?lang=en").get_data(as_text=True)
    assert "Aturan partisipasi" in client.get(f"/c/{slug}/submit?lang=id").get_data(as_text=True)
    login(make_user("admin@example.org", role="admin"))
    client.post("/staff/admin/pages/rules", data={"title_id": "Tata tertib", "title_en": "House rules",
                                                  "body_id": "Tanpa *spam*.", "body_en": "No *spam*."})
    assert "<em>spam</em>" in client.get("/p/rules?lang=id").get_data(as_text=True)
    assert "Tata tertib" in client.get(f"/c/{slug}/submit?lang=id").get_data(as_text=True)
    assert client.get("/p/tidak-ada").status_code == 404


def _is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def test_restore_refuses_while_the_site_serves(app, client, runner, tmp_path):
    target = tmp_path / "cadangan.backup"
    assert runner.invoke(args=["consult", "backup", "--output", str(target)]).exit_code == 0
    client.get("/")  # this process now serves the site (and, on PostgreSQL, holds a connection)
    held = None
    if _is_postgres(app):
        from sqlalchemy import create_engine

        held = create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).connect()  # another session
    result = runner.invoke(args=["consult", "restore", str(target), "--yes"])
    assert result.exit_code != 0 and "stop" in result.output
    if held is not None:
        held.close()
        held.engine.dispose()


def test_backup_while_running_and_restore(app, runner, make_consultation, make_submission, tmp_path):
    from consult.submissions.models import Submission

    slug = make_consultation()
    make_submission(slug, "Sebelum cadangan.")
    target = tmp_path / "cadangan.backup"
    result = runner.invoke(args=["consult", "backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    if not _is_postgres(app):
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM submissions").fetchone()[0] == 1
    make_submission(slug, "Sesudah cadangan.")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the site is stopped for a restore
    result = runner.invoke(args=["consult", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [s.body for s in db.session.scalars(db.select(Submission))] == ["Sebelum cadangan."]
        db.session.remove()
        db.engine.dispose()
    bad = tmp_path / "rusak.backup"
    bad.write_bytes(b"bukan database")
    assert runner.invoke(args=["consult", "restore", str(bad), "--yes"]).exit_code != 0
    assert runner.invoke(args=["consult", "backup", "--output", str(target)]).exit_code != 0  # no overwrite


def test_moderation_digest_mails_moderators_with_waiting_items(app, runner, make_consultation, make_submission,
                                                               make_user):
    slug = make_consultation(moderation="pre")
    make_submission(slug, "Menunggu.", status="pending")
    make_user("mod@example.org", role="moderator", slug=slug)
    make_user("idle@example.org", role="moderator", slug=make_consultation())
    with mail.record_messages() as outbox:
        result = runner.invoke(args=["consult", "moderation-digest"])
    assert result.exit_code == 0 and "Sent 1 digests" in result.output
    [message] = outbox
    assert message.recipients == ["mod@example.org"] and f"/staff/c/{slug}/moderation" in message.body


def test_rules_found_by_a_new_admin(app, client, make_consultation, make_submission, make_user, login):
    """Drafters cannot create consultations by copying; no publishing into the past; a scale keeps
    its standard options; repeats are dropped; "required" is fixed once answered; legal pages
    cannot be emptied; an open consultation cannot be moved back to scheduled."""
    slug = make_consultation()
    login(make_user(slug=slug))
    assert client.post(f"/staff/c/{slug}/duplicate", data={"slug": "salinan", "title": "Salinan"}).status_code == 403
    client.post(f"/staff/c/{slug}/questions", data={"key": "skala", "text": "Skala?", "kind": "likert",
                                                    "options": "a\nb"})
    client.post(f"/staff/c/{slug}/questions", data={"key": "pilih", "text": "Pilih?", "kind": "single_choice",
                                                    "options": "Ya\n\nTidak\nYa"})
    with app.app_context():
        questions = {q.key: q for q in db.session.scalars(db.select(Question))}
        assert questions["skala"].options[0] == "Sangat tidak setuju" and len(questions["skala"].options) == 5
        assert questions["pilih"].options == ["Ya", "Tidak"]
        q1 = questions["q1"].id
    later = datetime.now(UTC) + timedelta(days=1)
    page = client.post(f"/staff/c/{slug}/edit", data={"title": "Kebijakan ASN", "opens_at": _local(later),
                                                      "moderation_mode": "post", "participation": "anonymous_allowed"})
    assert "tidak dapat dipindah ke masa depan" in page.get_data(as_text=True)
    make_submission(slug, "Sudah ada masukan.")
    page = client.post(f"/staff/c/{slug}/questions/{q1}", data={"text": "Bagaimana penempatan ASN?", "kind": "open",
                                                               "required": "y"})
    assert "wajib diisi tidak dapat diubah" in page.get_data(as_text=True)
    client.post("/auth/logout")
    login(make_user("admin@example.org", role="admin"))
    draft = make_consultation(state="draft")
    with app.app_context():
        consultation = _get(app, draft)
        consultation.closes_at = datetime.now(UTC) - timedelta(days=1)
        consultation.opens_at = consultation.closes_at - timedelta(days=5)
        db.session.commit()
    client.post(f"/staff/c/{draft}/publish")
    with app.app_context():
        assert _get(app, draft).lifecycle.value == "draft"  # the closing time has passed
    page = client.post("/staff/admin/pages/privacy", data={"title_id": "Privasi", "title_en": "Privacy",
                                                           "body_id": "", "body_en": "x"})
    assert "kedua bahasa" in page.get_data(as_text=True)
    client.post(f"/staff/c/{draft}/delete")
    with app.app_context():
        assert _get(app, draft) is None
