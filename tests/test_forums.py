"""Offline forum input: a moderator records an in-person forum and its contributions, which are
analysed, counted and answered with the online submissions, marked as offline."""
from __future__ import annotations

import io

from sqlalchemy import select

from consult.analysis.queries import latest_run
from consult.analysis.services import request_analysis, run_analysis
from consult.consultations.queries import get_by_slug
from consult.extensions import db
from consult.submissions.models import Submission, SubmissionSource

CSV = ("text,speaker,organisation,stakeholder_type,question\n"
       "Pelatihan dan diklat harus merata sampai kecamatan jauh.,Pak Hasan,,warga,\n"
       "\"Kriteria mutasi harus diumumkan, jangan ada titipan.\",Bu Rina,PGRI Lampung Utara,asosiasi,\n"
       "NIK saya 1803121205900001 tolong dicatat pelatihan merata,Pak Budi,,ASN,\n")


def test_a_moderator_records_a_forum_and_its_contributions_join_the_analysis(
        app, client, login, make_consultation, make_submission, make_user):
    slug = make_consultation(questions=False)
    for text in ["Pelatihan dan diklat harus merata untuk semua pegawai.", "Diklat pegawai harus merata.",
                 "Kriteria mutasi pegawai harus terbuka.", "Mutasi harus memakai kriteria yang diumumkan."]:
        make_submission(slug, text)
    login(make_user("moderator@example.org", role="moderator", slug=slug))
    response = client.post(f"/staff/c/{slug}/forums", data={
        "held_on": "2026-11-20", "place": "Aula Kecamatan Abung Selatan", "participants_citizen": "23",
        "participants_civil_servant": "7", "notes": "Dipimpin camat.", "consent_publish": "y"})
    assert response.status_code == 302
    forum_url = response.headers["Location"]
    page = client.get(forum_url).get_data(as_text=True)
    assert "30 peserta" in page
    assert client.post(forum_url, data={"text": "Pelatihan daring perlu modul yang bisa diunduh.",
                                        "stakeholder_type": "academic", "speaker": "Dr. Sari"}).status_code == 302
    bad = client.post(forum_url, data={"text": "", "speaker": "Pak Anton"})
    assert bad.status_code == 400 and "Pak Anton" in bad.get_data(as_text=True)  # what was typed stays
    imported = client.post(forum_url + "/import", data={"file": (io.BytesIO(CSV.encode()), "notulen.csv")},
                           content_type="multipart/form-data")
    assert imported.status_code == 302
    again = client.post(forum_url + "/import", data={"file": (io.BytesIO(CSV.encode()), "notulen.csv")},
                        content_type="multipart/form-data", follow_redirects=True)
    assert "3 masukan sudah tercatat" in again.get_data(as_text=True)  # the same minutes twice: recorded once
    semicolons = "text;speaker\nE-learning harus bisa dibuka di HP murah;Bu Ani\n"
    assert client.post(forum_url + "/import", data={"file": (io.BytesIO(semicolons.encode()), "excel.csv")},
                       content_type="multipart/form-data").status_code == 302  # Excel's Indonesian CSV
    with app.app_context():
        rows = db.session.scalars(select(Submission).where(Submission.source == SubmissionSource.forum)).all()
        assert len(rows) == 5 and all(r.forum_id for r in rows) and all(r.consent_publish for r in rows)
        assert {r.stakeholder_type.value for r in rows if r.stakeholder_type} == {
            "academic", "citizen", "professional_body", "civil_servant"}
        assert {r.submitted_at.date().isoformat() for r in rows} == {"2026-11-20"}  # dated on the forum's day
        held = [r for r in rows if "1803121205900001" in r.body]
        assert held and held[0].moderation_status.value == "pending"  # the personal-data rule applies offline too
        run = run_analysis(request_analysis(get_by_slug(slug), n_themes=2))
        db.session.commit()
        themed = {a.submission_id for s in run.sections for t in s.themes for a in t.assignments}
        offline = {r.id for r in rows if r.moderation_status.value == "published"}
        assert offline <= themed | {i for s in run.sections for i in s.unassigned_ids}
        theme = next(t for s in latest_run(get_by_slug(slug)).sections for t in s.themes
                     if offline & {a.submission_id for a in t.assignments})
        theme_url = f"/staff/c/{slug}/theme/{theme.section.key}/{theme.engine_id}"
    client.get("/auth/logout")
    login(make_user("drafter@example.org", slug=slug))
    assert "luring: Aula Kecamatan Abung Selatan" in client.get(theme_url).get_data(as_text=True)
    import docx

    report = docx.Document(io.BytesIO(client.get(f"/staff/c/{slug}/report.docx").data))
    cells = "\n".join(c.text for t in report.tables for row in t.rows for c in row.cells)
    assert "Forum tatap muka" in cells and "Aula Kecamatan Abung Selatan" in cells


def test_only_moderators_record_forums(app, client, login, make_consultation, make_user):
    slug = make_consultation()
    login(make_user("drafter@example.org", slug=slug))
    assert client.get(f"/staff/c/{slug}/forums").status_code == 403
    bad_csv = client.post(f"/staff/c/{slug}/forums/1/import", data={}, content_type="multipart/form-data")
    assert bad_csv.status_code in (403, 404)
