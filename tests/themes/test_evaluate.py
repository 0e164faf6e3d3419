"""The evaluation harness, small: loaders' filters, scoring rules, and our engine on a few real tasks.

The full harness with baselines (``python -m consult.themes.evaluate``) is too slow for the suite;
this runs our engine only on 2 ArgKP tasks and SIB-200 Indonesian + English cut to 300 sentences.
"""
from __future__ import annotations

import csv

import pytest

from consult.themes import datasets
from consult.themes.baselines import kmeans_tfidf
from consult.themes.evaluate import (
    Report,
    build_report,
    environment,
    evaluate_tasks,
    render_markdown,
    render_text,
    score,
    summarise,
)
from tests.conftest import SHARED_DATA, need


def _write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _have(name: str) -> bool:
    return (SHARED_DATA / name).is_dir()


# --------------------------------------------------------------------------- filters

def test_single_key_point_keeps_only_arguments_with_exactly_one_match():
    matches = [("a1", "k1", "1"), ("a1", "k2", "0"),          # one match → kept
               ("a2", "k1", "1"), ("a2", "k2", "1"),          # two matches → dropped
               ("a3", "k1", "0"), ("a3", "k2", "0"),          # none → dropped
               ("a4", "k2", "1"), ("a4", "k2", "1")]          # same pair twice is still one key point
    assert datasets.single_key_point(matches) == {"a1": "k1", "a4": "k2"}


def test_single_aspect_needs_exactly_one_non_neutral_aspect():
    neutral = {a: "neut" for a in datasets.HOASA_ASPECTS}
    assert datasets.single_aspect({**neutral, "review": "x", "wifi": "neg"}) == "wifi"
    assert datasets.single_aspect({**neutral, "review": "x", "tv": "neg_pos"}) == "tv"
    assert datasets.single_aspect({**neutral, "review": "x", "ac": "pos", "bau": "neg"}) is None
    assert datasets.single_aspect({**neutral, "review": "x"}) is None


def test_loaders_apply_the_filters_to_the_files(tmp_path):
    kp = tmp_path / "ibm_argkp"
    for split, topic in (("train", "T1"), ("dev", "T2")):
        _write_csv(kp / f"arguments_{split}.csv", ["arg_id", "argument", "topic", "stance"],
                   [(f"{split}1", "one", topic, "1"), (f"{split}2", "two", topic, "1"),
                    (f"{split}3", "both", topic, "1"), (f"{split}4", "con", topic, "-1")])
        _write_csv(kp / f"key_points_{split}.csv", ["key_point_id", "key_point", "topic", "stance"], [])
        _write_csv(kp / f"labels_{split}.csv", ["arg_id", "key_point_id", "label"],
                   [(f"{split}1", f"{split}k1", 1), (f"{split}2", f"{split}k2", 1),
                    (f"{split}3", f"{split}k1", 1), (f"{split}3", f"{split}k2", 1),
                    (f"{split}4", f"{split}k3", 1)])
    tasks = datasets.load_ibm_argkp(tmp_path)
    # the "con" tasks keep a single key point and are dropped; "both" matches two key points
    assert [(t.name, [i.doc_id for i in t.items]) for t in tasks] == \
        [("T1 | pro", ["train1", "train2"]), ("T2 | pro", ["dev1", "dev2"])]
    assert len(datasets.load_ibm_argkp(tmp_path, min_labels=1)) == 4

    aspects = list(datasets.HOASA_ASPECTS)
    for split in ("train", "valid", "test"):
        rows = [["bersih", *["neg" if a == "kebersihan" else "neut" for a in aspects]],
                ["dua", *["pos" if a in ("ac", "tv") else "neut" for a in aspects]],
                ["netral", *["neut" for _ in aspects]]]
        _write_csv(tmp_path / "indonlu_hoasa" / f"{split}.csv", ["review", *aspects], rows)
    (task,) = datasets.load_indonlu_hoasa(tmp_path)
    assert [(i.doc_id, i.text, i.label) for i in task.items] == \
        [(f"{s}-0", "bersih", "kebersihan") for s in ("train", "valid", "test")]


@pytest.mark.slow
def test_loaders_on_the_shared_data():
    need(all(_have(n) for n in datasets.LOADERS), f"labelled datasets not found under {SHARED_DATA}")
    argkp = datasets.load_ibm_argkp(SHARED_DATA)
    positive: dict[str, set[str]] = {}
    for split in ("train", "dev"):
        with open(SHARED_DATA / "ibm_argkp" / f"labels_{split}.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["label"] == "1":
                    positive.setdefault(row["arg_id"], set()).add(row["key_point_id"])
    items = [item for task in argkp for item in task.items]
    assert all(positive[i.doc_id] == {i.label} for i in items)
    assert all(t.n_labels >= 2 for t in argkp)
    assert sum(len(t.items) for t in datasets.load_ibm_argkp(SHARED_DATA, min_labels=1)) == 4382

    sib = datasets.load_sib200_topic(SHARED_DATA)
    assert [t.name for t in sib][:2] == ["ind_Latn", "eng_Latn"] and len(sib) == 8
    assert all(len(t.items) == 1004 and t.n_labels == 7 for t in sib)
    nusa = datasets.load_nusaparagraph_topic(SHARED_DATA)
    assert [(t.name, len(t.items), t.n_labels) for t in nusa] == [("jav", 1248, 8), ("sun", 1368, 8)]
    (hoasa,) = datasets.load_indonlu_hoasa(SHARED_DATA)
    assert len(hoasa.items) == 1152 and "general" not in {i.label for i in hoasa.items}
    for task in [*argkp, *sib, *nusa, hoasa]:
        assert len({i.doc_id for i in task.items}) == len(task.items)


# --------------------------------------------------------------------------- scoring and sampling

def test_every_document_is_scored_and_unassigned_form_one_cluster():
    gold = ["a", "a", "b", "b", "c", "c"]
    perfect = score(gold, ["t1", "t1", "t2", "t2", None, None])
    assert perfect["ari"] == pytest.approx(1.0) and perfect["ami"] == pytest.approx(1.0)
    assert perfect["coverage"] == pytest.approx(4 / 6) and perfect["n_themes"] == 2
    lumped = score(gold, [None, -1, None, -1, None, -1])  # None and -1 are the same outlier cluster
    assert lumped["coverage"] == 0 and lumped["n_themes"] == 0 and lumped["ari"] == pytest.approx(0.0)
    with pytest.raises(ValueError):
        score(gold, ["t1"])


def test_sample_texts_draws_without_replacement_while_they_last():
    pool = [("s", t) for t in ("alpha", "beta", "gamma", "delta")]
    small = datasets.sample_texts(3, seed=1, pool=pool)
    assert len(set(small.texts)) == 3 and small.duplicate_share == 0
    assert small == datasets.sample_texts(3, seed=1, pool=pool)
    big = datasets.sample_texts(10, seed=1, pool=pool)
    assert len(big.texts) == 10 and set(big.texts) == {t for _s, t in pool}
    assert big.duplicate_share == pytest.approx(0.6) and big.pool_size == 4
    assert max(big.texts.count(t) for t in set(big.texts)) == 3


def test_kmeans_reference_baseline_returns_a_label_per_text():
    texts = ["tax rise", "tax cut", "tax office", "bus route", "bus fare", "bus stop"]
    labels = kmeans_tfidf(texts, 2, seed=0)
    assert len(labels) == 6 and set(labels) <= {0, 1}


def test_missing_data_is_skipped_with_a_message(monkeypatch, tmp_path):
    monkeypatch.setenv("CONSULT_SHARED_DATA", str(tmp_path))
    report = build_report(["ibm_argkp"], baselines_on=False, log=None)
    assert report.rows == [] and "ibm_argkp" in report.skipped[0]
    assert "skipped: ibm_argkp" in render_text(report)


# --------------------------------------------------------------------------- small harness run

@pytest.mark.slow
def test_small_harness_run_with_our_engine():
    need(_have("ibm_argkp") and _have("sib200_topic"), f"ibm_argkp / sib200_topic not found under {SHARED_DATA}")
    tasks = datasets.load_ibm_argkp(SHARED_DATA)[:2] + [
        datasets.subsample(t, 300, seed=0) for t in datasets.load_sib200_topic(SHARED_DATA, ["ind_Latn", "eng_Latn"])]
    rows = evaluate_tasks(tasks, ("ours",), seed=0)

    assert [(r.dataset, r.task, r.n_docs) for r in rows] == [(t.dataset, t.name, len(t.items)) for t in tasks]
    for row in rows:
        assert row.status == "ok" and row.method == "ours"
        assert row.missing == 0  # every document came back, in a theme or unassigned
        assert -1 <= row.ami <= 1 and -1 <= row.ari <= 1 and 0 <= row.nmi <= 1
        assert 0 <= row.coverage <= 1 and row.n_themes >= 1 and row.seconds > 0
    summary = summarise(rows)
    assert [(s["dataset"], s["tasks"]) for s in summary] == [("ibm_argkp", 2), ("sib200_topic", 2)]
    assert summary[1]["n_docs"] == 600
    for s in summary:
        assert min(r.ami for r in rows if r.dataset == s["dataset"]) <= s["ami_macro"] \
            <= max(r.ami for r in rows if r.dataset == s["dataset"])

    report = Report(environment(), rows, summary, notes=["a note"])
    text, markdown = render_text(report), render_markdown(report)
    for fragment in ("ibm_argkp", "sib200_topic", "ind_Latn", "eng_Latn", "a note"):
        assert fragment in text and fragment in markdown
    assert "From one run on" in markdown and "CPUs" in markdown and "| --- |" in markdown
    assert report.to_json()["rows"][0]["n_docs"] == rows[0].n_docs
