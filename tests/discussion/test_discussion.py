"""Discussion: comments, one level of replies, votes (one per person), sorting, and the
moderation gate — through the services and the test client."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from consult.accounts.services import get_by_email
from consult.common.mixins import ModerationStatus
from consult.consultations.queries import get_by_slug
from consult.discussion import services
from consult.discussion.models import Comment, CommentVote
from consult.errors import ValidationFailed
from consult.extensions import db
from consult.moderation import services as moderation


def _user(app, email):
    from consult.accounts.services import create_user

    user = get_by_email(email) or create_user(email, "correct-horse-1")
    db.session.flush()
    return user


def test_comment_reply_and_one_level_only(app, make_consultation):
    slug = make_consultation()
    with app.app_context():
        consultation = get_by_slug(slug)
        ani, budi = _user(app, "ani@example.org"), _user(app, "budi@example.org")
        top = services.post_comment(consultation, ani, "  Penilaian kinerja harus terbuka.  ")
        assert top.body == "Penilaian kinerja harus terbuka." and top.moderation_status is ModerationStatus.published
        question = consultation.questions[0]
        on_question = services.post_comment(consultation, budi, "Penempatan sesuai kompetensi.", question=question)
        reply = services.post_comment(consultation, budi, "Setuju, dan diumumkan.", parent=top)
        assert reply.parent_id == top.id and reply.question_id is None
        with pytest.raises(ValidationFailed):
            services.post_comment(consultation, ani, "Balasan atas balasan.", parent=reply)
        with pytest.raises(ValidationFailed) as empty:
            services.post_comment(consultation, ani, "   ")
        assert "body" in empty.value.errors
        with pytest.raises(ValidationFailed):
            services.post_comment(consultation, ani, "x" * (services.MAX_COMMENT_CHARS + 1))
        db.session.commit()
        whole = services.thread(consultation, None)
        assert [e.id for e in whole] == [top.id] and [r.id for r in whole[0].replies] == [reply.id]
        assert [e.id for e in services.thread(consultation, question)] == [on_question.id]
        assert services.public_counts(consultation) == {None: 2, question.id: 1}


def test_closed_consultation_takes_no_comments_or_votes(app, make_consultation, make_comment):
    slug = make_consultation(state="closed")
    cid = make_comment(slug, "Komentar lama.")
    with app.app_context():
        consultation = get_by_slug(slug)
        user = _user(app, "ani@example.org")
        with pytest.raises(services.DiscussionClosed):
            services.post_comment(consultation, user, "Terlambat.")
        with pytest.raises(services.DiscussionClosed):
            services.cast_vote(consultation, db.session.get(Comment, cid), user, "agree")


def test_one_vote_per_person_changeable_and_enforced_by_the_database(app, make_consultation, make_comment):
    slug = make_consultation()
    cid = make_comment(slug, "Mutasi tiap dua tahun.")
    with app.app_context():
        consultation, comment = get_by_slug(slug), db.session.get(Comment, cid)
        ani = _user(app, "ani@example.org")
        services.cast_vote(consultation, comment, ani, "agree")
        services.cast_vote(consultation, comment, ani, "disagree")
        db.session.commit()
        rows = db.session.scalars(db.select(CommentVote).where(CommentVote.comment_id == cid)).all()
        assert [(r.user_id, r.value) for r in rows] == [(ani.id, -1)]
        with pytest.raises(ValueError):
            services.cast_vote(consultation, comment, ani, "maybe")
        db.session.add(CommentVote(comment_id=cid, user_id=ani.id, value=1))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(CommentVote(comment_id=cid, user_id=_user(app, "budi@example.org").id, value=5))
        with pytest.raises(IntegrityError):  # agree, disagree or pass only
            db.session.commit()


def test_sorting_most_agreed_most_divisive_newest(app, make_consultation, make_comment):
    slug = make_consultation()
    ids = [make_comment(slug, f"Komentar {name}.") for name in ("popular", "split", "fresh")]
    with app.app_context():
        consultation = get_by_slug(slug)
        voters = [_user(app, f"v{i}@example.org") for i in range(6)]
        comments = [db.session.get(Comment, i) for i in ids]
        for v in voters[:5]:
            services.vote(comments[0], v, "agree")
        services.vote(comments[0], voters[5], "disagree")
        for v in voters[:3]:
            services.vote(comments[1], v, "agree")
        for v in voters[3:6]:
            services.vote(comments[1], v, "disagree")
        services.vote(comments[2], voters[0], "pass")
        db.session.commit()
        assert [e.id for e in services.thread(consultation, sort="agreed")] == [ids[0], ids[1], ids[2]]
        assert [e.id for e in services.thread(consultation, sort="divisive")] == [ids[1], ids[0], ids[2]]
        assert [e.id for e in services.thread(consultation, sort="newest")] == [ids[2], ids[1], ids[0]]
        tally = services.thread(consultation, sort="agreed")[0].tally
        assert (tally.agree, tally.disagree, tally.passed) == (5, 1, 0)
        with pytest.raises(ValueError):
            services.thread(consultation, sort="random")


def test_rules_hold_personal_data_and_pre_moderation_waits(app, make_consultation):
    slug, pre = make_consultation(), make_consultation(moderation="pre")
    with app.app_context():
        user = _user(app, "ani@example.org")
        held = services.post_comment(get_by_slug(slug), user, "Hubungi saya di 081234567890 ya.")
        assert held.moderation_status is ModerationStatus.pending
        assert [r.action.value for r in moderation.history(held)] == ["hold"]
        waiting = services.post_comment(get_by_slug(pre), user, "Komentar biasa.")
        assert waiting.moderation_status is ModerationStatus.pending
        db.session.commit()
        assert services.public_counts(get_by_slug(slug)) == {}
        assert [i.comment.id for i in moderation.comment_queue(get_by_slug(slug))] == [held.id]
        assert moderation.comment_queue(get_by_slug(slug))[0].rules == ["phone"]


def test_hidden_and_pending_text_never_shown_and_not_counted(app, client, make_consultation, make_comment):
    slug = make_consultation()
    top = make_comment(slug, "Komentar terbuka.")
    make_comment(slug, "RAHASIAPENDING tunggu.", status="pending")
    make_comment(slug, "RAHASIAHIDDEN kasar.", status="hidden")
    make_comment(slug, "Balasan terbuka.", parent=top)
    make_comment(slug, "RAHASIAREPLY tunggu.", parent=top, status="pending")
    for lang in ("id", "en"):
        page = client.get(f"/c/{slug}/discussion?lang={lang}").get_data(as_text=True)
        assert "Komentar terbuka." in page and "Balasan terbuka." in page
        assert "RAHASIA" not in page
    page = client.get(f"/c/{slug}/discussion?lang=id").get_data(as_text=True)
    assert "Disembunyikan oleh moderator" in page and "2 komentar" in page
    # hidden before anyone saw it (pre-moderation): no placeholder at all
    make_comment(slug, "RAHASIANEVER.", status="hidden", was_public=False)
    assert client.get(f"/c/{slug}/discussion?lang=id").get_data(as_text=True).count("Disembunyikan oleh moderator") == 1
    assert "<dt>Komentar</dt><dd>2</dd>" in client.get(f"/c/{slug}?lang=id").get_data(as_text=True)


def test_moderator_hides_and_restores_a_comment_with_a_public_reason(app, client, make_consultation, make_comment,
                                                                     make_user, login):
    slug = make_consultation()
    cid = make_comment(slug, "Iklan pinjaman murah di sini.")
    login(make_user("mod@example.org", role="moderator", slug=slug))
    queue = client.get(f"/staff/c/{slug}/moderation/comments?state=published").get_data(as_text=True)
    assert "Iklan pinjaman murah" in queue
    from consult.extensions import mail

    with mail.record_messages() as outbox:
        response = client.post(f"/staff/c/{slug}/moderation/comments/{cid}?state=published",
                               data={"action": "hide", "reason": "spam", "public_note": "Iklan."})
    assert response.status_code == 302
    assert [m.recipients for m in outbox] == [["warga@example.org"]]
    assert "Alasan: Spam atau iklan." in outbox[0].body and "Iklan." in outbox[0].body
    page = client.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    assert "Iklan pinjaman" not in page and "Hidden by a moderator: Spam or advertising." in page and "Iklan." in page
    assert client.post(f"/staff/c/{slug}/moderation/comments/{cid}",
                       data={"action": "hide", "reason": ""}).status_code == 302  # refused: no reason, nothing changes
    client.post(f"/staff/c/{slug}/moderation/comments/{cid}?state=hidden", data={"action": "restore"})
    assert "Iklan pinjaman murah" in client.get(f"/c/{slug}/discussion").get_data(as_text=True)
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert [r.action.value for r in moderation.history(comment)] == ["hide", "restore"]
    register = client.get(f"/c/{slug}/moderation-register?lang=en").get_data(as_text=True)
    assert "Hidden" in register


def test_web_journey_comment_reply_vote_flag(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    anonymous = client.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    assert "Sign in" in anonymous and 'name="body"' not in anonymous
    make_user("ani@example.org", role="respondent")
    login("ani@example.org")
    # a refused comment keeps what was typed
    too_long = "Panjang " * 400
    response = client.post(f"/c/{slug}/discussion?lang=en", data={"body": too_long})
    assert response.status_code == 400 and too_long.strip() in response.get_data(as_text=True)
    response = client.post(f"/c/{slug}/discussion", data={"body": "Evaluasi kinerja setiap semester.",
                                                        "stakeholder_type": "academic"})
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]
    with app.app_context():
        cid = db.session.scalar(db.select(Comment.id))
    response = client.post(f"/c/{slug}/comments/{cid}/reply", data={"body": "Setuju, dengan indikator jelas."})
    assert response.status_code == 302
    # the author cannot vote on their own comment; another person can, and can change the vote
    response = client.post(f"/c/{slug}/comments/{cid}/vote", data={"vote": "agree"})
    assert "cannot vote on your own comment" in client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True) \
        or "sendiri" in client.get(response.headers["Location"]).get_data(as_text=True)
    make_user("budi@example.org", role="respondent")
    budi = app.test_client()
    budi.post("/auth/login", data={"email": "budi@example.org", "password": "correct-horse-1"})
    budi.post(f"/c/{slug}/comments/{cid}/vote", data={"vote": "agree"})
    page = budi.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    assert "Agree 1 · Disagree 0 · Pass 0" in page and 'aria-pressed="true"' in page and "Academic" in page
    budi.post(f"/c/{slug}/comments/{cid}/vote", data={"vote": "pass"})
    assert "Agree 0 · Disagree 0 · Pass 1" in budi.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    # a reply to a reply joins the thread (one level deep); a refused reply keeps what was typed
    with app.app_context():
        reply_id = db.session.scalar(db.select(Comment.id).where(Comment.parent_id == cid))
    assert client.post(f"/c/{slug}/comments/{reply_id}/reply", data={"body": "Balasan kedua."}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Comment.parent_id).where(Comment.body == "Balasan kedua.")) == cid
    response = client.post(f"/c/{slug}/comments/{cid}/reply?lang=en", data={"body": "  "})
    assert response.status_code == 400 and "Write your comment." in response.get_data(as_text=True)
    response = client.post(f"/c/{slug}/comments/{cid}/reply?lang=en", data={"body": "Panjang " * 400})
    assert response.status_code == 400 and ("Panjang " * 400).strip() in response.get_data(as_text=True)
    # a question's discussion
    response = client.post(f"/c/{slug}/questions/q1/discussion", data={"body": "Penempatan berbasis merit."})
    assert response.status_code == 302 and "/questions/q1/discussion" in response.headers["Location"]
    assert client.get(f"/c/{slug}/questions/nope/discussion").status_code == 404
    # flags: three visitors hold it
    client.post(f"/c/{slug}/comments/{cid}/flag", data={"category": "spam"})
    with app.app_context():
        assert len(moderation.flags_of(db.session.get(Comment, cid))) == 1
    # the same network address counts once: a fresh-cookie visitor there, or a second account
    for _ in range(2):
        app.test_client().post(f"/c/{slug}/comments/{cid}/flag", data={"category": "off_topic"})
    make_user("citra@example.org", role="respondent")
    citra = app.test_client()
    citra.post("/auth/login", data={"email": "citra@example.org", "password": "correct-horse-1"})
    citra.post(f"/c/{slug}/comments/{cid}/flag", data={"category": "off_topic"})
    with app.app_context():
        assert db.session.get(Comment, cid).moderation_status is ModerationStatus.published
    for address in ("10.9.8.7", "10.1.1.1"):
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = address
        other.post(f"/c/{slug}/comments/{cid}/flag", data={"category": "off_topic"})
    with app.app_context():
        assert db.session.get(Comment, cid).moderation_status is ModerationStatus.pending
    page = client.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    assert "Evaluasi kinerja" not in page and "waiting for a moderator" in page and "Setuju, dengan" in page


def test_votes_need_an_account_and_a_public_comment(app, client, make_consultation, make_comment, make_user, login):
    slug = make_consultation()
    cid = make_comment(slug, "Komentar.")
    hidden = make_comment(slug, "Tersembunyi.", status="hidden")
    response = client.post(f"/c/{slug}/comments/{cid}/vote", data={"vote": "agree"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    make_user("ani@example.org", role="respondent")
    login("ani@example.org")
    client.post(f"/c/{slug}/comments/{hidden}/vote", data={"vote": "agree"})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CommentVote)) == 0
    other = make_consultation()
    assert client.post(f"/c/{other}/comments/{cid}/vote", data={"vote": "agree"}).status_code == 404


def test_search_finds_published_comments_only(app, client, make_consultation, make_comment):
    slug = make_consultation()
    make_comment(slug, "Usulan rotasi jabatan berkala.")
    make_comment(slug, "Usulan rotasi RAHASIAHIDDEN.", status="hidden")
    page = client.get("/search?q=rotasi&lang=en").get_data(as_text=True)
    assert "Comment in the discussion" in page and "RAHASIA" not in page
    assert page.count("Comment in the discussion") == 1


def test_account_data_and_deletion_cover_comments(app, make_consultation, make_comment):
    from consult.accounts.privacy import delete_account, export_my_data

    slug = make_consultation()
    top = make_comment(slug, "Komentar Ani.", author="ani@example.org")
    make_comment(slug, "Balasan Budi.", author="budi@example.org", parent=top)
    with app.app_context():
        ani = get_by_email("ani@example.org")
        services.vote(db.session.get(Comment, top), get_by_email("budi@example.org"), "agree")
        db.session.commit()
        data = export_my_data(ani)
        assert [c["body"] for c in data["comments"]] == ["Komentar Ani."]
        counts = delete_account(ani)
        db.session.commit()
        assert counts["comments_anonymised"] == 1
        assert db.session.get(Comment, top).author_id is None


def test_thread_page_pages_replies_and_hides_what_it_must(app, client, make_consultation, make_comment):
    from consult.discussion.routes import REPLIES_PER_PAGE

    slug = make_consultation()
    top = make_comment(slug, "Komentar induk.")
    replies = [make_comment(slug, f"Balasan nomor {i}.", parent=top) for i in range(REPLIES_PER_PAGE + 2)]
    listing = client.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    assert "Balasan nomor 1." in listing and "Balasan nomor 2." not in listing  # two replies shown
    assert f"See all {REPLIES_PER_PAGE + 2} replies" in listing
    first = client.get(f"/c/{slug}/comments/{top}?lang=en").get_data(as_text=True)
    assert "Balasan nomor 0." in first and f"Balasan nomor {REPLIES_PER_PAGE}." not in first and "Page 1 of 2" in first
    second = client.get(f"/c/{slug}/comments/{top}?page=2").get_data(as_text=True)
    assert f"Balasan nomor {REPLIES_PER_PAGE + 1}." in second
    # a reply's own link opens its thread at the reply
    response = client.get(f"/c/{slug}/comments/{replies[0]}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/comments/{top}#comment-{replies[0]}")
    hidden = make_comment(slug, "RAHASIAHIDDEN induk.", status="hidden")
    make_comment(slug, "Balasan untuk yang disembunyikan.", parent=hidden)
    page = client.get(f"/c/{slug}/comments/{hidden}?lang=en").get_data(as_text=True)
    assert "RAHASIA" not in page and "Hidden by a moderator" in page and "Balasan untuk yang disembunyikan." in page
    pending = make_comment(slug, "RAHASIAPENDING induk.", status="pending")
    assert client.get(f"/c/{slug}/comments/{pending}").status_code == 404
    assert client.get(f"/c/{slug}/comments/{hidden}/flag").status_code == 404
    flag_page = client.get(f"/c/{slug}/comments/{top}/flag?lang=en").get_data(as_text=True)
    assert "Komentar induk." in flag_page and 'name="category"' in flag_page


def test_long_comments_are_cut_in_the_listing_and_whole_on_their_thread(app, client, make_consultation, make_comment):
    slug = make_consultation()
    text = "Usulan panjang tentang penilaian kinerja pegawai. " * 30 + "AKHIR."
    top = make_comment(slug, text)
    listing = client.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    assert "AKHIR." not in listing and "Read all" in listing
    assert "AKHIR." in client.get(f"/c/{slug}/comments/{top}").get_data(as_text=True)


def test_forms_without_their_csrf_token_record_nothing_and_keep_the_text(make_app, make_comment):
    from consult.accounts.services import create_user
    from consult.common.types import utcnow
    from consult.consultations.services import create_consultation
    from datetime import timedelta

    app = make_app("csrf-discussion", WTF_CSRF_ENABLED=True)
    with app.app_context():
        now = utcnow()
        consultation = create_consultation(slug="d", title="D", summary="S", body="B", opens_at=now - timedelta(days=1),
                                           closes_at=now + timedelta(days=3), published=True)
        user = create_user("ani@example.org", "correct-horse-1")
        db.session.flush()
        top = Comment(consultation_id=consultation.id, author_id=user.id, body="Komentar induk.",
                      moderation_status=ModerationStatus.published)
        db.session.add(top)
        db.session.commit()
        top_id = top.id
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": "ani@example.org", "password": "correct-horse-1", "csrf_token": token})
    for url, data in ((f"/c/d/discussion", {"body": "Teks yang harus tetap ada."}),
                      (f"/c/d/comments/{top_id}/reply", {"body": "Teks yang harus tetap ada."}),
                      (f"/c/d/comments/{top_id}/flag", {"category": "other", "note": "Teks yang harus tetap ada."})):
        response = client.post(url + "?lang=en", data=data)
        assert response.status_code == 400, url
        assert "Teks yang harus tetap ada." in response.get_data(as_text=True) and "expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 1
        from consult.moderation.models import Flag

        assert db.session.scalar(db.select(db.func.count()).select_from(Flag)) == 0


def test_a_form_sent_twice_records_one_comment(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    make_user("ani@example.org", role="respondent")
    login("ani@example.org")
    data = {"body": "Sekali saja.", "client_token": "kunci-formulir-satu"}
    first, second = client.post(f"/c/{slug}/discussion", data=data), client.post(f"/c/{slug}/discussion", data=data)
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 1


def test_rate_limit_counts_posted_comments_and_replies_together(make_app):
    from datetime import timedelta

    from consult.accounts.services import create_user
    from consult.common.types import utcnow
    from consult.consultations.services import create_consultation

    app = make_app("limits", RATELIMIT_ENABLED=True, COMMENT_RATE_LIMIT="2 per hour")
    with app.app_context():
        now = utcnow()
        create_consultation(slug="d", title="D", summary="S", body="B", opens_at=now - timedelta(days=1),
                            closes_at=now + timedelta(days=3), published=True)
        create_user("ani@example.org", "correct-horse-1")
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"email": "ani@example.org", "password": "correct-horse-1"})
    assert client.post("/c/d/discussion", data={"body": ""}).status_code == 400  # refused: not counted
    assert client.post("/c/d/discussion", data={"body": "Satu."}).status_code == 302
    with app.app_context():
        first = db.session.scalar(db.select(Comment.id))
    assert client.post(f"/c/d/comments/{first}/reply", data={"body": "Dua."}).status_code == 302
    limited = client.post("/c/d/discussion?lang=en", data={"body": "Tiga, ditolak."})
    assert limited.status_code == 429 and "Tiga, ditolak." in limited.get_data(as_text=True)
    assert client.post("/c/nope/discussion", data={"body": "x"}).status_code in (404, 429)
    assert client.post("/c/d/comments/99999/reply", data={"body": "x"}).status_code in (404, 429)


def test_the_account_page_lists_the_authors_comments_and_why_one_waits(app, client, make_consultation, make_user,
                                                                       login):
    slug = make_consultation()
    make_user("ani@example.org", role="respondent")
    login("ani@example.org")
    client.post(f"/c/{slug}/discussion", data={"body": "Komentar terbuka saya."})
    client.post(f"/c/{slug}/discussion", data={"body": "Telepon saya 081234567890."})
    page = client.get("/auth/account?lang=en").get_data(as_text=True)
    assert "Komentar terbuka saya." in page and "Published" in page
    assert "Waiting for a moderator" in page and "a phone number" in page


def test_a_reply_to_a_reply_that_is_no_longer_public_keeps_the_text(app, client, make_consultation, make_comment,
                                                                     make_user, login):
    slug = make_consultation()
    top = make_comment(slug, "Induk.")
    held = make_comment(slug, "Balasan ditahan.", parent=top, status="pending")
    make_user("budi@example.org", role="respondent")
    login("budi@example.org")
    response = client.post(f"/c/{slug}/comments/{held}/reply?lang=en", data={"body": "Teks saya yang panjang."})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Teks saya yang panjang." in page and "not public" in page and "Balasan ditahan." not in page


def test_a_comment_held_on_arrival_was_never_public(app, client, make_consultation, make_user, login):
    slug = make_consultation()
    make_user("ani@example.org", role="respondent")
    login("ani@example.org")
    client.post(f"/c/{slug}/discussion", data={"body": "NIK saya 1803014508900001 mohon dibantu."})
    with app.app_context():
        comment = db.session.scalar(db.select(Comment))
        assert comment.moderation_status is ModerationStatus.pending and comment.published_at is None
        cid = comment.id
    make_user("mod@example.org", role="moderator", slug=slug)
    moderator = app.test_client()
    moderator.post("/auth/login", data={"email": "mod@example.org", "password": "correct-horse-1"})
    moderator.post(f"/staff/c/{slug}/moderation/comments/{cid}", data={"action": "hide", "reason": "personal_data"})
    visitor = app.test_client()
    assert "Disembunyikan" not in visitor.get(f"/c/{slug}/discussion?lang=id").get_data(as_text=True)
    assert visitor.get(f"/c/{slug}/comments/{cid}").status_code == 404


def test_crafted_posts_get_answers_not_errors(app, client, make_consultation, make_comment, make_user, login):
    import io

    slug = make_consultation()
    top = make_comment(slug, "Induk.", author="budi@example.org")
    held_reply = make_comment(slug, "Balasan menunggu.", parent=top, status="pending")
    make_user("ani@example.org", role="respondent")
    login("ani@example.org")
    for url, field in ((f"/c/{slug}/discussion", "body"), (f"/c/{slug}/comments/{top}/reply", "body"),
                       (f"/c/{slug}/comments/{top}/flag", "note"), (f"/c/{slug}/discussion", "client_token")):
        response = client.post(url, data={field: (io.BytesIO(b"x"), "x.txt"), "category": "other"},
                               content_type="multipart/form-data")
        assert response.status_code in (302, 400), (url, field, response.status_code)
    # another account's form key does not block this one; a key reused for other text records it
    budi = app.test_client()
    budi.post("/auth/login", data={"email": "budi@example.org", "password": "correct-horse-1"})
    assert budi.post(f"/c/{slug}/discussion", data={"body": "Dari Budi.", "client_token": "k1"}).status_code == 302
    assert client.post(f"/c/{slug}/discussion", data={"body": "Dari Ani.", "client_token": "k1"}).status_code == 302
    assert client.post(f"/c/{slug}/discussion", data={"body": "Teks lain.", "client_token": "k1"}).status_code == 302
    with app.app_context():
        bodies = set(db.session.scalars(db.select(Comment.body)))
        assert {"Dari Budi.", "Dari Ani.", "Teks lain."} <= bodies
    # a waiting reply has no public address
    assert client.get(f"/c/{slug}/comments/{held_reply}").status_code == 404


def test_reading_details(app, client, make_consultation, make_comment, make_user, login):
    slug = make_consultation()
    top = make_comment(slug, "Komentar Ani.", author="ani@example.org")
    for i in range(3):
        make_comment(slug, f"Balasan {i}.", parent=top)
    make_comment(slug, "Balasan tersembunyi.", parent=top, status="hidden")
    make_comment(slug, "Kata:" + "x" * 700)
    login("ani@example.org")
    page = client.get(f"/c/{slug}/discussion?lang=en").get_data(as_text=True)
    assert "See all 3 replies" in page
    assert "xxxxxxxxxxxxxxxxxxxx" in page  # a long unbroken word is cut, not dropped
    thread = client.get(f"/c/{slug}/comments/{top}?lang=en").get_data(as_text=True)
    assert "3 replies" in thread
    own = thread[thread.index('id="comment-%d"' % top):thread.index("</article>")]
    assert "form" not in own and "You" in own  # no vote buttons on one's own comment
    later = make_consultation(state="scheduled")
    assert "opens with the consultation" in client.get(f"/c/{later}/discussion?lang=en").get_data(as_text=True)
