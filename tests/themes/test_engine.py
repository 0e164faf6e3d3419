"""The pure theme engine, used with no app: coverage, verbatim quotes, quotability, stability."""
from __future__ import annotations

import pytest

from consult.text.normalise import sentence_spans
from consult.themes import Document, analyse, label_from_phrases
from consult.themes.preprocess import preprocess, stem

PLACEMENT = [
    "Mutasi pegawai harus transparan dan kriterianya diumumkan kepada semua pegawai.",
    "Kriteria mutasi dan rotasi harus terbuka, jangan ada titipan pejabat.",
    "Hasil seleksi jabatan dan mutasi wajib diumumkan agar tidak ada nepotisme.",
    "Rotasi pegawai sering tanpa alasan jelas; kriteria mutasi perlu ditulis dalam SK.",
    "Saya minta mutasi dilakukan secara transparan dengan kriteria yang jelas.",
    "Tolong mutasi jangan berdasarkan kedekatan, umumkan kriteria mutasi secara terbuka.",
]
TRAINING = [
    "Pelatihan ASN hanya diikuti orang yang sama, anggaran pelatihan harus merata.",
    "E-learning harus bisa dipakai dengan sinyal lemah agar pelatihan sampai ke desa.",
    "Anggaran diklat dan pelatihan perlu dibagi adil ke semua kecamatan.",
    "Target 20 JP pelatihan per tahun sulit dicapai tanpa e-learning yang baik.",
    "Pelatihan daring sering putus karena internet, sediakan modul pelatihan offline.",
    "Kesempatan pelatihan dan diklat harus terbuka untuk guru di desa terpencil.",
]
REMOTE = [
    "Guru dan bidan di daerah terpencil butuh tunjangan dan rumah dinas yang layak.",
    "Tunjangan daerah terpencil harus jelas besarnya untuk tenaga kesehatan di desa.",
    "Penempatan di kecamatan terpencil perlu insentif transportasi dan perumahan.",
    "Tenaga kesehatan di desa terpencil kurang, tambah tunjangan agar mau bertugas.",
    "Berikan rumah dinas dan tunjangan transport bagi guru di daerah terpencil.",
    "Insentif bertugas di desa terpencil harus diatur dalam peraturan ini.",
]


def corpus(quotable=lambda i: True):
    docs = []
    for texts in (PLACEMENT, TRAINING, REMOTE):
        for j, text in enumerate(texts):
            i = len(docs)
            docs.append(Document(f"d{i}", text, stakeholder_type=["citizen", "academic"][j % 2],
                                 quotable=quotable(i)))
    return docs


def test_every_document_is_in_one_theme_or_unassigned():
    docs = corpus()
    result = analyse(docs)
    seen = [d for t in result.themes for d in t.document_ids] + result.unassigned
    assert sorted(seen) == sorted(d.id for d in docs)
    assert len(seen) == len(set(seen))
    assert result.n_documents == len(docs)


def test_finds_the_three_planted_themes():
    result = analyse(corpus(), n_themes=3)
    groups = [set(t.document_ids) for t in result.themes]
    truth = [{f"d{i}" for i in range(0, 6)}, {f"d{i}" for i in range(6, 12)}, {f"d{i}" for i in range(12, 18)}]
    # each planted group is mostly inside one theme
    for members in truth:
        assert max(len(members & g) for g in groups) >= 5


def test_quotes_are_verbatim_and_only_from_quotable_documents():
    docs = corpus(quotable=lambda i: i % 3 != 0)
    by_id = {d.id: d for d in docs}
    result = analyse(docs, n_themes=3)
    assert any(t.quotes for t in result.themes)
    for theme in result.themes:
        for quote in theme.quotes:
            doc = by_id[quote.document_id]
            assert doc.quotable
            assert doc.text[quote.start:quote.end] == quote.text
            assert quote.document_id in theme.document_ids


def test_key_phrases_have_a_quotable_source_in_the_theme():
    docs = corpus(quotable=lambda i: i % 2 == 0)
    by_id = {d.id: d for d in docs}
    result = analyse(docs, n_themes=3)
    for theme in result.themes:
        assert theme.key_phrases, theme
        for phrase in theme.key_phrases:
            sources = theme.key_phrase_sources[phrase]
            assert set(sources) <= set(theme.document_ids)
            assert any(by_id[s].quotable for s in sources)


def test_non_quotable_only_theme_has_no_phrases_and_no_quotes():
    docs = corpus(quotable=lambda i: False)
    result = analyse(docs, n_themes=3)
    for theme in result.themes:
        assert theme.quotes == [] and theme.key_phrases == [] and theme.label == "—"


def test_counts_per_stakeholder_type():
    result = analyse(corpus(), n_themes=3)
    for theme in result.themes:
        assert sum(theme.by_stakeholder_type.values()) == theme.size


def test_same_seed_same_result_and_previous_keeps_ids():
    docs = corpus()
    first = analyse(docs, seed=3)
    again = analyse(docs, seed=3)
    assert [(t.id, t.document_ids, t.label) for t in first.themes] == \
           [(t.id, t.document_ids, t.label) for t in again.themes]
    # with a reordered input and a previous result, the same groups keep their ids
    shuffled = analyse(list(reversed(docs)), seed=3, previous=first)
    old = {frozenset(t.document_ids): t.id for t in first.themes}
    for theme in shuffled.themes:
        if frozenset(theme.document_ids) in old:
            assert theme.id == old[frozenset(theme.document_ids)]


def test_asking_for_too_many_themes_still_gives_themes():
    result = analyse(corpus(), n_themes=40)
    assert 1 <= len(result.themes) <= 9
    assert sum(t.size for t in result.themes) + len(result.unassigned) == 18


def test_small_and_empty_inputs():
    assert analyse([]).themes == []
    one = analyse([Document("a", "Mutasi harus transparan.")])
    assert [t.document_ids for t in one.themes] == [["a"]]
    blank = analyse([Document("a", "..."), Document("b", "123 456")])
    assert blank.themes == [] and sorted(blank.unassigned) == ["a", "b"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="unique"):
        analyse([Document("a", "x y z"), Document("a", "p q r")])
    with pytest.raises(ValueError, match="n_themes"):
        analyse(corpus(), n_themes=0)


def test_progress_is_reported_in_order():
    seen = []
    analyse(corpus(), progress=lambda stage, fraction: seen.append((stage, fraction)))
    stages = [s for s, _ in seen]
    assert stages[0] == "preprocess" and stages[-1] == "describe"
    assert all(0.0 <= f <= 1.0 for _, f in seen)


def test_bilingual_preprocessing():
    assert stem("penempatan", "id") == "tempat"
    assert stem("pelatihan", "id") == "latih"
    assert stem("placements", "en") == "placement"
    proc = preprocess("Pelatihan ASN yg merata sangat penting. Training must reach villages!")
    content = proc.content_stems()
    assert "latih" in content and "yg" not in content and "must" not in content
    assert len(proc.sentences) == 2


def test_sentence_spans_follow_blank_lines_and_punctuation():
    text = "Satu kalimat. Dua kalimat!\n\nParagraf baru tanpa titik\nbaris lain"
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["Satu kalimat.", "Dua kalimat!", "Paragraf baru tanpa titik", "baris lain"]


def test_acronyms_keep_their_case_in_phrases():
    docs = [Document(f"a{i}", f"Penempatan ASN di desa harus adil nomor {i}.") for i in range(4)] + \
           [Document(f"b{i}", f"Pelatihan guru honorer di sekolah perlu anggaran {i}.") for i in range(4)]
    phrases = [p for t in analyse(docs, n_themes=2).themes for p in t.key_phrases]
    assert any("ASN" in p for p in phrases) and not any("asn" in p for p in phrases)


def test_label_from_phrases():
    assert label_from_phrases(["mutasi", "kriteria terbuka", "titipan", "lain"]) == "Mutasi · kriteria terbuka · titipan"
    assert label_from_phrases([]) == "—"
