"""Drafter exports read back: the response table (CSV, XLSX, JSON), the report (PDF, DOCX), the
closed-question tallies with suppression, and the open data."""
from __future__ import annotations

import csv
import io
import json

import docx
import openpyxl
from pypdf import PdfReader
from sqlalchemy import select

from consult.accounts.models import User
from consult.analysis import responses
from consult.analysis.queries import latest_run
from consult.analysis.services import request_analysis, run_analysis
from consult.consultations.queries import get_by_slug
from consult.extensions import db

TEXTS = ["Mutasi pegawai harus transparan dengan kriteria mutasi yang diumumkan.",
         "Kriteria mutasi dan rotasi harus terbuka tanpa titipan.",
         "Umumkan hasil mutasi dan kriteria mutasi secara terbuka.",
         "Pelatihan dan diklat harus merata untuk semua pegawai.",
         "Anggaran pelatihan jangan hanya untuk orang yang sama, diklat harus merata.",
         "Diklat dan pelatihan pegawai di kecamatan harus merata."]
FORMULA = "=HYPERLINK(\"http://x\") mutasi pegawai kriteria mutasi harus transparan"
HIDDEN = "Teks tersembunyi mutasi kriteria pegawai transparan"
NO_CONSENT = "Tanpa izin terbit mutasi kriteria pegawai"


def _setup(app, make_consultation, make_submission, make_user, client, login):
    slug = make_consultation()
    made = [make_submission(slug, t, answers={"support": "Setuju"}) for t in TEXTS]
    formula = make_submission(slug, FORMULA, answers={"support": "Setuju"})
    hidden = make_submission(slug, HIDDEN)
    make_submission(slug, NO_CONSENT, consent=False, answers={"support": "Tidak setuju"})
    make_user("drafter@example.org", slug=slug)
    make_user("moderator@example.org", role="moderator", slug=slug)
    with app.app_context():
        from consult.moderation.services import moderate
        from consult.submissions.models import Submission

        moderator = db.session.scalar(select(User).where(User.email == "moderator@example.org"))
        moderate(db.session.get(Submission, hidden.id), moderator, "hide", reason="spam")
        consultation = get_by_slug(slug)
        run_analysis(request_analysis(consultation, n_themes=2))
        actor = db.session.scalar(select(User).where(User.email == "drafter@example.org"))
        section = next(s for s in latest_run(consultation).sections if s.question_id is None)
        theme = section.themes[0]
        response = responses.save_response(consultation, actor, theme_key=theme.engine_id, decision="accepted",
                                           reason="Diterima: kriteria akan diumumkan.", draft_reference="Pasal 7",
                                           revised_wording="-Kriteria mutasi diumumkan.")
        responses.publish_response(response, actor)
        db.session.commit()
    login("drafter@example.org")
    return slug, made, formula


def test_response_table_in_csv_xlsx_and_json_reads_back(app, client, login, make_consultation, make_submission,
                                                        make_user):
    slug, made, formula = _setup(app, make_consultation, make_submission, make_user, client, login)
    raw = client.get(f"/staff/c/{slug}/tables/responses.csv")
    assert raw.status_code == 200 and raw.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.data.decode("utf-8-sig"))))
    answered = [r for r in rows if r["decision"]]
    assert len(answered) == 1 and answered[0]["draft_reference"] == "Pasal 7"
    assert answered[0]["revised_wording"] == "'-Kriteria mutasi diumumkan."  # neutralised in CSV
    assert all(HIDDEN not in v and NO_CONSENT not in v for r in rows for v in r.values())

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/staff/c/{slug}/tables/all.xlsx").data))
    assert book.sheetnames == ["themes", "responses", "choices"]
    sheet = book["responses"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[header.index("Keputusan")] and "Rumusan baru" in header  # headings for people
    wording = next(row for row in sheet.iter_rows(min_row=2) if row[header.index("Rumusan baru")].value)
    cell = wording[header.index("Rumusan baru")]
    assert cell.value == "-Kriteria mutasi diumumkan." and cell.data_type == "s" and cell.quotePrefix
    cells = [c for row in book["themes"].iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells)  # no formula cell, even for "=HYPERLINK(…)" text
    assert all(HIDDEN not in c.value and NO_CONSENT not in c.value for c in cells)

    data = json.loads(client.get(f"/staff/c/{slug}/tables/responses.json").data)
    assert any(r["revised_wording"] == "-Kriteria mutasi diumumkan." for r in data["responses"])  # verbatim


def test_report_pdf_and_docx_hold_participation_themes_responses_and_moderation(
        app, client, login, make_consultation, make_submission, make_user):
    slug, made, _formula = _setup(app, make_consultation, make_submission, make_user, client, login)
    pdf = client.get(f"/staff/c/{slug}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Laporan" in text and "Diterima: kriteria akan diumumkan." in text and "Pasal 7" in text
    assert HIDDEN not in text and NO_CONSENT not in text
    document = docx.Document(io.BytesIO(client.get(f"/staff/c/{slug}/report.docx").data))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Diterima: kriteria akan diumumkan." in body and "Pasal 7" in body
    assert "Warga" in cells  # counts by stakeholder type
    assert HIDDEN not in body + cells and NO_CONSENT not in body + cells
    assert "Disembunyikan" in cells and "Spam" in cells  # the moderation summary


def test_tallies_suppress_cells_under_five(app, client, login, make_consultation, make_submission, make_user):
    slug, _made, _formula = _setup(app, make_consultation, make_submission, make_user, client, login)
    data = json.loads(client.get(f"/staff/c/{slug}/tables/choices.json").data)["choices"]
    overall = {r["option"]: r["respondents"] for r in data if r["by"] == "all"}
    assert overall["Setuju"] == 7 and overall["Tidak setuju"] == "<5"
    # citizens are the only stakeholder type: eight respondents, and no cell of 1 to 4 shows a number
    assert all(not isinstance(r["respondents"], int) or r["respondents"] == 0 or r["respondents"] >= 5 for r in data)


def test_open_data_holds_published_text_with_consent_only(app, client, make_consultation, make_submission, make_user,
                                                          login):
    slug, made, _formula = _setup(app, make_consultation, make_submission, make_user, client, login)
    client.get("/auth/logout")
    anonymous = app.test_client()
    rows = list(csv.DictReader(io.StringIO(anonymous.get(f"/c/{slug}/open-data/submissions.csv").data.decode("utf-8-sig"))))
    texts = {r["reference"]: r["text"] for r in rows}
    assert texts[made[0].reference] == TEXTS[0]
    assert HIDDEN not in str(rows) and NO_CONSENT not in str(rows)
    assert len(rows) == len(made) + 2  # the one without consent counts, without its text
    assert anonymous.get(f"/c/{slug}/open-data/responses.json").status_code == 404  # not before the results page
    with app.app_context():
        get_by_slug(slug).answered = True
        db.session.commit()
    answers = json.loads(anonymous.get(f"/c/{slug}/open-data/responses.json").data)["responses"]
    assert [r["decision"] for r in answers if r["decision"]] == ["accepted"]
