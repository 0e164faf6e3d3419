"""The saved theme set: JSON model, assign(), and the drafter's edit markers driven by hand-edited models."""
from __future__ import annotations

import json

from consult.themes import Document, analyse, assign
from tests.themes.test_engine import TRAINING, corpus


def _theme_of(result, doc_id):
    return result.assignments()[doc_id]


def test_model_is_plain_json_and_round_trips():
    result = analyse(corpus(), n_themes=3)
    text = json.dumps(result.model)
    model = json.loads(text)
    assert model["version"] == 1
    assert [t["id"] for t in model["themes"]] == [t.id for t in result.themes]
    assert all(t["centroid"] for t in model["themes"])
    # the same input and seed give the same model
    assert json.dumps(analyse(corpus(), n_themes=3).model, sort_keys=True) == json.dumps(model, sort_keys=True)


def test_assign_puts_new_submissions_in_existing_themes_without_reclustering():
    result = analyse(corpus(), n_themes=3)
    model = json.loads(json.dumps(result.model))
    placement = _theme_of(result, "d0")
    remote = _theme_of(result, "d12")
    new = [
        Document("n1", "Kriteria mutasi pegawai harus diumumkan secara transparan."),
        Document("n2", "Tunjangan guru di desa terpencil perlu dinaikkan dan rumah dinas disediakan."),
        Document("n3", "-"),
    ]
    out = assign(new, model)
    assert out.assignments()["n1"] == placement
    assert out.assignments()["n2"] == remote
    assert "n3" in out.unassigned
    theme = next(t for t in out.themes if t.id == placement)
    assert theme.label == next(t.label for t in result.themes if t.id == placement)
    for t in out.themes:
        for q in t.quotes:
            assert q.text == {d.id: d.text for d in new}[q.document_id][q.start:q.end]
    # the returned model lists the new members
    assert "n1" in next(t for t in out.model["themes"] if t["id"] == placement)["document_ids"]


def test_assign_flags_candidates_for_new_themes():
    model = analyse(corpus(), n_themes=3).model
    parking = [Document(f"p{i}", text) for i, text in enumerate([
        "Parkir liar di depan kantor bupati mengganggu lalu lintas kendaraan.",
        "Lahan parkir kantor bupati penuh kendaraan pribadi, lalu lintas macet.",
        "Parkir kendaraan di bahu jalan depan kantor bikin lalu lintas macet.",
        "Tolong tertibkan parkir liar kendaraan dekat kantor bupati.",
        "Lalu lintas macet karena parkir kendaraan sembarangan di depan kantor.",
        "Kendaraan parkir sembarangan di kantor bupati, lalu lintas terganggu.",
    ])]
    out = assign(parking, model)
    assert set(out.unassigned) == {d.id for d in parking}
    assert out.candidates and set(out.candidates[0]) <= {d.id for d in parking}


def test_ids_are_stable_across_reruns_when_themes_are_unchanged():
    first = analyse(corpus(), n_themes=3, seed=1)
    again = analyse(corpus(), n_themes=3, seed=1, previous=first.model)
    assert [(t.id, t.document_ids) for t in again.themes] == [(t.id, t.document_ids) for t in first.themes]
    # another seed may move a submission or two: each theme keeps the id of the one it mostly is
    other = analyse(corpus(), n_themes=3, seed=5, previous=first.model)
    for theme in other.themes:
        best = max(first.themes, key=lambda old: len(set(old.document_ids) & set(theme.document_ids)))
        assert theme.id == best.id


def _edited(model, theme_id, **changes):
    model = json.loads(json.dumps(model))
    for t in model["themes"]:
        if t["id"] == theme_id:
            t.update(changes)
    return model


def test_pinned_theme_keeps_its_members_and_label():
    first = analyse(corpus(), n_themes=3)
    target = first.themes[0]
    members = target.document_ids[:3]  # a drafter trimmed the theme to three submissions and pinned it
    model = _edited(first.model, target.id, pinned=True, document_ids=members, label="Mutasi (disunting)",
                    label_locked=True)
    again = analyse(corpus(), n_themes=3, previous=model)
    pinned = next(t for t in again.themes if t.id == target.id)
    assert set(pinned.document_ids) == set(members)
    assert pinned.label == "Mutasi (disunting)"
    assert next(t for t in again.model["themes"] if t["id"] == target.id)["pinned"] is True
    for other in again.themes:
        if other.id != target.id:
            assert not set(other.document_ids) & set(members)


def test_locked_label_survives_a_rerun():
    first = analyse(corpus(), n_themes=3)
    target = first.themes[1]
    model = _edited(first.model, target.id, label="Pelatihan ASN", label_locked=True)
    again = analyse(corpus(), n_themes=3, seed=2, previous=model)
    assert next(t for t in again.themes if t.id == target.id).label == "Pelatihan ASN"


def test_fixed_and_excluded_documents():
    first = analyse(corpus(), n_themes=3)
    training = _theme_of(first, "d6")
    remote = _theme_of(first, "d12")
    assert training != remote
    model = _edited(first.model, training, fixed=["d12"], excluded=["d7"])
    again = analyse(corpus(), n_themes=3, previous=model)
    theme = next(t for t in again.themes if t.id == training)
    assert "d12" in theme.document_ids
    assert "d7" not in theme.document_ids
    assert not any("d12" in t.document_ids for t in again.themes if t.id != training)
    placed = {d for t in again.themes for d in t.document_ids} | set(again.unassigned)
    assert placed == {d.id for d in corpus()}
    # the markers are carried into the new model
    saved = next(t for t in again.model["themes"] if t["id"] == training)
    assert saved["fixed"] == ["d12"] and saved["excluded"] == ["d7"]
    # and assign() respects them too
    out = assign([Document("d7", TRAINING[1])], again.model)
    assert out.assignments()["d7"] != training


def test_theme_with_fixed_documents_is_kept_when_the_clustering_loses_it():
    first = analyse(corpus(), n_themes=3)
    model = json.loads(json.dumps(first.model))
    model["themes"].append({"id": "t99", "label": "Buatan drafter", "document_ids": [], "fixed": ["d0", "d1"],
                            "centroid": {}, "pinned": False, "label_locked": True, "excluded": []})
    again = analyse(corpus(), n_themes=3, previous=model)
    kept = next(t for t in again.themes if t.id == "t99")
    assert set(kept.document_ids) == {"d0", "d1"}
    assert kept.label == "Buatan drafter"


def test_unknown_model_version_is_refused():
    import pytest

    with pytest.raises(ValueError):
        assign([Document("a", "teks")], {"version": 99})
    with pytest.raises(ValueError):
        analyse(corpus(), previous={"version": 99, "themes": []})



def test_a_rerun_after_one_submission_is_hidden_keeps_every_theme_id():
    import json as json_

    from tests.themes.test_robustness import JAVANESE

    docs = corpus() + [Document(f"jv{i}", text) for i, text in enumerate(JAVANESE)]
    first = analyse(docs)
    model = json_.loads(json_.dumps(first.model))
    fewer = [d for d in docs if d.id != "d3"]
    again = analyse(fewer, previous=model)
    assert "previous run" in again.diagnostics["method"]
    before = {t.id: set(t.document_ids) - {"d3"} for t in first.themes}
    after = {t.id: set(t.document_ids) for t in again.themes}
    assert set(after) == set(before)
    for theme_id, members in after.items():
        assert len(members & before[theme_id]) >= 0.8 * len(before[theme_id])
