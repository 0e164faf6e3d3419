"""Theme summary exports: JSON shape, CSV rows, the CLI and the drafter downloads."""
from __future__ import annotations

import csv
import io
import json

from consult.analysis.services import request_analysis, run_analysis
from consult.consultations.queries import get_by_slug
from consult.exports.writers import write_csv
from consult.extensions import db

TEXTS = ["Mutasi harus transparan dengan kriteria yang diumumkan.",
         "Kriteria mutasi harus terbuka, jangan ada titipan.",
         "=HYPERLINK(\"http://evil\") kriteria mutasi terbuka diumumkan",
         "Pelatihan dan diklat harus merata untuk semua pegawai.",
         "Anggaran pelatihan dan diklat harus merata di kecamatan.",
         "E-learning pelatihan harus jalan di sinyal lemah dan merata."]


def setup(app, make_consultation, make_submission, analyse=True):
    slug = make_consultation()
    made = [make_submission(slug, t, stakeholder=["citizen", "academic"][i % 2]) for i, t in enumerate(TEXTS)]
    if analyse:
        with app.app_context():
            run_analysis(request_analysis(get_by_slug(slug), n_themes=2))
            db.session.commit()
    return slug, made


def test_cli_export_json_and_csv(app, runner, make_consultation, make_submission, tmp_path):
    slug, made = setup(app, make_consultation, make_submission)
    out = tmp_path / "themes.json"
    result = runner.invoke(args=["consult", "export", slug, "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["consultation"] == slug and data["submission_count"] == len(TEXTS)
    general = data["questions"][-1]
    assert general["submission_count"] == len(TEXTS)
    texts = {m.reference: t for m, t in zip(made, TEXTS)}
    for theme in general["themes"]:
        assert {"label", "key_phrases", "submission_count", "by_stakeholder_type", "quotes"} <= set(theme)
        assert sum(theme["by_stakeholder_type"].values()) == theme["submission_count"]
        for quote in theme["quotes"]:
            assert quote["source"] == "text"
            assert texts[quote["submission_ref"]][quote["start"]:quote["end"]] == quote["text"]

    assert general["question"] == "Tanggapan umum (teks bebas dan lampiran)"  # exports speak the site's language
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)

    csv_out = tmp_path / "themes.csv"
    result = runner.invoke(args=["consult", "export", slug, "--format", "csv", "--output", str(csv_out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == sum(len(q["themes"]) for q in data["questions"])
    assert {"label", "key_phrases", "submission_count", "stakeholder_citizen", "quote_1_ref"} <= set(rows[0])


def test_csv_cells_cannot_run_as_formulas():
    summary = {"consultation": "x", "questions": [{"key": None, "question": "Q", "themes": [
        {"id": "t1", "label": "=cmd()", "key_phrases": ["+a"], "submission_count": 1, "by_stakeholder_type": {},
         "quotes": [{"submission_ref": "KTB-1", "text": "@SUM(A1)", "source": "text", "start": 0, "end": 8}]}]}]}
    rows = list(csv.reader(io.StringIO(write_csv(summary).decode("utf-8-sig"))))
    assert rows[1][4] == "'=cmd()" and "'@SUM(A1)" in rows[1]


def test_cli_export_errors(app, runner, make_consultation, make_submission, tmp_path):
    slug, _ = setup(app, make_consultation, make_submission, analyse=False)
    out = tmp_path / "x.json"
    unknown = runner.invoke(args=["consult", "export", "tidak-ada", "--format", "json", "--output", str(out)])
    assert unknown.exit_code != 0 and "no consultation" in unknown.output
    none_yet = runner.invoke(args=["consult", "export", slug, "--format", "json", "--output", str(out)])
    assert none_yet.exit_code != 0 and "no finished analysis" in none_yet.output
    bad_format = runner.invoke(args=["consult", "export", slug, "--format", "doc", "--output", str(out)])
    assert bad_format.exit_code != 0
    no_folder = runner.invoke(args=["consult", "export", slug, "--format", "json",
                                    "--output", str(tmp_path / "nope" / "x.json")])
    assert no_folder.exit_code != 0
    assert not out.exists()


def test_drafter_downloads_match_the_cli(app, runner, make_consultation, make_submission, make_user, login,
                                         client, tmp_path):
    slug, _ = setup(app, make_consultation, make_submission)
    login(make_user(slug=slug))
    response = client.get(f"/staff/c/{slug}/export.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    web = json.loads(response.data)
    out = tmp_path / "cli.json"
    runner.invoke(args=["consult", "export", slug, "--format", "json", "--output", str(out)])
    cli = json.loads(out.read_text(encoding="utf-8"))
    web.pop("generated_at"), cli.pop("generated_at")
    assert web == cli
    csv_response = client.get(f"/staff/c/{slug}/export.csv")
    assert csv_response.status_code == 200 and csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get(f"/staff/c/{slug}/export.exe").status_code == 404


LETTER = ("Kami guru honorer memohon agar pelatihan dan diklat dibuka merata untuk guru honorer "
          "di semua kecamatan, dengan kuota yang adil dan anggaran yang jelas setiap tahun.")


def test_export_holds_distinct_texts_campaigns_emphasis_and_summary(app, runner, make_consultation,
                                                                   make_submission, tmp_path):
    slug = make_consultation()
    texts = [make_submission(slug, t) for t in TEXTS]
    letters = [make_submission(slug, LETTER + (" Salam hormat dari Abung Barat." if i == 2 else ""),
                               stakeholder="other", consent=i != 2) for i in range(4)]
    with app.app_context():
        run_analysis(request_analysis(get_by_slug(slug), n_themes=2))
        db.session.commit()
    out = tmp_path / "themes.json"
    assert runner.invoke(args=["consult", "export", slug, "--format", "json", "--output", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    general = data["questions"][-1]
    [campaign] = general["campaigns"]
    assert campaign["copies"] == 4 and set(campaign["submission_refs"]) == {m.reference for m in letters}
    assert campaign["text"] == LETTER and campaign["text_ref"] == letters[0].reference
    assert campaign["added_text"] == []  # the copy that added a sentence gave no consent to quote it
    holder = next(t for t in general["themes"] if t["campaigns"])
    assert holder["campaigns"] == [{"id": campaign["id"], "copies": 4}]
    assert holder["distinct_texts"] == holder["submission_count"] - 3
    assert holder["stakeholder_emphasis"] == {}  # the campaign's copies are one text for emphasis
    other = next(t for t in general["themes"] if t is not holder)
    assert other["stakeholder_emphasis"] == {"citizen": None}  # only citizens raise it
    by_ref = {m.reference: m for m in texts + letters}
    sentences = [q for t in general["themes"] for q in t["summary"]]
    assert sentences and all(q["submission_ref"] in by_ref and q["source"] == "text" for q in sentences)
    assert letters[2].reference not in {q["submission_ref"] for q in sentences}

    csv_out = tmp_path / "themes.csv"
    assert runner.invoke(args=["consult", "export", slug, "--format", "csv", "--output", str(csv_out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["theme_id"] == holder["id"])
    assert (row["submission_count"], row["distinct_texts"], row["campaigns"], row["campaign_copies"]) == (
        str(holder["submission_count"]), str(holder["distinct_texts"]), "1", "4")
    assert row["stakeholder_emphasis"] == ""
    assert next(r for r in rows if r["theme_id"] == other["id"])["stakeholder_emphasis"] == "citizen ∞"
    assert row["summary"] == " ".join(q["text"] for q in holder["summary"])
    assert row["summary_sources"].split("; ")[0].startswith(holder["summary"][0]["submission_ref"] + " text [")

    subs_out = tmp_path / "submissions.csv"
    assert runner.invoke(args=["consult", "export-submissions", slug, "--format", "csv",
                               "--output", str(subs_out)]).exit_code == 0
    by_campaign = {r["reference"]: r["campaign"] for r in csv.DictReader(io.StringIO(subs_out.read_text(encoding="utf-8-sig")))}
    assert {ref for ref, c in by_campaign.items() if c} == {m.reference for m in letters}
    assert {by_campaign[m.reference] for m in letters} == {campaign["id"]}


def test_every_submission_export_streams_what_counts_and_quotes_only_what_may_be_quoted(
        app, client, runner, make_consultation, make_submission, make_user, login, tmp_path):
    import csv as _csv
    import io as _io

    slug = make_consultation()
    shown = make_submission(slug, "=HYPERLINK(\"http://x\") teks publik.", organisation="PGRI")
    private = make_submission(slug, "Teks tanpa izin terbit.", consent=False)
    make_submission(slug, "RAHASIA tersembunyi.", status="hidden")
    waiting = make_submission(slug, "Menunggu moderasi.", status="pending")
    login(make_user(slug=slug))
    response = client.get(f"/staff/c/{slug}/submissions.csv")
    assert response.status_code == 200 and response.is_streamed
    body = response.get_data(as_text=True)
    rows = {r["reference"]: r for r in _csv.DictReader(_io.StringIO(body.lstrip("\ufeff")))}
    assert set(rows) == {shown.reference, private.reference, waiting.reference}  # hidden never
    assert rows[shown.reference]["text"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    assert rows[shown.reference]["organisation"] == "PGRI"
    assert rows[private.reference]["text"] == "" and rows[private.reference]["quotable"] == "False"
    assert rows[waiting.reference]["text"] == ""  # pending: counted, not quoted
    assert "RAHASIA" not in body and "Warga" not in body  # no hidden text, no names
    data = json.loads(client.get(f"/staff/c/{slug}/submissions.json").get_data(as_text=True))
    assert data["consultation"] == slug and len(data["submissions"]) == 3
    assert data["submissions"][0]["text"].startswith("=HYPERLINK")  # JSON keeps the text verbatim
    out = tmp_path / "semua.csv"
    result = runner.invoke(args=["consult", "export-submissions", slug, "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8-sig").count("\n") == 4
    import openpyxl

    book = openpyxl.load_workbook(_io.BytesIO(client.get(f"/staff/c/{slug}/submissions.xlsx").data), read_only=True)
    sheet = [[c.value for c in row] for row in book["submissions"].iter_rows()]
    by_ref = {r[0]: dict(zip(sheet[0], r)) for r in sheet[1:]}
    assert set(by_ref) == set(rows) and by_ref[shown.reference]["text"].startswith("=HYPERLINK")
    book = openpyxl.load_workbook(_io.BytesIO(client.get(f"/staff/c/{slug}/submissions.xlsx").data))
    assert all(c.data_type == "s" for row in book["submissions"].iter_rows() for c in row if isinstance(c.value, str))
    assert by_ref[shown.reference]["channel"] == "web" and "RAHASIA" not in str(sheet)
