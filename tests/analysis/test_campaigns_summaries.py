"""What a run stores beyond themes, and what the drafter sees of it now: form-letter campaigns,
voices and distinct texts, stakeholder emphasis, summary sentences, submissions in several
themes, the saved theme set that the next run starts from, and the migration that added them."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm.attributes import flag_modified

from consult.analysis.models import (
    AnalysisRun,
    AnalysisSection,
    RunState,
    Theme,
    ThemeAssignment,
    ThemeQuote,
)
from consult.analysis.queries import run_view
from consult.analysis.services import _previous, request_analysis, run_analysis
from consult.common.mixins import ModerationStatus
from consult.common.types import utcnow
from consult.common.visibility import Audience
from consult.consultations.queries import get_by_slug
from consult.extensions import db
from consult.submissions.models import Submission
from tests.analysis.test_analysis import PLACEMENT, TRAINING

LETTER = ("Kami guru honorer memohon agar pelatihan dan diklat dibuka merata untuk guru honorer "
          "di semua kecamatan, dengan kuota yang adil dan anggaran yang jelas setiap tahun.")
ADDED = " Salam hormat dari Abung Barat."
DEMO = "kebijakan-asn-kotabumi-2026"


def page_text(response) -> str:
    """The page as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body))


def analyse_now(app, slug, **kw) -> int:
    with app.app_context():
        run = run_analysis(request_analysis(get_by_slug(slug), **kw))
        db.session.commit()
        return run.id


def seed_with_letter(make_submission, slug, *, representative_consent=True):
    """Eight citizens' texts and four copies of one letter (stakeholder "other"); the third copy
    adds a sentence of its own."""
    made = {"texts": [make_submission(slug, t) for t in PLACEMENT + TRAINING]}
    made["letters"] = [make_submission(slug, LETTER + (ADDED if i == 2 else ""), stakeholder="other",
                                       consent=representative_consent or i > 0, name=f"Guru {i}")
                       for i in range(4)]
    return made


def general(view):
    return view.sections[-1]


def test_run_stores_campaigns_distinct_texts_emphasis_and_summary(app, make_consultation, make_submission):
    slug = make_consultation()
    made = seed_with_letter(make_submission, slug)
    run_id = analyse_now(app, slug, n_themes=2)
    letters = [m.id for m in made["letters"]]
    with app.app_context():
        section = db.session.get(AnalysisRun, run_id).sections[-1]
        assert section.question_id is None
        [campaign] = section.campaigns
        assert campaign["id"] == "c1" and campaign["representative_id"] == letters[0]
        assert sorted(campaign["member_ids"]) == sorted(letters)
        [added] = campaign["added_text"]
        assert added["submission_id"] == letters[2]
        [span] = added["spans"]
        body = db.session.get(Submission, letters[2]).body
        assert span["source"] == "text" and body[span["start"]:span["end"]] == span["text"] == ADDED.strip()

        holder = next(t for t in section.themes if t.campaign_ids)
        assert holder.campaign_ids == ["c1"]
        voices = len(holder.assignments)
        assert holder.distinct_texts == voices - 3  # four copies count as one text
        # emphasis counts distinct texts: the four "other" copies are one text, too few to flag
        assert holder.stakeholder_emphasis == {}
        other = next(t for t in section.themes if t is not holder)
        assert other.stakeholder_emphasis == {"citizen": None}  # only citizens: the engine's inf

        # summary sentences are stored apart from quotes, verbatim and located
        stored = db.session.scalars(db.select(ThemeQuote).where(ThemeQuote.kind == "summary")).all()
        assert stored and sorted(q.id for q in stored) == sorted(q.id for t in section.themes for q in t.summary)
        for theme in section.themes:
            assert all(q.kind == "summary" for q in theme.summary) and all(q.kind == "quote" for q in theme.quotes)
            for q in theme.summary:
                assert db.session.get(Submission, q.submission_id).body[q.start:q.end] == q.text
        assert section.model["version"] == 1
        assert {t["id"] for t in section.model["themes"]} == {t.engine_id for t in section.themes}

        # read now, with nothing changed, the view agrees with what the engine said
        view = general(run_view(db.session.get(AnalysisRun, run_id)))
        for stored, shown in zip(section.themes, view.themes):
            assert shown.submission_count == len(stored.assignments)
            assert shown.distinct_texts == stored.distinct_texts
            assert shown.stakeholder_emphasis == stored.stakeholder_emphasis
            assert [c.id for c in shown.campaigns] == stored.campaign_ids
            assert [q.text for q in shown.summary] == [q.text for q in stored.summary]


def test_drafter_page_shows_voices_distinct_texts_campaign_emphasis_and_summary(
        app, make_consultation, make_submission, make_user, login, client):
    slug = make_consultation()
    made = seed_with_letter(make_submission, slug)
    run_id = analyse_now(app, slug, n_themes=2)
    login(make_user(slug=slug))
    page = page_text(client.get(f"/staff/c/{slug}/themes"))
    with app.app_context():
        view = general(run_view(db.session.get(AnalysisRun, run_id)))
    holder = next(t for t in view.themes if t.campaigns)
    assert f"{holder.submission_count} suara · {holder.distinct_texts} teks berbeda" in page
    assert "Surat seragam: 4 salinan" in page
    assert LETTER in page and f"teks {made['letters'][0].reference}" in page
    assert all(m.reference in page for m in made["letters"])
    assert f"{made['letters'][2].reference} : “{ADDED.strip()}”" in page  # what one copy added
    assert "Lainnya mengangkat tema ini" not in page  # the campaign's copies are one text for emphasis
    assert "Hanya Warga yang mengangkat tema ini" in page
    assert "Ringkasan dengan kata-kata responden sendiri" in page
    for theme in view.themes:
        for q in theme.summary:
            assert f"“{q.text}” ( {q.submission_ref} )" in page
    english = page_text(client.get(f"/staff/c/{slug}/themes?lang=en"))
    assert "Citizen: the only group that raises this theme" in english
    assert "Form letter: 4 copies" in english


def test_ratios_read_in_the_page_language(app):
    from consult.analysis.routes import ratio_filter

    with app.test_request_context("/?lang=id"):
        assert (ratio_filter(8.8), ratio_filter(2.0), ratio_filter(13.2)) == ("8,8", "2", "13,2")
    with app.test_request_context("/?lang=en"):
        assert ratio_filter(8.8) == "8.8"


def test_letter_text_comes_from_a_quotable_copy_and_copies_count_by_audience(
        app, make_consultation, make_submission):
    slug = make_consultation()
    made = seed_with_letter(make_submission, slug, representative_consent=False)
    run_id = analyse_now(app, slug, n_themes=2)
    letters = made["letters"]
    with app.app_context():
        section = db.session.get(AnalysisRun, run_id).sections[-1]
        assert section.campaigns[0]["representative_id"] == letters[0].id
        [campaign] = general(run_view(db.session.get(AnalysisRun, run_id))).campaigns
        # the representative has no consent to publish: the letter is shown as another copy sent it
        assert campaign.representative_ref == letters[0].reference and campaign.text_ref == letters[1].reference
        assert campaign.text == LETTER and campaign.copies == 4
        db.session.get(Submission, letters[3].id).moderation_status = ModerationStatus.pending
        db.session.get(Submission, letters[2].id).consent_publish = False
        db.session.commit()
        [staff] = general(run_view(db.session.get(AnalysisRun, run_id))).campaigns
        [public] = general(run_view(db.session.get(AnalysisRun, run_id), Audience.PUBLIC)).campaigns
        assert staff.copies == 4 and public.copies == 3 and letters[3].reference not in public.submission_refs
        assert staff.added == []  # the copy that added words may no longer be quoted


def test_summary_sentence_of_a_submission_hidden_later_leaves_page_and_export(
        app, make_consultation, make_submission, make_user, login, client):
    slug = make_consultation()
    made = seed_with_letter(make_submission, slug)
    run_id = analyse_now(app, slug, n_themes=2)
    with app.app_context():
        view = general(run_view(db.session.get(AnalysisRun, run_id)))
        sentence = next(q for t in view.themes for q in t.summary
                        if q.submission_ref not in {m.reference for m in made["letters"]})
    login(make_user(slug=slug))
    assert sentence.text in page_text(client.get(f"/staff/c/{slug}/themes"))
    summary_texts = lambda data: [q["text"] for t in data["questions"][-1]["themes"] for q in t["summary"]]
    assert sentence.text in summary_texts(client.get(f"/staff/c/{slug}/export.json").get_json())

    with app.app_context():
        sub = db.session.scalar(db.select(Submission).where(Submission.reference == sentence.submission_ref))
        sub.moderation_status = ModerationStatus.hidden
        db.session.commit()
    page = page_text(client.get(f"/staff/c/{slug}/themes"))
    assert sentence.text not in page and sentence.submission_ref not in page
    data = client.get(f"/staff/c/{slug}/export.json").get_json()
    assert sentence.text not in summary_texts(data)
    assert sentence.text not in client.get(f"/staff/c/{slug}/export.csv").get_data(as_text=True)
    assert data["submission_count"] == len(PLACEMENT + TRAINING) + 3


def test_a_submission_in_several_themes_is_counted_once(app, make_consultation, make_submission, make_user,
                                                        login, client):
    slug = make_consultation(questions=False)
    made = [make_submission(slug, t) for t in PLACEMENT[:3]]
    with app.app_context():
        run = AnalysisRun(consultation_id=get_by_slug(slug).id, state=RunState.done)
        section = AnalysisSection(question_id=None, position=0, unassigned_ids=[], unreadable_ids=[], diagnostics={})
        for position, members in enumerate([(made[0].id, made[1].id), (made[1].id, made[2].id)]):
            theme = Theme(engine_id=f"t{position + 1}", position=position, label=f"Tema {position + 1}",
                          key_phrases=[], key_phrase_sources={}, distinct_texts=2)
            theme.assignments = [ThemeAssignment(submission_id=s, position=i) for i, s in enumerate(members)]
            section.themes.append(theme)
        run.sections.append(section)
        run.finished_at = utcnow()
        db.session.add(run)
        db.session.commit()
        run_id, view = run.id, run_view(run)
        sec = view.sections[0]
        assert [t.submission_count for t in sec.themes] == [2, 2]
        assert sec.submission_count == view.submission_count == 3 and sec.multi_theme_count == 1
    login(make_user(slug=slug))
    page = page_text(client.get(f"/staff/c/{slug}/themes"))
    assert "3 masukan, 2 tema, 0 tidak masuk tema mana pun" in page
    assert "1 masukan (teks panjang atau kertas posisi) mengangkat beberapa tema" in page
    data = client.get(f"/staff/c/{slug}/export.json").get_json()
    assert data["submission_count"] == data["questions"][0]["submission_count"] == 3
    assert data["questions"][0]["multi_theme_count"] == 1
    assert [t["submission_count"] for t in data["questions"][0]["themes"]] == [2, 2]
    with app.app_context():
        db.session.get(Submission, made[1].id).moderation_status = ModerationStatus.hidden
        db.session.commit()
        sec = run_view(db.session.get(AnalysisRun, run_id)).sections[0]
        assert [t.submission_count for t in sec.themes] == [1, 1]
        assert sec.submission_count == 2 and sec.multi_theme_count == 0


def test_next_run_starts_from_the_saved_theme_set_and_keeps_drafter_markers(app, make_consultation, make_submission):
    slug = make_consultation()
    seed_with_letter(make_submission, slug)
    first = analyse_now(app, slug, n_themes=2)
    with app.app_context():
        section = db.session.get(AnalysisRun, first).sections[-1]
        consultation_id = section.run.consultation_id
        locked = section.model["themes"][0]
        locked["label"], locked["label_locked"] = "Label dari perancang", True
        flag_modified(section, "model")
        db.session.commit()
        assert _previous(consultation_id, None, before_run_id=-1)["themes"][0]["label"] == "Label dari perancang"
        locked_id = locked["id"]
    second = analyse_now(app, slug, n_themes=2)
    with app.app_context():
        themes = {t.engine_id: t for t in db.session.get(AnalysisRun, second).sections[-1].themes}
        assert themes[locked_id].label == "Label dari perancang"
        saved = db.session.get(AnalysisRun, second).sections[-1].model
        assert next(t for t in saved["themes"] if t["id"] == locked_id)["label_locked"] is True
        # a section stored before theme sets were saved: ids still carry over through its themes
        old = db.session.get(AnalysisRun, second).sections[-1]
        old.model = None
        db.session.commit()
        previous = _previous(consultation_id, None, before_run_id=-1)
        assert sorted(t.id for t in previous) == sorted(themes)


@pytest.mark.slow
def test_demo_run_stores_campaigns_and_the_page_shows_them(app, make_user, login, client):
    from consult.demo.seed import seed_kotabumi

    with app.app_context():
        seed_kotabumi(secret=app.config["SECRET_KEY"], reference_prefix="KTB", upload_dir=app.config["UPLOAD_DIR"],
                      max_bytes=10**7)
        db.session.commit()
    run_id = analyse_now(app, DEMO)
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        section = run.sections[-1]
        subs = {s.id: s for s in db.session.scalars(db.select(Submission).where(
            Submission.consultation_id == run.consultation_id))}
        # the two form-letter campaigns: the honorary teachers' letter and the health workers'
        assert len(section.campaigns) == 2
        teachers = next(c for c in section.campaigns
                        if "Persaudaraan Guru Non-ASN" in subs[c["representative_id"]].body)
        letters = {s.id for s in subs.values() if "Persaudaraan Guru Non-ASN" in s.body}
        assert len(set(teachers["member_ids"]) & letters) >= len(letters) - 2 >= 8
        for entry in teachers["added_text"]:
            for span in entry["spans"]:
                assert subs[entry["submission_id"]].body[span["start"]:span["end"]] == span["text"]
        holders = [t for t in section.themes if teachers["id"] in t.campaign_ids]
        assert holders and all(t.distinct_texts < len(t.assignments) for t in holders)

        # summary sentences are verbatim, and those from the DOCX position paper cite its paragraph
        paper_sentences = 0
        for theme in section.themes:
            for q in theme.summary:
                sub = subs[q.submission_id]
                if q.source == "attachment":
                    paper_sentences += 1
                    assert q.paragraph and sub.attachment.segments[q.paragraph - 1]["text"][q.start:q.end] == q.text
                else:
                    assert sub.body[q.start:q.end] == q.text
        assert paper_sentences

        # a long submission is in several themes, yet counted once in the totals
        view = run_view(run)
        gen = view.sections[-1]
        members = [r for t in gen.themes for r in t.submission_refs]
        assert len(members) > len(set(members)) and gen.multi_theme_count == len(
            [r for r in set(members) if members.count(r) > 1])
        assert gen.submission_count == len(set(members) | set(gen.unassigned_refs) | set(gen.unreadable_refs))
        assert view.submission_count == run.submission_count
        holder = next(t for t in gen.themes if any(c.id == teachers["id"] for c in t.campaigns))
        campaign = next(c for c in holder.campaigns if c.id == teachers["id"])
        paper = next(q for t in gen.themes for q in t.summary if q.source == "attachment")
    login(make_user(slug=DEMO))
    page = page_text(client.get(f"/staff/c/{DEMO}/themes"))
    assert f"{holder.submission_count} suara · {holder.distinct_texts} teks berbeda" in page
    assert f"Surat seragam: {campaign.copies} salinan" in page
    assert campaign.text.split("\n")[0] in page and f"teks {campaign.text_ref}" in page
    assert f"“{paper.text}” ( {paper.submission_ref} · lampiran ¶{paper.paragraph})" in page
    assert "mengangkat tema ini" in page and "teks panjang atau kertas posisi" in page


def test_migration_round_trip_keeps_runs_readable(app, make_consultation, make_submission):
    from flask_migrate import downgrade, upgrade

    slug = make_consultation()
    seed_with_letter(make_submission, slug)
    analyse_now(app, slug, n_themes=2)
    with app.app_context():
        columns = lambda table: {c["name"] for c in inspect(db.engine).get_columns(table)}
        quotes = db.session.execute(text("SELECT COUNT(*) FROM theme_quotes WHERE kind = 'quote'")).scalar()
        db.session.close()
        downgrade(revision="f433a17111a3")
        assert not {"campaigns", "model"} & columns("analysis_sections")
        assert not {"distinct_texts", "campaign_ids", "stakeholder_emphasis"} & columns("themes")
        assert "kind" not in columns("theme_quotes")
        assert db.session.execute(text("SELECT COUNT(*) FROM theme_quotes")).scalar() == quotes  # summaries gone
        db.session.close()
        upgrade()
        assert {"campaigns", "model"} <= columns("analysis_sections")
        rows = db.session.execute(text(
            "SELECT themes.distinct_texts, COUNT(theme_assignments.submission_id), themes.campaign_ids "
            "FROM themes JOIN theme_assignments ON theme_assignments.theme_id = themes.id GROUP BY themes.id")).all()
        # raw SQL: SQLite hands JSON back as text, PostgreSQL as parsed JSON
        assert rows and all(distinct == members and campaigns in ("[]", []) for distinct, members, campaigns in rows)
        assert db.session.execute(text("SELECT DISTINCT kind FROM theme_quotes")).scalars().all() == ["quote"]
        run = db.session.scalar(db.select(AnalysisRun))
        view = run_view(run)  # an older run: no campaigns, no saved theme set, still shown
        assert view.sections[-1].themes and run.sections[-1].model is None
