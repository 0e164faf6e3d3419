"""Automatic holds: personal data, abusive language, link spam, floods, redaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from consult.moderation.rules import (
    check,
    find_abuse,
    find_link_spam,
    find_personal_data,
    is_flood,
    redact,
    valid_nik,
    valid_nip,
)

# made-up numbers with a valid structure: Lampung Utara (18 03), Kotabumi (01)
NIK_MAN = "1803011203850002"       # born 12-03-1985
NIK_WOMAN = "1803015203850001"     # day 52 = 12 + 40
NIP = "198503122010011002"         # born 12-03-1985, appointed 01-2010, male, serial 002


def rules_of(text):
    return [(h.rule, text[h.start:h.end]) for h in find_personal_data(text)]


def test_nik_structure():
    assert valid_nik(NIK_MAN) and valid_nik(NIK_WOMAN)
    assert not valid_nik("1803013203850002")   # day 32
    assert not valid_nik("9903011203850002")   # no province 99
    assert not valid_nik("1803011213850002")   # month 13
    assert not valid_nik("1803011203850000")   # serial 0000
    assert not valid_nik("180301120385000")    # 15 digits


def test_nip_structure():
    assert valid_nip(NIP)
    assert not valid_nip("198503122010013002")  # sex digit 3
    assert not valid_nip("198513122010011002")  # month 13
    assert not valid_nip("198503121990011002")  # appointed at 5


def test_personal_data_is_found_as_written():
    text = (f"Saya Budi, NIK {NIK_MAN}, istri {NIK_WOMAN[:4]} {NIK_WOMAN[4:8]} {NIK_WOMAN[8:12]} {NIK_WOMAN[12:]}. "
            f"NIP saya {NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}. No. KK: 1803012005100003. "
            "NPWP 09.254.294.3-407.000. Hubungi 0812-3456-7890 atau +62 813 1234 5678, "
            "e-mail budi.s@kotabumi.go.id.")
    found = rules_of(text)
    assert ("nik", NIK_MAN) in found
    assert ("nik", f"{NIK_WOMAN[:4]} {NIK_WOMAN[4:8]} {NIK_WOMAN[8:12]} {NIK_WOMAN[12:]}") in found
    assert ("nip", f"{NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}") in found
    assert ("kk", "1803012005100003") in found
    assert ("npwp", "09.254.294.3-407.000") in found
    assert ("phone", "0812-3456-7890") in found
    assert ("phone", "+62 813 1234 5678") in found
    assert ("email", "budi.s@kotabumi.go.id") in found
    assert len(found) == 8


def test_numbers_of_policy_text_are_not_personal_data():
    text = ("Pasal 12 ayat (3) Peraturan Bupati Nomor 18 Tahun 2026: target 20 JP per tahun, tunjangan "
            "Rp 1.500.000 per bulan untuk 1.234 ASN di 23 kecamatan sejak 2019-2024; telepon kantor (0724) 21234; "
            "nomor surat 800/123/III.07/2026; kode pos 34511.")
    assert find_personal_data(text) == []
    assert find_abuse(text) == []
    assert find_link_spam(text) == []


def test_abusive_words_with_obfuscations_and_suffixes():
    for text in ["Dasar anjing kalian semua", "pejabatnya bangsat", "ANJ1NG", "anjiiiing lah", "a.n.j.i.n.g",
                 "kebijakan goblok-goblok", "what the f*ck", "this is sh!t", "you fucking idiot", "piss off"]:
        assert find_abuse(text), text
    hit = find_abuse("Pegawai itu memang bangsat sekali.")[0]
    assert "Pegawai itu memang bangsat sekali."[hit.start:hit.end] == "bangsat"


def test_ordinary_words_that_contain_abusive_ones_are_not_hits():
    text = ("Asumsi anggaran tahun ini: Babinsa membantu pendataan, pukul 08.00 di kantor; laptop Asus; "
            "tahun depan dievaluasi; assessment kinerja; Scunthorpe; bahasa daerah dipakai; skill set.")
    assert find_abuse(text) == []


def test_link_spam():
    assert find_link_spam("Lihat rancangan di https://lampungutarakab.go.id/asn untuk detailnya, terima kasih.") == []
    assert find_link_spam("promo http://a.xyz http://b.xyz http://c.xyz murah")
    assert find_link_spam("https://bit.ly/abc123 cek ini")
    assert find_link_spam("www.judi-online.top")


def test_floods():
    now = datetime(2026, 11, 29, 10, 0)
    assert not is_flood([now - timedelta(minutes=m) for m in (1, 2, 3, 30)], now)
    assert is_flood([now - timedelta(minutes=m) for m in (1, 2, 3, 4, 5)], now)


def test_redact_replaces_personal_data_only():
    text = f"NIK saya {NIK_MAN}, hp 081234567890, dasar bangsat."
    hits = check(text)
    assert {h.rule for h in hits} == {"nik", "phone", "abuse"}
    assert redact(text, hits) == "NIK saya [NIK], hp [telepon], dasar bangsat."
    assert redact(text, hits, rules=("abuse",)) == f"NIK saya {NIK_MAN}, hp 081234567890, dasar […]."


def test_rules_are_linear_on_long_input():
    import time

    started = time.perf_counter()
    check("1" * 200_000 + " " + "a" * 200_000 + " " + "x@" * 50_000)
    assert time.perf_counter() - started < 10


def test_dodged_formats_are_found():
    from consult.moderation.rules import check

    cases = {
        "Telp (0812) 3456-7890": "phone", "+62 (812) 3456 7890": "phone", "+62 0812 3456 7890": "phone",
        "NPWP saya 092542943407000": "npwp", "NIK 1803/1245/0190/0003": "nik",
        "budi.santoso [at] gmail [dot] com": "email", "budi.santoso @ gmail.com": "email",
        "dasar an\u200bjing": "abuse", "dasar \u0430njing": "abuse",
    }
    for text, rule in cases.items():
        hits = check(text)
        assert rule in {h.rule for h in hits}, text
        assert all(0 <= h.start <= h.end <= len(text) for h in hits)
    for text in ("anggaran 150.000.000.000.000 rupiah", "pada 12/05/2024 pukul 10.00", "Pasal 12 ayat (3)",
                 "kami bertemu at the school", "tahun 2019 2020 2021 2022"):
        assert not [h for h in check(text) if h.rule != "link_spam"], text


def test_nik_after_its_name_and_full_width_digits():
    from consult.moderation.rules import find_personal_data

    for text in ("NIK saya 3201234567890123 mohon diperhatikan.", "No. KTP: 3201234567890123.",
                 "NIK sy 3201234567890123", "NIK-nya 3201234567890123", "NIK (saya) 3201234567890123",
                 "NIK gue 3201234567890123", "N.I.K saya 3201234567890123"):
        assert [(h.rule, text[h.start:h.end]) for h in find_personal_data(text)] == [("nik", "3201234567890123")]
    assert find_personal_data("Nomor arsip 3201234567890123.") == []  # no valid structure, no "NIK" before it
    for phone in ("０８１２３４５６７８９０", "081234567890", "0812 - 3456 - 7890", "0812–3456–7890"):
        hits = find_personal_data(f"Hubungi {phone} ya.")
        assert [h.rule for h in hits] == ["phone"], phone
        assert f"Hubungi {phone} ya."[hits[0].start:hits[0].end] == phone
    # numbers of policy text stay out
    for text in ("Pasal 7 ayat (2) tahun 2023", "anggaran Rp 150.000.000", "PP Nomor 11 Tahun 2017"):
        assert find_personal_data(text) == [], text


def test_identity_numbers_with_wide_separators():
    from consult.moderation.rules import find_personal_data

    for text in ("NIK 1803 - 0145 - 0890 - 0001", "1803–0145–0890–0001 nik", "1803_0145_0890_0001"):
        assert [h.rule for h in find_personal_data(text)] == ["nik"], text
