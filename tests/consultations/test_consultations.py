"""Consultations: derived state, public list and detail pages, safe Markdown, documents."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from consult.consultations.models import Consultation, Lifecycle, State
from consult.consultations.services import create_consultation
from consult.errors import ValidationFailed
from consult.extensions import db

UTC = UTC
T0 = datetime(2026, 11, 1, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_state_follows_the_window():
    c = Consultation(slug="x", title="x", lifecycle=Lifecycle.published,
                     opens_at=T0, closes_at=T0 + timedelta(days=10), answered=False)
    assert c.state_at(T0 - timedelta(seconds=1)) is State.scheduled
    assert c.state_at(T0) is State.open
    assert c.state_at(T0 + timedelta(days=10)) is State.closed
    c.answered = True
    assert c.state_at(T0 + timedelta(days=11)) is State.answered
    c.lifecycle = Lifecycle.draft
    assert c.state_at(T0) is State.draft


def test_create_rejects_bad_slug_duplicate_and_inverted_window(app):
    with app.app_context():
        create_consultation(slug="ada", title="Ada")
        with pytest.raises(ValidationFailed) as err:
            create_consultation(slug="ada", title="Lagi")
        assert "slug" in err.value.errors
        with pytest.raises(ValidationFailed) as err:
            create_consultation(slug="Bad Slug", title="")
        assert set(err.value.errors) == {"slug", "title"}
        with pytest.raises(ValidationFailed) as err:
            create_consultation(slug="balik", title="B", opens_at=T0, closes_at=T0)
        assert "closes_at" in err.value.errors


def test_times_are_stored_in_utc_and_shown_in_wib(app, make_consultation, client):
    slug = make_consultation()
    with app.app_context():
        c = db.session.scalar(db.select(Consultation).where(Consultation.slug == slug))
        c.closes_at = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
        db.session.commit()
        assert db.session.get(Consultation, c.id).closes_at.tzinfo is not None
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert "16.00" in page and "WIB" in page  # 09:00 UTC is 16:00 WIB


def test_list_shows_open_before_closed_and_hides_drafts(make_consultation, client):
    make_consultation("lama", state="closed", title="Konsultasi Lama")
    make_consultation("baru", state="open", title="Konsultasi Baru")
    make_consultation("rahasia", state="draft", title="Konsultasi Rahasia")
    page = client.get("/").get_data(as_text=True)
    assert page.index("Konsultasi Baru") < page.index("Konsultasi Lama")
    assert "Konsultasi Rahasia" not in page
    assert client.get("/c/rahasia").status_code == 404


def test_body_markdown_is_rendered_and_sanitised(make_consultation, client):
    slug = make_consultation(body="## Latar\n\n**Penting** <script>alert(1)</script> [x](javascript:alert(1))")
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert "<strong>Penting</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "href=\"javascript:" not in page


def test_detail_page_shows_questions_and_count_of_published_only(make_consultation, make_submission, client):
    slug = make_consultation()
    make_submission(slug, "Satu")
    make_submission(slug, "Dua", status="pending")
    make_submission(slug, "Tiga", status="hidden")
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert "Bagaimana penempatan ASN?" in page
    assert "<dd>1</dd>" in page


def test_document_upload_download_and_rejection(app, make_consultation, make_user, login, client):
    slug = make_consultation()
    login(make_user(slug=slug))
    response = client.post(f"/staff/c/{slug}/documents", data={
        "title": "Rancangan Perbup", "file": (io.BytesIO(PDF), "rancangan.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert "Rancangan Perbup" in page
    with app.app_context():
        document = db.session.scalar(db.select(Consultation).where(Consultation.slug == slug)).documents[0]
        doc_id = document.id
    download = client.get(f"/c/{slug}/documents/{doc_id}")
    assert download.data == PDF
    assert "rancangan.pdf" in download.headers["Content-Disposition"]

    bad = client.post(f"/staff/c/{slug}/documents", data={
        "title": "Program", "file": (io.BytesIO(b"MZ\x90\x00 not a document"), "virus.pdf")},
        content_type="multipart/form-data")
    assert bad.status_code == 200
    assert "Program" in bad.get_data(as_text=True)  # the typed title is kept
    with app.app_context():
        assert len(db.session.scalar(db.select(Consultation).where(Consultation.slug == slug)).documents) == 1


def test_document_size_limit(app, make_consultation):
    from consult.consultations.services import add_document

    slug = make_consultation()
    with app.app_context():
        c = db.session.scalar(db.select(Consultation).where(Consultation.slug == slug))
        with pytest.raises(ValidationFailed) as err:
            add_document(c, stream=io.BytesIO(PDF + b"x" * 2048), filename="a.pdf", title="A",
                         upload_dir=app.config["UPLOAD_DIR"], max_bytes=1024)
        assert "file" in err.value.errors


def test_document_upload_needs_the_drafter_role(make_consultation, make_user, login, client):
    slug = make_consultation()
    other = make_consultation()
    login(make_user(slug=other))
    assert client.get(f"/staff/c/{slug}/documents").status_code == 403


def test_staff_marks_a_closed_consultation_answered(make_consultation, make_user, login, client):
    slug = make_consultation(state="closed")
    login(make_user(slug=slug))
    assert client.post(f"/staff/c/{slug}/answered", data={"answered": "y"}).status_code == 302
    assert "badge-answered" in client.get(f"/c/{slug}").get_data(as_text=True)
    client.post(f"/staff/c/{slug}/answered", data={})
    assert "badge-closed" in client.get(f"/c/{slug}").get_data(as_text=True)


def test_a_shared_link_previews_the_consultation(client, make_consultation):
    """Open Graph tags, so a link pasted in a WhatsApp group shows the title and summary."""
    import re

    slug = make_consultation(title="Kebijakan ASN Kotabumi")
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    tags = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', page))
    assert tags["og:title"] == "Kebijakan ASN Kotabumi" and tags["og:url"].endswith(f"/c/{slug}")
    assert tags["og:description"] and tags["og:locale"] == "id_ID" and tags["og:site_name"]


def test_the_list_filters_by_state_and_topic(app, client, make_consultation):
    from consult.consultations.queries import get_by_slug
    from consult.extensions import db

    open_one = make_consultation(title="Penempatan ASN")
    closed_one = make_consultation(title="Tunjangan kinerja", state="closed")
    with app.app_context():
        get_by_slug(open_one).topic = "Kepegawaian"
        db.session.commit()
    page = client.get("/?state=closed").get_data(as_text=True)
    assert "Tunjangan kinerja" in page and "Penempatan ASN" not in page
    page = client.get("/?topic=kepegawaian").get_data(as_text=True)
    assert "Penempatan ASN" in page and "Tunjangan kinerja" not in page
    assert "Tidak ada konsultasi yang cocok" in client.get("/?state=answered").get_data(as_text=True)
    assert closed_one
