"""Language detection: hand-written examples, the stemmer contract, and floors on real data.

The example sentences were written for these tests (not taken from any data set). The last test
checks accuracy floors on the shared data sets (see benchmarks/language.py for the full table).
"""
from __future__ import annotations

import pytest

from consult.text.language import (
    LANGUAGES,
    detect_language,
    guess_language,
    language_family,
    segment_languages,
)
from consult.text.stopwords import all_stopwords, stopwords
from tests.conftest import SHARED_DATA, need

EXAMPLES = {
    "id": [
        "Jalan menuju Pasar Kotabumi rusak parah dan sering banjir, mohon segera diperbaiki.",
        "Saya setuju dengan rencana ini, tapi anggarannya harus terbuka untuk warga.",
        "Pelayanan kesehatan di puskesmas sudah bagus.",
        "Gue setuju banget sih, tapi jangan sampai jalannya rusak lagi ya.",
        "Mantap, lanjutkan",
        # Words that are also Javanese or Sundanese function words, used as Indonesian or names.
        "Abdi negara harus melayani masyarakat dengan jujur.",
        "Pengurus NU di kecamatan ikut membantu warga.",
        "Terima kasih kepada Bu Dina dan Pak Wong atas penjelasannya.",
        # Malaysian Malay is reported as Indonesian, never as Malay.
        "Saya tidak dapat hadir kerana sibuk, tetapi saya menyokong cadangan ini sepenuhnya.",
    ],
    "en": [
        "The road to the market is badly damaged and needs to be repaired before the rainy season.",
        "I support this plan, but the budget should be published for everyone to read.",
    ],
    "mixed": [
        "Programnya bagus banget, tapi the implementation is too slow dan sosialisasinya kurang to the community.",
        "Menurut saya this is a good idea, tapi harus ada follow up dari pemerintah daerah.",
    ],
    "jv": [
        "Dalane rusak banget, kudu didandani sakdurunge musim udan teka.",
        "Aku ora setuju, amarga rega pupuk saiki isih larang.",
        "Kula nyuwun pangapunten, menawi wonten lepat anggenipun matur.",
        "Panjenengan sampun rawuh wonten ing kantor kecamatan?",
        "Matur nuwun.",
        "ꦩꦠꦸꦂ ꦤꦸꦮꦸꦤ꧀",  # matur nuwun in Aksara Jawa
    ],
    "su": [
        "Jalanna ruksak pisan, abdi hoyong enggal dibenerkeun ku pamarentah.",
        "Abdi teu satuju sabab harga pupuk ayeuna mahal kénéh.",
        "Urang kedah ngariksa lingkungan ieu sareng barudak urang.",
        "Hatur nuhun.",
        "ᮠᮒᮥᮁ ᮔᮥᮠᮥᮔ᮪",  # hatur nuhun in Aksara Sunda
    ],
    "other": [
        "道路需要尽快修理。",
        "شكرا جزيلا على المساعدة",
        "",
        "   \n ",
        "👍👍🙏",
        "12345 - 2024",
        "!!! ???",
        "asdfghjk 123123 ;;;; ok ok ok",
    ],
}


@pytest.mark.parametrize(("expected", "text"), [(code, text) for code, texts in EXAMPLES.items() for text in texts])
def test_detect_language_examples(expected, text):
    assert detect_language(text) == expected


def test_detect_language_never_answers_malay_or_und():
    texts = [text for group in EXAMPLES.values() for text in group]
    assert {detect_language(text) for text in texts} <= set(LANGUAGES)
    assert "ms" not in LANGUAGES and "und" not in LANGUAGES


def test_guess_language_keeps_its_contract():
    """id / en / mixed / None, as before: regional languages stem as Indonesian, other is None."""
    assert guess_language(EXAMPLES["id"][0]) == "id"
    assert guess_language(EXAMPLES["en"][0]) == "en"
    assert guess_language(EXAMPLES["mixed"][0]) == "mixed"
    assert guess_language(EXAMPLES["jv"][0]) == "id"
    assert guess_language(EXAMPLES["su"][0]) == "id"
    for text in EXAMPLES["other"]:
        assert guess_language(text) is None
    results = {guess_language(text) for group in EXAMPLES.values() for text in group}
    assert results <= {"id", "en", "mixed", None}


def test_language_family():
    assert language_family("en") == "en"
    for code in ("id", "mixed", "jv", "su", "other", None, "ms", "xx"):
        assert language_family(code) == "id"


def test_segment_languages_splits_a_trilingual_submission():
    text = ("Jalan di desa kami rusak parah sejak tahun lalu. The drainage is also blocked after every rain.\n"
            "Aku ora seneng yen kahanane kaya ngene terus. Hatur nuhun, abdi ngan hoyong jalanna dibenerkeun.")
    segments = segment_languages(text)
    assert [code for _, _, code in segments] == ["id", "en", "jv", "su"]
    assert [text[start:end] for start, end, _ in segments] == [
        "Jalan di desa kami rusak parah sejak tahun lalu.",
        "The drainage is also blocked after every rain.",
        "Aku ora seneng yen kahanane kaya ngene terus.",
        "Hatur nuhun, abdi ngan hoyong jalanna dibenerkeun.",
    ]


def test_segment_languages_merges_runs_and_fills_sentences_without_evidence():
    text = "2024!\nJalan rusak parah. Saya minta segera diperbaiki. OK 👍\nThe bridge is also broken."
    segments = segment_languages(text)
    assert [code for _, _, code in segments] == ["id", "en"]
    (start, end, _), (start2, end2, _) = segments
    assert text[start:end] == "2024!\nJalan rusak parah. Saya minta segera diperbaiki. OK 👍"
    assert text[start2:end2] == "The bridge is also broken."


def test_segment_languages_edge_cases():
    assert segment_languages("") == []
    assert segment_languages("  \n ") == []
    assert segment_languages("123") == [(0, 3, "other")]
    assert segment_languages("道路需要尽快修理。") == [(0, 9, "other")]


def test_regional_stopword_lists():
    jv, su, ace = stopwords("jv"), stopwords("su"), stopwords("ace")
    assert {"aku", "kowe", "ora", "iki", "kuwi", "sing", "karo", "wis", "arep", "lan", "menawi", "kula",
            "panjenengan", "mboten", "sampun"} - {"aku"} <= jv
    assert {"abdi", "anjeun", "teu", "ieu", "eta", "nu", "jeung", "ti", "geus", "oge", "lamun", "sabab",
            "pisan", "ngan", "keneh", "maneh"} <= su
    assert "ureueng" in ace
    # A regional list holds words that are evidence for that language: none is an Indonesian or
    # English stopword, except two colloquial Indonesian words borrowed from Javanese.
    assert (jv | su | ace) & all_stopwords() == {"napa", "wong"}
    with pytest.raises(ValueError):
        stopwords("ms")


@pytest.mark.slow
def test_accuracy_floors_on_shared_data():
    """Floors a little under the measured figures (benchmarks/language.py), to catch regressions."""
    need((SHARED_DATA / "sib200_topic").is_dir() and (SHARED_DATA / "nusaparagraph_topic").is_dir(),
         f"sib200_topic and nusaparagraph_topic not found under {SHARED_DATA} (see ../shared/data/README.md)")
    from benchmarks.language import distribution, load, share

    floors = [
        ("sib200", "ind_Latn", "id", 0.97),
        ("sib200", "eng_Latn", "en", 0.98),
        ("sib200", "jav_Latn", "jv", 0.95),
        ("sib200", "sun_Latn", "su", 0.93),
        ("nusaparagraph", "jav", "jv", 0.97),
        ("nusaparagraph", "sun", "su", 0.97),
    ]
    results = {}
    for dataset, folder, code, floor in floors:
        counts = distribution(load(dataset, folder))
        results[f"{dataset}/{folder}"] = (round(share(counts, code), 3), floor)
    assert all(value >= floor for value, floor in results.values()), results
