"""`flask consult import-csv` and `import-polis` through the CLI runner."""
from __future__ import annotations

import csv

import pytest

from consult.common.mixins import ModerationStatus
from consult.extensions import db
from consult.submissions.models import Submission


def write_csv(path, rows, header=None):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header or ["teks", "jenis", "nama", "tanggal"])
        writer.writerows(rows)
    return path


def count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Submission))


def test_import_csv(app, runner, make_consultation, tmp_path):
    slug = make_consultation()
    path = write_csv(tmp_path / "in.csv", [
        ["Mutasi harus transparan.", "warga", "Ani", "2026-11-20"],
        ["Pelatihan merata.", "akademisi", "", "2026-11-21T10:00+07:00"],
        ["   ", "warga", "Kosong", ""],
    ])
    result = runner.invoke(args=["consult", "import-csv", str(path), "--slug", slug, "--text-column", "teks",
                                 "--stakeholder-column", "jenis", "--name-column", "nama",
                                 "--date-column", "tanggal"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 submissions" in result.output and "1 blank row skipped" in result.output
    with app.app_context():
        rows = db.session.scalars(db.select(Submission).order_by(Submission.id)).all()
        assert [r.stakeholder_type.value for r in rows] == ["citizen", "academic"]
        assert rows[0].name == "Ani" and rows[1].name is None
        assert rows[0].submitted_at.isoformat() == "2026-11-19T17:00:00+00:00"  # midnight WIB
        assert rows[0].consent_publish is False  # counted, never quoted, unless --consent


def test_import_csv_into_a_question(app, runner, make_consultation, tmp_path):
    slug = make_consultation()
    path = write_csv(tmp_path / "in.csv", [["Jawaban.", "", "", ""]])
    result = runner.invoke(args=["consult", "import-csv", str(path), "--slug", slug, "--text-column", "teks",
                                 "--question", "q2", "--consent"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        submission = db.session.scalar(db.select(Submission))
        assert submission.body == "" and submission.answers[0].text == "Jawaban."
        assert submission.consent_publish is True


@pytest.mark.parametrize("case,expected", [
    ("missing", "file not found"),
    ("wrong-column", "'isi' is not a column"),
    ("unknown-slug", "no consultation with slug 'tidak-ada'"),
    ("empty", "is empty"),
    ("header-only", "no rows"),
    ("bad-date", "line 3: unreadable date"),
    ("bad-question", "no open question with key 'support'"),
    ("broken-quote", "not a readable CSV file"),
    ("unknown-stakeholder", "line 2: unknown stakeholder type 'alien'"),
    ("extra-fields", "line 2: more fields than the header"),
    ("repeated-column", "used twice in the header: teks"),
])
def test_import_csv_bad_input_writes_nothing(app, runner, make_consultation, tmp_path, case, expected):
    slug = make_consultation()
    path = write_csv(tmp_path / "ok.csv", [["Satu.", "", "", "2026-11-01"], ["Dua.", "", "", "kemarin"]])
    args = ["consult", "import-csv", str(path), "--slug", slug, "--text-column", "teks"]
    if case == "missing":
        args[2] = str(tmp_path / "nope.csv")
    elif case == "wrong-column":
        args[-1] = "isi"
    elif case == "unknown-slug":
        args[4] = "tidak-ada"
    elif case == "empty":
        (tmp_path / "empty.csv").write_text("")
        args[2] = str(tmp_path / "empty.csv")
    elif case == "header-only":
        args[2] = str(write_csv(tmp_path / "h.csv", []))
    elif case == "bad-date":
        args += ["--date-column", "tanggal"]
    elif case == "bad-question":
        args += ["--question", "support"]
    elif case == "broken-quote":
        (tmp_path / "q.csv").write_text('teks,jenis\n"Satu.,warga\nDua.,warga\n', encoding="utf-8")
        args[2] = str(tmp_path / "q.csv")
    elif case == "extra-fields":
        (tmp_path / "x.csv").write_text("teks,jenis\nSatu.,warga,lebih\n", encoding="utf-8")
        args[2] = str(tmp_path / "x.csv")
    elif case == "repeated-column":
        (tmp_path / "r.csv").write_text("teks,teks\nSatu.,Dua.\n", encoding="utf-8")
        args[2] = str(tmp_path / "r.csv")
    elif case == "unknown-stakeholder":
        args[2] = str(write_csv(tmp_path / "s.csv", [["Satu.", "alien", "", ""]]))
        args += ["--stakeholder-column", "jenis"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    lines = [line for line in result.output.strip().splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("Error:") and expected in lines[0], result.output
    assert count(app) == 0


def polis_folder(tmp_path, rows):
    folder = tmp_path / "conv"
    folder.mkdir()
    with open(folder / "comments.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
                         "comment-body"])
        writer.writerows(rows)
    (folder / "summary.csv").write_text('topic,Kota Kita\nconversation-description,"Apa yang harus berubah?"\n')
    return folder


def test_import_polis_maps_moderation(app, runner, tmp_path):
    folder = polis_folder(tmp_path, [
        [1518501496471, "", 1, 1, 3, 0, 1, "Perbaiki jalan."],
        [1518501496472, "", 2, 2, 0, 3, 0, "Belum dimoderasi."],
        [1518501496473, "", 3, 3, 0, 9, -1, "Spam spam."],
    ])
    result = runner.invoke(args=["consult", "import-polis", str(folder), "--slug", "kota-kita"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        subs = {s.external_id: s for s in db.session.scalars(db.select(Submission))}
        assert subs["1"].moderation_status is ModerationStatus.published and subs["1"].consent_publish
        assert subs["2"].moderation_status is ModerationStatus.pending
        assert subs["3"].moderation_status is ModerationStatus.hidden
        consultation = subs["1"].consultation
        assert consultation.title == "Kota Kita" and consultation.state.value == "closed"
        assert [q.text for q in consultation.questions] == ["Apa yang harus berubah?"]
        assert subs["1"].answers[0].text == "Perbaiki jalan." and subs["1"].reference.startswith("KTB-2018-")


@pytest.mark.parametrize("case,expected", [
    ("no-folder", "not a Polis conversation folder"),
    ("bad-flag", "moderated must be -1, 0 or 1"),
    ("taken-slug", "already exists"),
])
def test_import_polis_bad_input_writes_nothing(app, runner, tmp_path, make_consultation, case, expected):
    folder = polis_folder(tmp_path, [[1518501496471, "", 1, 1, 3, 0, 7 if case == "bad-flag" else 1, "Teks."]])
    slug = "baru"
    if case == "no-folder":
        folder = tmp_path / "nope"
    if case == "taken-slug":
        slug = make_consultation("dipakai")
    result = runner.invoke(args=["consult", "import-polis", str(folder), "--slug", slug])
    assert result.exit_code != 0
    assert expected in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert count(app) == 0
