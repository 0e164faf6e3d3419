"""Analysis runs: what is analysed, counted and quoted, attachments, jobs and the drafter page."""
from __future__ import annotations

import time
from pathlib import Path

import docx

from consult.analysis.models import AnalysisRun, RunState
from consult.analysis.queries import run_view, themes_of_submission
from consult.analysis.services import request_analysis, run_analysis
from consult.common.files import store_upload
from consult.consultations.queries import get_by_slug
from consult.extensions import db
from consult.submissions.models import Submission

PLACEMENT = ["Mutasi pegawai harus transparan dengan kriteria mutasi yang diumumkan.",
             "Kriteria mutasi dan rotasi harus terbuka tanpa titipan.",
             "Umumkan hasil mutasi dan kriteria mutasi secara terbuka.",
             "Mutasi tanpa kriteria jelas merusak semangat pegawai."]
TRAINING = ["Pelatihan dan diklat harus merata untuk semua pegawai.",
            "Anggaran pelatihan jangan hanya untuk orang yang sama, diklat harus merata.",
            "E-learning pelatihan harus bisa dibuka dengan sinyal lemah.",
            "Pelatihan daring dan diklat perlu modul yang bisa diunduh."]


def seed(make_submission, slug):
    made = {}
    for i, text in enumerate(PLACEMENT + TRAINING):
        made[i] = make_submission(slug, text, answers={"q1": text})
    return made


def analyse_now(app, slug, **kw):
    with app.app_context():
        run = run_analysis(request_analysis(get_by_slug(slug), **kw))
        db.session.commit()
        return run.id


def test_run_stores_sections_for_questions_and_free_text(app, make_consultation, make_submission):
    slug = make_consultation()
    seed(make_submission, slug)
    run_id = analyse_now(app, slug)
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        assert run.state is RunState.done and run.submission_count == 8
        view = run_view(run)
        titles = [s.title for s in view.sections]
        assert titles[0] == "Bagaimana penempatan ASN?" and "General comments" in titles[-1]
        for section in view.sections:
            members = {r for t in section.themes for r in t.submission_refs} | set(section.unassigned_refs)
            assert len(members) == section.submission_count == 8


def test_hidden_never_analysed_pending_analysed_but_never_quoted(app, make_consultation, make_submission):
    slug = make_consultation()
    seed(make_submission, slug)
    hidden = make_submission(slug, "Mutasi kriteria titipan spam spam jual pinjol murah.", status="hidden")
    pending = make_submission(slug, "Kriteria mutasi harus terbuka dan diumumkan, kata saya.", status="pending")
    no_consent = make_submission(slug, "Kriteria mutasi wajib diumumkan terbuka untuk pegawai.", consent=False)
    run_id = analyse_now(app, slug)
    with app.app_context():
        view = run_view(db.session.get(AnalysisRun, run_id))
        general = view.sections[-1]
        refs = {r for t in general.themes for r in t.submission_refs} | set(general.unassigned_refs)
        assert hidden.reference not in refs
        assert pending.reference in refs and no_consent.reference in refs
        quoted = {q.submission_ref for t in general.themes for q in t.quotes}
        assert quoted and not quoted & {pending.reference, no_consent.reference, hidden.reference}


def test_hiding_after_the_run_removes_counts_and_quotes(app, make_consultation, make_submission):
    from consult.common.mixins import ModerationStatus

    slug = make_consultation()
    seed(make_submission, slug)
    run_id = analyse_now(app, slug)
    with app.app_context():
        before = run_view(db.session.get(AnalysisRun, run_id)).sections[-1]
        quoted_ref = before.themes[0].quotes[0].submission_ref
        sub = db.session.scalar(db.select(Submission).where(Submission.reference == quoted_ref))
        sub.moderation_status = ModerationStatus.hidden
        db.session.commit()
        after = run_view(db.session.get(AnalysisRun, run_id)).sections[-1]
        assert all(q.submission_ref != quoted_ref for t in after.themes for q in t.quotes)
        assert sum(t.submission_count for t in after.themes) + len(after.unassigned_refs) == 7
        assert quoted_ref not in {r for t in after.themes for r in t.submission_refs}


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.save(path)
    return path


def test_quotes_from_attachments_are_located(app, make_consultation, make_submission, tmp_path):
    slug = make_consultation()
    seed(make_submission, slug)
    paper = make_docx(tmp_path / "paper.docx", [
        "Kertas posisi asosiasi.",
        "Kriteria mutasi harus diumumkan secara terbuka dan hasil mutasi wajib dipublikasikan.",
        "Pelatihan dan diklat harus merata untuk pegawai di semua kecamatan.",
    ])
    with app.app_context():
        with open(paper, "rb") as fh:
            stored = store_upload(fh, "paper.docx", app.config["UPLOAD_DIR"], 10**6)
    made = make_submission(slug, "Lihat lampiran.", attachment=stored, stakeholder="professional_body",
                           organisation="Asosiasi")
    run_id = analyse_now(app, slug)
    with app.app_context():
        sub = db.session.get(Submission, made.id)
        assert [s["paragraph"] for s in sub.attachment.segments] == [1, 2, 3]
        view = run_view(db.session.get(AnalysisRun, run_id))
        quotes = [q for t in view.sections[-1].themes for q in t.quotes if q.submission_ref == made.reference]
        for q in quotes:
            if q.source == "attachment":
                segment = sub.attachment.segments[q.paragraph - 1]["text"]
                assert segment[q.start:q.end] == q.text
            else:
                assert sub.body[q.start:q.end] == q.text
        assert themes_of_submission(sub)


def test_previous_run_keeps_theme_ids(app, make_consultation, make_submission):
    slug = make_consultation()
    seed(make_submission, slug)
    first, second = analyse_now(app, slug, n_themes=2), analyse_now(app, slug, n_themes=2)
    with app.app_context():
        ids = lambda run_id: sorted(t.engine_id for t in db.session.get(AnalysisRun, run_id).sections[0].themes)
        assert ids(first) == ids(second) == ["t1", "t2"]


def test_drafter_page_needs_login_and_role(make_consultation, make_user, login, client):
    slug = make_consultation()
    assert client.get(f"/staff/c/{slug}/themes").status_code == 302
    login(make_user("orang@example.org", slug=make_consultation()))
    assert client.get(f"/staff/c/{slug}/themes").status_code == 403
    assert client.get(f"/staff/c/{slug}/export.json").status_code == 403


def test_drafter_runs_the_analysis_and_sees_themes(app, make_consultation, make_submission, make_user, login, client):
    slug = make_consultation()
    made = seed(make_submission, slug)
    login(make_user(slug=slug))
    page = client.get(f"/staff/c/{slug}/themes").get_data(as_text=True)
    assert "8" in page
    response = client.post(f"/staff/c/{slug}/themes/run", data={"n_themes": "2"})
    assert response.status_code == 302
    page = client.get(f"/staff/c/{slug}/themes").get_data(as_text=True)
    assert "Bagaimana penempatan ASN?" in page
    assert made[0].reference in page or made[1].reference in page or "KTB-" in page
    assert "export.csv" in page and "export.json" in page
    # the respondent's receipt now shows how the submission was considered
    receipt = client.get(f"/r/{made[0].token}").get_data(as_text=True)
    with app.app_context():
        labels = [label for _title, label in themes_of_submission(db.session.get(Submission, made[0].id))]
    assert labels and labels[0] in receipt


def test_job_runs_in_a_background_thread_with_progress(make_app):

    from consult.jobs import Job, JobState, enqueue

    app = make_app("jobs", JOBS_INLINE=False)
    with app.app_context():
        from consult.common.mixins import ModerationStatus
        from consult.consultations.services import add_question, create_consultation
        from consult.submissions.services import SubmissionInput, record_submission

        consultation = create_consultation(slug="bg", title="BG")
        add_question(consultation, key="q1", text="Q?")
        for text in PLACEMENT + TRAINING:
            record_submission(consultation, SubmissionInput(stakeholder_type="citizen", body=text), {},
                              secret="s", reference_prefix="KTB", status=ModerationStatus.published)
        run = request_analysis(consultation)
        db.session.commit()
        job = enqueue("analysis.run", run.id)
        job_id, run_id = job.id, run.id
    deadline = time.time() + 30
    while time.time() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.state in (JobState.done, JobState.failed):
                break
        time.sleep(0.1)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.state is JobState.done and job.percent == 100, job.error
        assert job.heartbeat_at is not None
        assert db.session.get(AnalysisRun, run_id).state is RunState.done
        db.engine.dispose()


def test_an_attachment_without_readable_text_is_listed_not_lost(app, make_consultation, make_submission, tmp_path):
    slug = make_consultation()
    seed(make_submission, slug)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a scanned letter: images only, no text layer\n%%EOF\n")
    with app.app_context():
        with open(scan, "rb") as fh:
            stored = store_upload(fh, "scan.pdf", app.config["UPLOAD_DIR"], 10**6)
    made = make_submission(slug, "", attachment=stored)
    run_id = analyse_now(app, slug)
    with app.app_context():
        view = run_view(db.session.get(AnalysisRun, run_id))
        general = view.sections[-1]
        assert general.unreadable_refs == [made.reference]
        assert general.submission_count == 9 == view.submission_count


def test_only_one_analysis_runs_at_a_time(app, make_consultation, make_submission):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from consult.analysis.services import AnalysisRunning
    from consult.jobs import Job, JobState

    slug = make_consultation()
    seed(make_submission, slug)
    with app.app_context():
        consultation = get_by_slug(slug)
        first = request_analysis(consultation)
        job = Job(name="analysis.run", args=[first.id], state=JobState.running)
        db.session.add(job)
        db.session.flush()
        first.job_id = job.id
        db.session.commit()
        with pytest.raises(AnalysisRunning):
            request_analysis(consultation)
        db.session.rollback()
        # two racing requests: the database refuses the second active run
        db.session.add(AnalysisRun(consultation_id=consultation.id, state=RunState.queued))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        # a worker that died: its run is marked failed and a new one may start
        db.session.get(Job, job.id).state = JobState.failed
        db.session.commit()
        second = request_analysis(consultation)
        db.session.commit()
        assert db.session.get(AnalysisRun, first.id).state is RunState.failed
        assert second.state is RunState.queued
