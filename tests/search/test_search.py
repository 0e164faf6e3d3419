"""Search finds published consultations and quotable submissions, and nothing else — on SQLite
(FTS5) and PostgreSQL (full text)."""
from __future__ import annotations

from consult.consultations.queries import get_by_slug
from consult.extensions import db
from consult.submissions.models import Submission


def test_search_finds_public_text_only_and_follows_moderation(app, client, make_consultation, make_submission,
                                                              make_user, runner):
    slug = make_consultation(title="Kebijakan penempatan ASN")
    quotable = make_submission(slug, "Rotasi pegawai di puskesmas terpencil harus bergilir.")
    private = make_submission(slug, "Rotasi rahasiaku tanpa izin terbit.", consent=False)
    waiting = make_submission(slug, "Rotasi tertunda menunggu moderasi.", status="pending")
    hidden = make_submission(slug, "Rotasi tersembunyi oleh moderator.", status="hidden")
    page = client.get("/search?q=rotasi").get_data(as_text=True)
    assert quotable.reference in page and "<mark>Rotasi</mark>" in page
    for other in (private, waiting, hidden):
        assert other.reference not in page
    assert "rahasiaku" not in page and "tertunda" not in page and "tersembunyi" not in page
    assert "Kebijakan penempatan ASN" in client.get("/search?q=penempatan").get_data(as_text=True)
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:  # FTS5 matches word prefixes too
        assert quotable.reference in client.get("/search?q=puskes").get_data(as_text=True)

    with app.app_context():  # a moderator hides it: it cannot be found any more
        from consult.accounts.models import User
        from consult.moderation.services import moderate

        make_user("moderator@example.org", role="moderator", slug=slug)
        actor = db.session.scalar(db.select(User).where(User.email == "moderator@example.org"))
        moderate(db.session.get(Submission, quotable.id), actor, "hide", reason="spam")
        db.session.commit()
    assert quotable.reference not in client.get("/search?q=puskesmas").get_data(as_text=True)
    with app.app_context():  # approved with consent: found
        actor = db.session.scalar(db.select(User).where(User.email == "moderator@example.org"))
        moderate(db.session.get(Submission, waiting.id), actor, "approve")
        db.session.get(Submission, waiting.id).consent_publish = True
        db.session.commit()
    assert waiting.reference in client.get("/search?q=tertunda").get_data(as_text=True)
    result = runner.invoke(args=["consult", "reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    assert waiting.reference in client.get("/search?q=tertunda").get_data(as_text=True)


def test_search_escapes_text_and_survives_odd_queries(client, make_consultation, make_submission):
    slug = make_consultation()
    made = make_submission(slug, "Anggaran <script>alert(1)</script> diklat harus merata.")
    page = client.get("/search?q=anggaran").get_data(as_text=True)
    assert made.reference in page and "<script>alert" not in page
    for query in ['"', "*", "AND OR NOT", "a'b", "(", "-", "x" * 500, ""]:
        assert client.get("/search", query_string={"q": query}).status_code == 200


def test_consultation_snippets_are_plain_text(client, make_consultation):
    slug = make_consultation(body="## Latar belakang\n\n**Penempatan berbasis merit** untuk semua ASN.")
    page = client.get("/search?q=merit").get_data(as_text=True)
    assert "<mark>merit</mark>" in page and "**" not in page and "##" not in page
    assert "Ketik satu kata" in client.get("/search?q=*").get_data(as_text=True)
    assert slug
