"""The platform's main job on real data: import a Polis conversation → analyse → export.

Uses ../shared/data/polis_opendata (CC BY 4.0, The Computational Democracy Project); skipped with
a reason when absent (a failure under CI=true).
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from consult.extensions import db
from consult.submissions.models import Submission
from tests.conftest import SHARED_DATA, need

POLIS = SHARED_DATA / "polis_opendata"


@pytest.mark.slow
@pytest.mark.parametrize("conversation", ["15-per-hour-seattle", "american-assembly.bowling-green", "vtaiwan.uberx"])
def test_import_analyse_export(app, runner, tmp_path, conversation):
    folder = POLIS / conversation
    need(folder.is_dir(), f"Polis open data not found at {folder} (see ../shared/data/README.md)")
    with open(folder / "comments.csv", newline="", encoding="utf-8") as fh:
        flags = {row["comment-id"]: row["moderated"] for row in csv.DictReader(fh)}

    imported = runner.invoke(args=["consult", "import-polis", str(folder), "--slug", "polis"])
    assert imported.exit_code == 0, imported.output
    analysed = runner.invoke(args=["consult", "analyse", "polis"])
    assert analysed.exit_code == 0, analysed.output
    out_json, out_csv = tmp_path / "polis.json", tmp_path / "polis.csv"
    for fmt, out in (("json", out_json), ("csv", out_csv)):
        result = runner.invoke(args=["consult", "export", "polis", "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
    data = json.loads(out_json.read_text(encoding="utf-8"))

    with app.app_context():
        subs = db.session.scalars(db.select(Submission)).all()
        text_of = {s.reference: s.answers[0].text for s in subs}
        flag_of = {s.reference: flags[s.external_id] for s in subs}
    analysed_refs = {ref for ref, flag in flag_of.items() if flag in ("0", "1")}

    assert data["consultation"] == "polis"
    assert len(data["questions"]) == 1  # a Polis conversation is one open question
    question = data["questions"][0]
    assert question["themes"], "no themes found"
    assert data["submission_count"] == question["submission_count"] == len(analysed_refs)
    covered = [r for t in question["themes"] for r in t["submission_refs"]] + question["unassigned_refs"] \
        + question["unreadable_refs"]
    assert sorted(covered) == sorted(analysed_refs)  # every analysed submission exactly once
    quotes = [q for t in question["themes"] for q in t["quotes"]]
    assert quotes
    for quote in quotes:
        source = text_of[quote["submission_ref"]]
        assert quote["text"] in source and source[quote["start"]:quote["end"]] == quote["text"]
        assert flag_of[quote["submission_ref"]] == "1", "quoted a comment the moderators did not accept"
    for theme in question["themes"]:
        assert sum(theme["by_stakeholder_type"].values()) == theme["submission_count"] == len(theme["submission_refs"])
        rejected = [r for r in theme["submission_refs"] if flag_of[r] == "-1"]
        assert not rejected

    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert [r["label"] for r in rows] == [t["label"] for t in question["themes"]]
