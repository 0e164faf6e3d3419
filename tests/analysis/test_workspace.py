"""The drafter workspace: theme edits that survive a re-run, the codebook, sign-off, responses."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.analysis import editing, responses
from consult.analysis.models import AnalysisRun, Response, Theme, ThemeEdit
from consult.analysis.queries import latest_run, run_view
from consult.analysis.services import request_analysis, run_analysis
from consult.consultations.queries import get_by_slug
from consult.errors import NotAllowed
from consult.extensions import db
from consult.submissions.models import Submission

PLACEMENT = ["Mutasi pegawai harus transparan dengan kriteria mutasi yang diumumkan.",
             "Kriteria mutasi dan rotasi harus terbuka tanpa titipan.",
             "Umumkan hasil mutasi dan kriteria mutasi secara terbuka.",
             "Mutasi tanpa kriteria jelas merusak semangat pegawai.",
             "Rotasi dan mutasi pegawai wajib memakai kriteria terbuka."]
TRAINING = ["Pelatihan dan diklat harus merata untuk semua pegawai.",
            "Anggaran pelatihan jangan hanya untuk orang yang sama, diklat harus merata.",
            "E-learning pelatihan harus bisa dibuka dengan sinyal lemah.",
            "Pelatihan daring dan diklat perlu modul yang bisa diunduh.",
            "Diklat dan pelatihan pegawai di kecamatan harus merata."]


def _analyse(slug, **kw) -> AnalysisRun:
    run = run_analysis(request_analysis(get_by_slug(slug), **kw))
    db.session.commit()
    return run


def _general(run: AnalysisRun):
    return next(s for s in run.sections if s.question_id is None)


def _drafter(email="drafter@example.org"):
    return db.session.scalar(select(User).where(User.email == email))


def _theme_holding(section, submission_id) -> Theme:
    return next(t for t in section.themes if submission_id in {a.submission_id for a in t.assignments})


@pytest.fixture()
def analysed(app, make_consultation, make_submission, make_user):
    slug = make_consultation(questions=False)
    made = [make_submission(slug, t) for t in PLACEMENT + TRAINING]
    make_user("drafter@example.org", slug=slug)
    with app.app_context():
        _analyse(slug, n_themes=2)
    return slug, made


def test_edits_are_logged_and_survive_a_re_run_that_adds_new_submissions(app, analysed, make_submission):
    slug, made = analysed
    with app.app_context():
        actor = _drafter()
        section = _general(latest_run(get_by_slug(slug)))
        placement = _theme_holding(section, made[0].id)
        training = _theme_holding(section, made[6].id)
        assert placement.id != training.id
        editing.rename_theme(placement, actor, "Mutasi yang transparan", "Kriteria mutasi diumumkan.")
        new = editing.split_theme(training, [made[7].id, made[8].id], "Pelatihan daring", actor)
        editing.move_submission(made[4].id, placement, training, actor)  # a drafter's judgement
        db.session.commit()
        kinds = [e.action for e in db.session.scalars(select(ThemeEdit).order_by(ThemeEdit.id))]
        assert kinds == ["rename", "describe", "split", "move"]
        assert all(e.actor_id == actor.id for e in db.session.scalars(select(ThemeEdit)))
        new_key, placement_key, training_key = new.engine_id, placement.engine_id, training.engine_id

    later = make_submission(slug, "Kriteria mutasi pegawai harus diumumkan terbuka tanpa titipan.")
    with app.app_context():
        run = _analyse(slug)
        section = _general(run)
        by_key = {t.engine_id: t for t in section.themes}
        assert by_key[placement_key].label == "Mutasi yang transparan"
        assert by_key[placement_key].description == "Kriteria mutasi diumumkan."
        assert by_key[new_key].label == "Pelatihan daring" and by_key[new_key].origin == "split"
        members = {k: {a.submission_id for a in t.assignments} for k, t in by_key.items()}
        assert {made[7].id, made[8].id} <= members[new_key]
        assert not {made[7].id, made[8].id} & members[training_key]
        assert made[4].id in members[training_key] and made[4].id not in members[placement_key]
        assert later.id in members[placement_key]  # a new submission joins the edited theme
        view = run_view(run)
        labels = [t.label for t in view.sections[-1].themes]
        assert "Mutasi yang transparan" in labels and "Pelatihan daring" in labels


def test_merge_moves_members_and_the_response(app, analysed):
    slug, made = analysed
    with app.app_context():
        actor = _drafter()
        consultation = get_by_slug(slug)
        section = _general(latest_run(consultation))
        a, b = _theme_holding(section, made[0].id), _theme_holding(section, made[6].id)
        responses.save_response(consultation, actor, theme_key=a.engine_id, decision="accepted", reason="Setuju.")
        editing.merge_themes(a, b, actor)
        db.session.commit()
        section = _general(latest_run(consultation))
        assert len(section.themes) == 1
        assert {s.id for s in made} <= {x.submission_id for x in section.themes[0].assignments}
        assert db.session.scalar(select(Response)).theme_key == b.engine_id


def test_sign_off_needs_every_theme_reviewed_and_then_freezes_the_set(app, analysed):
    slug, made = analysed
    with app.app_context():
        actor = _drafter()
        section = _general(latest_run(get_by_slug(slug)))
        with pytest.raises(editing.EditRefused):
            editing.sign_off(section, actor)
        for theme in section.themes:
            editing.set_reviewed(theme, actor)
        editing.sign_off(section, actor)
        db.session.commit()
        with pytest.raises(editing.EditRefused):
            editing.rename_theme(section.themes[0], actor, "Nama lain")
        editing.reopen(section, actor)
        editing.rename_theme(section.themes[0], actor, "Nama lain")


def test_only_drafters_edit(app, analysed, make_user):
    slug, made = analysed
    make_user("moderator@example.org", role="moderator", slug=slug)
    with app.app_context():
        section = _general(latest_run(get_by_slug(slug)))
        with pytest.raises(NotAllowed):
            editing.rename_theme(section.themes[0], _drafter("moderator@example.org"), "X")


def test_codebook_maps_submissions_by_keyword_and_proposes_further_themes(app, make_consultation,
                                                                       make_submission, make_user):
    slug = make_consultation(questions=False)
    made = [make_submission(slug, t) for t in PLACEMENT + TRAINING]
    make_user("drafter@example.org", slug=slug)
    with app.app_context():
        entry = editing.add_codebook_entry(get_by_slug(slug), _drafter(), label="Pasal 5: pembelajaran daring",
                                           keywords="e-learning, daring, diunduh")
        db.session.commit()
        run = _analyse(slug)
        section = _general(run)
        book = next(t for t in section.themes if t.engine_id == entry.key)
        assert book.label == "Pasal 5: pembelajaran daring" and book.origin == "codebook"
        assert {a.submission_id for a in book.assignments} >= {made[7].id, made[8].id}
        others = [t for t in section.themes if t.engine_id != entry.key]
        assert others and all(t.proposed for t in others)  # found by the analysis beside the codebook
        assert not book.proposed


def test_published_response_reaches_receipt_pages_and_mails_each_respondent_once(app, client, analysed, login):
    slug, made = analysed
    with app.app_context():
        actor = _drafter()
        consultation = get_by_slug(slug)
        for sid in (made[0].id, made[1].id):
            db.session.get(Submission, sid).email = "warga@example.org"
        db.session.get(Submission, made[1].id).language = "en"
        section = _general(latest_run(consultation))
        theme = _theme_holding(section, made[0].id)
        response = responses.save_response(
            consultation, actor, theme_key=theme.engine_id, decision="partly_accepted",
            reason="Kriteria akan diumumkan di laman BKPSDM.", draft_reference="Pasal 7 ayat (2)",
            revised_wording="Kriteria mutasi diumumkan paling lambat 30 hari sebelumnya.")
        db.session.commit()
        response_id = response.id
    receipt = client.get(f"/r/{made[0].token}").get_data(as_text=True)
    assert "Pasal 7 ayat (2)" not in receipt  # a draft stays private
    assert "Pasal 7 ayat (2)" not in client.get(f"/c/{slug}").get_data(as_text=True)
    with app.app_context():
        response = db.session.get(Response, response_id)
        responses.publish_response(response, _drafter())
        sent = []
        assert responses.notify_respondents(get_by_slug(slug), lambda s, rs: sent.append(s.reference)) == 2
        assert responses.notify_respondents(get_by_slug(slug), lambda s, rs: sent.append(s.reference)) == 0
        db.session.commit()
        assert sorted(sent) == sorted([made[0].reference, made[1].reference])
    receipt = client.get(f"/r/{made[0].token}").get_data(as_text=True)
    assert "Pasal 7 ayat (2)" in receipt and "30 hari sebelumnya" in receipt
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert "Kriteria akan diumumkan di laman BKPSDM." in page
    other = client.get(f"/r/{made[6].token}").get_data(as_text=True)
    assert "Pasal 7 ayat (2)" not in other  # not in that theme


def test_results_page_is_public_once_published_with_charts_and_suppressed_small_groups(app, client, analysed, login):
    slug, made = analysed
    assert client.get(f"/c/{slug}/results").status_code == 404
    login("drafter@example.org")
    page = client.get(f"/staff/c/{slug}/themes").get_data(as_text=True)
    assert page.count('role="img"') >= 2 and "Tema menurut jenis pemangku kepentingan" in page
    assert client.post(f"/staff/c/{slug}/results/publish").status_code == 302
    client.get("/auth/logout")
    results = client.get(f"/c/{slug}/results").get_data(as_text=True)
    assert 'role="img"' in results and "<details" in results  # a chart with its numbers as a table
    assert "Masukan dari waktu ke waktu" in results
    with app.app_context():
        assert db.session.scalar(select(ThemeEdit.action).order_by(ThemeEdit.id.desc())) == "publish_results"
    assert "Lihat hasil konsultasi" in client.get(f"/c/{slug}").get_data(as_text=True)


def test_a_theme_key_is_never_given_to_another_theme(app, analysed):
    from consult import themes as engine
    from consult.analysis.services import _never_reuse
    from consult.themes.types import Document

    slug, made = analysed
    with app.app_context():
        consultation = get_by_slug(slug)
        before = {t.engine_id for t in _general(latest_run(consultation)).themes}
        result = engine.analyse([Document(id=str(i), text=t) for i, t in enumerate(PLACEMENT + TRAINING)], n_themes=2)
        assert {t.id for t in result.themes} & before  # the engine alone would hand out the same keys
        _never_reuse(result, consultation.id, None, {"version": 1, "themes": []})  # none carried over
        assert not {t.id for t in result.themes} & before
        assert {t["id"] for t in result.model["themes"]} == {t.id for t in result.themes}


def test_a_published_response_keeps_its_theme_and_blocks_merging_it_away(app, analysed, make_submission):
    slug, made = analysed
    with app.app_context():
        actor = _drafter()
        consultation = get_by_slug(slug)
        section = _general(latest_run(consultation))
        theme, other = _theme_holding(section, made[0].id), _theme_holding(section, made[6].id)
        key, label = theme.engine_id, theme.label
        response = responses.save_response(consultation, actor, theme_key=key, decision="accepted", reason="Ya.")
        responses.publish_response(response, actor)
        db.session.commit()
        with pytest.raises(editing.EditRefused):
            editing.merge_themes(theme, other, actor)
        db.session.rollback()
    for text in TRAINING:
        make_submission(slug, text + " Tambahan.")
    with app.app_context():
        run = _analyse(slug, n_themes=3)
        kept = next(t for t in _general(run).themes if t.engine_id == key)
        assert kept.label == label and {made[0].id, made[1].id} <= {a.submission_id for a in kept.assignments}


def test_an_unchanged_re_run_keeps_the_sign_off(app, analysed):
    slug, made = analysed
    with app.app_context():
        actor = _drafter()
        section = _general(latest_run(get_by_slug(slug)))
        for theme in section.themes:
            editing.set_reviewed(theme, actor)
        editing.sign_off(section, actor)
        db.session.commit()
        assert _general(_analyse(slug)).signed_off_at is not None


def test_a_new_submission_that_joins_an_answered_theme_is_told_after_the_run(app, analysed, make_submission):
    from consult.analysis.jobs import tell_new_members
    from consult.extensions import mail

    slug, made = analysed
    with app.app_context():
        actor = _drafter()
        consultation = get_by_slug(slug)
        theme = _theme_holding(_general(latest_run(consultation)), made[0].id)
        responses.publish_response(responses.save_response(consultation, actor, theme_key=theme.engine_id,
                                                           decision="accepted", reason="Kriteria diumumkan."), actor)
        db.session.commit()
    later = make_submission(slug, "Kriteria mutasi pegawai harus diumumkan terbuka tanpa titipan.")
    with app.app_context():
        db.session.get(Submission, later.id).email = "baru@example.org"
        db.session.commit()
        _analyse(slug)
        with mail.record_messages() as outbox:
            assert tell_new_members(get_by_slug(slug)) == 1
        assert outbox[0].recipients == ["baru@example.org"] and "Kriteria diumumkan." in outbox[0].body
