"""The engine on awkward input: tiny, identical, empty-ish, huge, mixed scripts; campaigns,
position papers and placeholders. Property tests (hypothesis) check the coverage invariant."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.text.normalise import is_placeholder
from consult.themes import Document, analyse
from tests.themes.test_engine import PLACEMENT, REMOTE, TRAINING, corpus


def check_invariant(docs, result):
    """Every id is in at least one theme or in unassigned, never both, and nothing else appears."""
    ids = {d.id for d in docs}
    in_themes = {d for t in result.themes for d in t.document_ids}
    assert in_themes | set(result.unassigned) == ids
    assert not in_themes & set(result.unassigned)
    assert len(result.unassigned) == len(set(result.unassigned))
    for theme in result.themes:
        assert len(theme.document_ids) == len(set(theme.document_ids))
        texts = {d.id: d.text for d in docs}
        for quote in theme.quotes + theme.summary:
            assert texts[quote.document_id][quote.start:quote.end] == quote.text
            assert quote.document_id in theme.document_ids
    json.dumps(result.model)
    assert result.n_documents == len(docs)


WORDS = ["mutasi", "pegawai", "transparan", "pelatihan", "guru", "desa", "terpencil", "tunjangan", "the",
         "training", "and", "yang", "di", "🙂", "https://contoh.go.id/a?b=1", "12345", "3201234567890001",
         "\u200b", "ASN", "ꦄꦱ꧀ꦤ", "公务员", "-", "tidak ada", "n/a", "\n\n", "e-learning", "masing-masing"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join), max_size=30),
       st.integers(min_value=0, max_value=3))
def test_any_input_keeps_the_invariant(texts, seed):
    docs = [Document(f"x{i}", text) for i, text in enumerate(texts)]
    check_invariant(docs, analyse(docs, seed=seed))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=12))
def test_arbitrary_unicode_never_crashes(texts):
    docs = [Document(str(i), text) for i, text in enumerate(texts)]
    check_invariant(docs, analyse(docs))


def test_zero_one_two_and_five_documents():
    texts = PLACEMENT + TRAINING
    for n in (0, 1, 2, 5):
        docs = [Document(str(i), texts[i]) for i in range(n)]
        result = analyse(docs)
        check_invariant(docs, result)
        if n:
            assert result.themes, n


def test_all_identical():
    docs = [Document(str(i), "Kriteria mutasi pegawai harus diumumkan secara terbuka kepada semua ASN.")
            for i in range(30)]
    result = analyse(docs)
    check_invariant(docs, result)
    assert len(result.themes) == 1 and result.themes[0].size == 30
    assert result.themes[0].distinct_texts == 1  # one campaign of 30 copies
    assert len(result.themes[0].quotes) == 1


def test_no_words_at_all_is_unassigned():
    docs = [Document(str(i), text) for i, text in enumerate(
        ["yang dan di", "🙂🙂", "https://example.org/x", "12345 678", "-", "tidak ada", "N/A", "", "   ", "...",
         "the and of", "\u200b\u200b"])]
    result = analyse(docs)
    check_invariant(docs, result)
    assert result.themes == [] and len(result.unassigned) == len(docs)


def test_placeholders_are_never_counted_or_quoted():
    docs = corpus() + [Document(f"p{i}", text) for i, text in enumerate(["-", "Tidak ada.", "n/a", "No comment", "TIDAK ADA"])]
    result = analyse(docs, n_themes=3)
    check_invariant(docs, result)
    assert {f"p{i}" for i in range(5)} <= set(result.unassigned)
    assert all(is_placeholder(t) for t in ["-", "tidak ada", "N/A", "  --  ", "Tidak ada komentar."])
    assert not is_placeholder("Tidak setuju")


def test_a_200_kb_submission():
    long_text = "\n\n".join((PLACEMENT + TRAINING + REMOTE)[i % 18] for i in range(2600))
    assert len(long_text) > 200_000
    docs = corpus() + [Document("big", long_text)]
    result = analyse(docs)
    check_invariant(docs, result)
    assert result.assignments()["big"] is not None


def test_zero_width_and_mixed_scripts():
    docs = [Document(f"z{i}", text.replace("a", "a\u200b", 1)) for i, text in enumerate(PLACEMENT + TRAINING)]
    docs.append(Document("cn", "公务员的培训应该公开透明。"))
    result = analyse(docs)
    check_invariant(docs, result)


def test_position_paper_contributes_to_each_theme_it_raises():
    paper = "\n\n".join([
        "Kami dari Asosiasi Guru menyampaikan beberapa masukan atas rancangan peraturan ini.",
        " ".join(PLACEMENT),
        " ".join(TRAINING),
        " ".join(REMOTE),
    ])
    docs = corpus() + [Document("paper", paper, stakeholder_type="professional_body")]
    result = analyse(docs, n_themes=3)
    check_invariant(docs, result)
    holding = [t for t in result.themes if "paper" in t.document_ids]
    assert len(holding) >= 2
    assert result.assignments()["paper"] in {t.id for t in holding}
    for theme in holding:
        for quote in theme.quotes:
            if quote.document_id == "paper":
                assert paper[quote.start:quote.end] == quote.text


def test_campaign_copies_follow_their_representative_and_are_counted_as_voices():
    letter = ("Kami guru honorer Kecamatan Abung Selatan meminta agar rancangan peraturan ini menjamin "
              "tunjangan daerah terpencil dibayar tepat waktu dan rumah dinas disediakan bagi guru baru. "
              "Kami juga meminta agar masa kerja sebagai honorer dihitung ketika seleksi PPPK dan agar "
              "penempatan guru baru diumumkan secara terbuka sebelum tahun ajaran dimulai.")
    copies = [Document(f"c{i}", (f"Saya Ibu Guru nomor {i} menambahkan: sekolah kami rusak berat. " if i == 3 else "") + letter,
                       stakeholder_type="citizen") for i in range(8)]
    docs = corpus() + copies
    result = analyse(docs, n_themes=3)
    check_invariant(docs, result)
    assert len(result.campaigns) == 1
    campaign = result.campaigns[0]
    assert campaign.size == 8
    themes = {result.assignments()[c.id] for c in copies}
    assert len(themes) == 1 and None not in themes
    theme = next(t for t in result.themes if t.id in themes)
    assert theme.size - theme.distinct_texts == 7
    assert theme.campaign_ids == [campaign.id]
    quoted = [q.document_id for q in theme.quotes if q.document_id.startswith("c")]
    assert len(quoted) <= 1
    added = campaign.added_text["c3"]
    assert any("sekolah kami rusak berat" in copies[3].text[a:b] for a, b in added)


def test_stakeholder_emphasis_flags_a_group_that_raises_a_theme_far_more():
    docs = []
    for i, text in enumerate(PLACEMENT + TRAINING + REMOTE):
        group = "civil_servant" if text in TRAINING else ["citizen", "academic"][i % 2]
        docs.append(Document(f"d{i}", text, stakeholder_type=group))
    result = analyse(docs, n_themes=3)
    training = result.themes[[t.document_ids for t in result.themes].index(
        next(t.document_ids for t in result.themes if "d6" in t.document_ids))]
    assert "civil_servant" in training.stakeholder_emphasis


def test_summary_cites_submissions_verbatim():
    result = analyse(corpus(), n_themes=3)
    texts = {d.id: d.text for d in corpus()}
    assert any(t.summary for t in result.themes)
    for theme in result.themes:
        assert 3 <= len(theme.key_phrases) <= 5 or len(theme.key_phrases) < 3
        for sentence in theme.summary:
            assert texts[sentence.document_id][sentence.start:sentence.end] == sentence.text


JAVANESE = [
    "Aku njaluk supaya guru ing desa ora dipindhah menyang kutha, amarga murid-murid butuh guru.",
    "Guru ing desa kudu oleh tunjangan sing luwih gedhe, yen ora guru-guru bakal pindhah menyang kutha.",
    "Kula nyuwun pamarentah nambahi guru ing desa, amargi sekolah kula namung gadhah guru kalih.",
    "Murid-murid ing desa kula kekurangan guru, mula guru anyar kudu ditempatake ing desa.",
    "Tunjangan guru ing desa kudu cetha, supaya guru gelem manggon ing desa sing adoh.",
    "Aku guru ing desa, aku wis limang taun ngenteni tunjangan sing dijanjekake pamarentah.",
]


def test_regional_language_submissions_are_detected_and_grouped():
    docs = corpus() + [Document(f"jv{i}", text) for i, text in enumerate(JAVANESE)]
    result = analyse(docs)
    check_invariant(docs, result)
    assert all(result.languages[f"jv{i}"] == "jv" for i in range(len(JAVANESE)))
    assert result.languages["d0"] == "id"
    themes = [result.assignments()[f"jv{i}"] for i in range(len(JAVANESE))]
    assert sum(t is not None for t in themes) >= 5
    # the Javanese submissions mostly share a theme of their own topic (teachers in villages)
    top = max(set(themes), key=themes.count)
    assert top is not None and themes.count(top) >= 4


def test_one_short_answer_given_by_most_respondents_is_a_theme_not_a_crash():
    docs = [Document(f"s{i}", "Setuju.") for i in range(120)] + corpus()
    result = analyse(docs)
    check_invariant(docs, result)
    setuju = {result.assignments()[f"s{i}"] for i in range(120)}
    assert len(setuju) == 1 and None not in setuju
    only = [Document(f"b{i}", "Banjir.") for i in range(50)]
    result = analyse(only)
    check_invariant(only, result)
    assert len(result.themes) == 1
    from consult.themes import assign

    out = assign(only, analyse(corpus(), n_themes=3).model)
    check_invariant(only, out)


def test_a_long_run_of_letters_costs_linear_time():
    import time

    docs = corpus() + [Document("blob", "a" * 400_000), Document("cjk", "公务员" * 50_000)]
    started = time.perf_counter()
    result = analyse(docs)
    check_invariant(docs, result)
    assert time.perf_counter() - started < 30  # quadratic backtracking took minutes


def test_malformed_previous_models_are_refused_clearly():
    import pytest

    for bad in ("x", [1, 2], {"version": 1, "themes": [{"label": "no id"}]},
                {"version": 1, "themes": [{"id": "t1"}, {"id": "t1"}]}, {"version": 1, "themes": [{"id": "t1", "fixed": 3}]}):
        with pytest.raises(ValueError):
            analyse(corpus(), previous=bad)
    # a pinned theme whose members have all gone is simply dropped
    model = {"version": 1, "themes": [{"id": "t9", "pinned": True, "document_ids": ["GONE"]}]}
    result = analyse(corpus(), previous=model)
    check_invariant(corpus(), result)
    assert "t9" not in {t.id for t in result.themes}
    # "false" as a string does not pin
    model = {"version": 1, "themes": [{"id": "t9", "pinned": "false", "document_ids": ["d0", "d1"]}]}
    assert analyse(corpus(), n_themes=3, previous=model).themes


def test_key_phrases_keep_the_curly_apostrophe_of_the_text():
    texts = ["The downtown’s parking structure is always full on weekends.",
             "Build a second downtown’s parking structure near the river.",
             "Fix the downtown’s parking structure lighting please.",
             "Plant more trees along the river trail and the parks.",
             "More trees in the parks and along the river trail.",
             "The river trail needs trees and benches in the parks."]
    docs = [Document(f"e{i}", t, language="en") for i, t in enumerate(texts)]
    result = analyse(docs, n_themes=2)
    for theme in result.themes:
        for phrase, sources in theme.key_phrase_sources.items():
            assert sources, phrase
            for doc_id in sources:
                assert phrase.lower() in next(d.text for d in docs if d.id == doc_id).lower()
