"""The main journeys in a real browser: a respondent sends a submission; a drafter reads themes."""
from __future__ import annotations

import re

import pytest

from consult.extensions import db

pytestmark = pytest.mark.slow


def setup_consultation(app):
    from datetime import timedelta

    from consult.accounts.models import Role
    from consult.accounts.services import create_user, grant_role
    from consult.common.mixins import ModerationStatus
    from consult.common.types import utcnow
    from consult.consultations.models import QuestionKind
    from consult.consultations.services import add_question, create_consultation
    from consult.submissions.services import SubmissionInput, record_submission

    texts = ["Kriteria mutasi harus diumumkan secara terbuka.", "Mutasi tanpa kriteria jelas merusak semangat.",
             "Hasil mutasi dan kriteria mutasi wajib diumumkan.", "Pelatihan dan diklat harus merata.",
             "Anggaran pelatihan harus merata ke kecamatan.", "Diklat dan pelatihan jangan orang yang sama."]
    with app.app_context():
        now = utcnow()
        c = create_consultation(slug="asn", title="Kebijakan ASN Kotabumi", summary="Ringkasan.",
                                body="## Latar belakang\n\nIsi.", opens_at=now - timedelta(days=1),
                                closes_at=now + timedelta(days=5))
        add_question(c, key="penempatan", text="Bagaimana penempatan ASN?", kind=QuestionKind.open)
        add_question(c, key="dukungan", text="Setujukah Anda?", kind=QuestionKind.likert)
        for text in texts:
            record_submission(c, SubmissionInput(stakeholder_type="citizen", body=text, consent_publish=True), {},
                              secret="s", reference_prefix="KTB", status=ModerationStatus.published)
        user = create_user("perancang@example.org", "correct-horse-1")
        grant_role(user, c, Role.drafter)
        db.session.commit()


def test_respondent_sends_a_submission_and_opens_the_receipt(live_app, page):
    app, base = live_app
    setup_consultation(app)
    page.goto(base + "/")
    page.get_by_role("link", name="Kebijakan ASN Kotabumi").click()
    page.get_by_role("link", name=re.compile("masukan", re.I)).first.click()
    page.get_by_label("Warga").check()
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_label("Bagaimana penempatan ASN?").fill("Mutasi harus terbuka dan adil.")
    page.get_by_label("Setuju", exact=True).check()
    # a first attempt with an error keeps the typed text
    page.get_by_label("Nama", exact=True).fill("")
    page.get_by_role("button", name="Kirim", exact=True).click()
    assert page.get_by_label("Bagaimana penempatan ASN?").input_value() == "Mutasi harus terbuka dan adil."
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_role("button", name="Kirim", exact=True).click()
    body = page.locator("main").inner_text()
    reference = re.search(r"KTB-\d{4}-\d{6}", body).group(0)
    page.locator("a[href*='/r/']").click()
    receipt = page.locator("main").inner_text()
    assert reference in receipt and "Mutasi harus terbuka dan adil." in receipt


def test_drafter_runs_the_analysis_and_downloads_the_summary(live_app, page):
    app, base = live_app
    setup_consultation(app)
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill("perancang@example.org")
    page.get_by_label(re.compile("Kata sandi|Password")).fill("correct-horse-1")
    page.locator("main button[type=submit]").first.click()
    page.get_by_role("link", name="Kebijakan ASN Kotabumi").click()
    page.locator("form.run-form button[type=submit]").click()
    page.wait_for_selector("article.theme")
    assert page.locator("article.theme").count() >= 1
    with page.expect_download() as info:
        page.get_by_role("link", name="JSON").first.click()
    assert info.value.suggested_filename == "asn-themes.json"


def test_drafter_edits_themes_signs_off_answers_and_downloads_the_report(live_app, page, browser):
    """From raw submissions to a signed-off theme set, a published response and the report."""
    app, base = live_app
    setup_consultation(app)
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill("perancang@example.org")
    page.get_by_label(re.compile("Kata sandi|Password")).fill("correct-horse-1")
    page.locator("main button[type=submit]").first.click()
    page.goto(base + "/staff/c/asn/themes")
    page.get_by_label(re.compile("Jumlah tema")).fill("2")
    page.locator("form.run-form button[type=submit]").click()
    page.wait_for_selector("article.theme")
    themes = page.locator("article.theme")
    for i in range(themes.count()):
        page.goto(base + "/staff/c/asn/themes")
        page.locator("article.theme").nth(i).get_by_role("link", name="Ubah dan tanggapi").click()
        if i == 0:
            page.get_by_label(re.compile("^Nama tema \\(")).fill("Transparansi mutasi")
            page.get_by_label(re.compile("^Deskripsi")).fill("Kriteria dan hasil mutasi diumumkan.")
            page.get_by_role("button", name="Simpan", exact=True).click()
            assert "Transparansi mutasi" in page.locator("h1").inner_text()
            page.get_by_label(re.compile("^Keputusan")).select_option("partly_accepted")
            page.get_by_label(re.compile("^Alasan")).fill("Kriteria mutasi akan diumumkan di laman BKPSDM.")
            page.get_by_label(re.compile("^Pasal atau ayat")).fill("Pasal 7 ayat (2)")
            page.get_by_role("button", name="Simpan tanggapan").click()
            assert "Tanggapan tersimpan" in page.locator("body").inner_text()
        page.get_by_role("button", name="Tandai sudah ditinjau").click()
        assert "Ditinjau" in page.locator("body").inner_text()
    page.goto(base + "/staff/c/asn/themes")
    page.get_by_role("button", name="Sahkan kumpulan tema ini").first.click()
    assert "Kumpulan tema telah disahkan" in page.locator("body").inner_text()
    page.get_by_role("link", name="Tanggapan", exact=True).click()
    page.get_by_role("button", name="Terbitkan", exact=True).click()
    assert "Diterbitkan." in page.locator("body").inner_text()
    page.get_by_role("button", name="Terbitkan halaman hasil").click()
    assert "Halaman hasil sudah terbit" in page.locator("body").inner_text()
    for name, filename in (("PDF", "asn-laporan.pdf"), ("DOCX", "asn-laporan.docx"), ("XLSX", "asn-responses.xlsx")):
        with page.expect_download() as info:
            page.get_by_role("link", name=name, exact=True).click()
        assert info.value.suggested_filename == filename
    visitor = browser.new_page(locale="id-ID")
    visitor.goto(base + "/c/asn")
    text = visitor.locator("#responses").inner_text()
    assert "Transparansi mutasi" in text and "Pasal 7 ayat (2)" in text and "Diterima sebagian" in text
    visitor.get_by_role("link", name="Lihat hasil konsultasi").click()
    assert visitor.locator("figure.chart svg[role=img]").count() >= 2
    assert "Transparansi mutasi" in visitor.locator("main").inner_text()
    visitor.close()


def test_moderator_runs_pre_moderation_and_a_visitor_flags(live_app, page, browser):
    from consult.accounts.models import Role
    from consult.accounts.services import create_user, grant_role
    from consult.consultations.queries import get_by_slug

    app, base = live_app
    setup_consultation(app)
    with app.app_context():
        grant_role(create_user("moderator@example.org", "correct-horse-1"), get_by_slug("asn"), Role.moderator)
        get_by_slug("asn").flag_threshold = 1
        db.session.commit()
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill("moderator@example.org")
    page.get_by_label(re.compile("Kata sandi|Password")).fill("correct-horse-1")
    page.locator("main button[type=submit]").first.click()
    page.get_by_role("link", name=re.compile("Moderasi")).first.click()
    page.get_by_label("Mode moderasi").select_option("pre")
    page.get_by_role("button", name="Simpan").click()
    assert "Mode moderasi disimpan" in page.locator("body").inner_text()

    # a respondent in another browser context sends a submission: it waits for review
    respondent = browser.new_page(locale="id-ID")
    respondent.goto(base + "/c/asn/submit")
    respondent.get_by_label("Warga").check()
    respondent.get_by_label("Nama", exact=True).fill("Siti Aminah")
    respondent.get_by_label("Bagaimana penempatan ASN?").fill("Penempatan sesuai kompetensi dan domisili.")
    respondent.get_by_label(re.compile("dapat dipublikasikan")).check()
    respondent.get_by_role("button", name="Kirim", exact=True).click()
    reference = re.search(r"KTB-\d{4}-\d{6}", respondent.locator("main").inner_text()).group(0)
    respondent.goto(base + "/c/asn/submissions")
    assert reference not in respondent.locator("main").inner_text()

    # the moderator reviews it from the queue and approves it; the queue is then empty
    page.goto(base + "/staff/c/asn/moderation")
    page.locator(f"article:has-text('{reference}')").get_by_role("link", name="Tinjau").click()
    page.get_by_label("Tindakan").select_option("approve")
    page.get_by_role("button", name="Terapkan dan buka berikutnya").click()
    assert "Tidak ada apa pun di sini" in page.locator("main").inner_text() or "Nothing here" in page.content()

    # now public; a visitor flags it and, at a threshold of one, it is held again
    respondent.goto(base + "/c/asn/submissions")
    respondent.get_by_role("link", name=reference).click()
    assert "Penempatan sesuai kompetensi dan domisili." in respondent.locator("main").inner_text()
    respondent.get_by_text("Laporkan kiriman ini ke moderator").click()
    respondent.get_by_label("Apa masalahnya?").select_option("off_topic")
    respondent.get_by_role("button", name="Kirim laporan").click()
    assert "ditahan" in respondent.locator("body").inner_text()
    page.goto(base + "/staff/c/asn/moderation?rule=flags")
    assert reference in page.locator("main").inner_text()
    respondent.close()


def test_a_representative_registers_claims_an_organisation_and_an_admin_verifies(live_app, page, browser):
    import re as _re

    from consult.accounts.services import create_user
    from consult.extensions import mail

    app, base = live_app
    setup_consultation(app)
    with app.app_context():
        create_user("admin@example.org", "correct-horse-1", is_admin=True)
        db.session.commit()
    page.goto(base + "/auth/register")
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.locator("#email").fill("siti@example.org")
    page.get_by_label("Kata sandi (sedikitnya 10 karakter)").fill("kata-sandi-panjang")
    page.get_by_label("Ulangi kata sandi").fill("kata-sandi-panjang")
    page.get_by_label(_re.compile("Saya setuju situs ini menyimpan")).check()
    with mail.record_messages() as outbox:
        page.get_by_role("button", name="Buat akun").click()
        page.wait_for_selector("text=Periksa email Anda")
    link = _re.search(r"http://[^\s]+/auth/verify/\S+", outbox[0].body).group(0)
    page.goto(link)  # confirms the address; signing in is still needed
    assert "dikonfirmasi" in page.locator("body").inner_text()
    page.locator("#email").fill("siti@example.org")
    page.locator("#password").fill("kata-sandi-panjang")
    page.locator("main button[type=submit]").first.click()
    assert "Akun Anda" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Ajukan diri sebagai wakil organisasi").click()
    page.get_by_label("Nama organisasi").fill("Korpri Lampung Utara")
    page.get_by_label("Jenis organisasi").select_option("union")
    page.get_by_label("Jabatan Anda di organisasi").fill("Sekretaris")
    page.get_by_label(_re.compile("Bukti")).set_input_files(
        files=[{"name": "surat.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"}])
    page.get_by_role("button", name="Kirim permohonan").click()
    assert "menunggu admin" in page.locator("main").inner_text()

    admin = browser.new_page(locale="id-ID")
    admin.goto(base + "/auth/login")
    admin.get_by_label("Email").fill("admin@example.org")
    admin.get_by_label(_re.compile("Kata sandi")).fill("correct-horse-1")
    admin.locator("main button[type=submit]").first.click()
    admin.get_by_role("link", name="Organisasi").first.click()
    assert "Korpri Lampung Utara" in admin.locator("main").inner_text()
    admin.get_by_role("button", name="Putuskan").click()  # "Verify" is the first choice
    admin.close()

    page.goto(base + "/auth/account")
    assert "terverifikasi" in page.locator("main").inner_text()
    page.goto(base + "/c/asn/submit")
    page.get_by_label("Memberi masukan atas nama").select_option(label="Korpri Lampung Utara")
    page.get_by_label("Lainnya").check()
    page.get_by_label("Bagaimana penempatan ASN?").fill("Korpri meminta penempatan sesuai kompetensi.")
    page.get_by_label(_re.compile("dapat dipublikasikan")).check()
    page.get_by_role("button", name="Kirim", exact=True).click()
    reference = _re.search(r"KTB-\d{4}-\d{6}", page.locator("main").inner_text()).group(0)
    page.goto(base + f"/c/asn/submissions/{reference}")
    text = page.locator("main").inner_text()
    assert "Korpri Lampung Utara" in text and "terverifikasi" in text


def test_an_admin_sets_up_a_consultation_entirely_in_the_browser(live_app, page):
    from datetime import datetime, timedelta, timezone

    from consult.accounts.services import create_user

    app, base = live_app
    with app.app_context():
        create_user("admin@example.org", "correct-horse-1", is_admin=True)
        db.session.commit()
    page.goto(base + "/auth/login")
    page.locator("#email").fill("admin@example.org")
    page.locator("#password").fill("correct-horse-1")
    page.locator("main button[type=submit]").first.click()
    page.get_by_role("link", name="Pengaturan situs").click()
    page.get_by_label("Nama situs").fill("Konsultasi Publik Kabupaten Uji")
    page.get_by_role("button", name="Simpan").click()
    page.goto(base + "/staff/")
    page.get_by_role("link", name="Konsultasi baru").click()
    page.get_by_label("Alamat web (nama singkat)").fill("perbup-asn")
    page.get_by_label("Judul").fill("Rancangan Perbup ASN")
    page.get_by_label("Latar belakang (Markdown)").fill("## Tujuan\n\nMengatur **penempatan** ASN.")
    page.get_by_role("button", name="Pratinjau latar belakang").click()
    assert page.locator("section.preview strong").inner_text() == "penempatan"
    closes = (datetime.now(timezone.utc) + timedelta(days=14)).astimezone(timezone(timedelta(hours=7)))
    page.get_by_label("Ditutup").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("link", name=re.compile("^Pertanyaan")).click()
    page.get_by_label("Kunci singkat").fill("penempatan")
    page.locator("#text").fill("Bagaimana sebaiknya ASN ditempatkan?")
    page.get_by_role("button", name="Tambah").click()
    page.goto(base + "/staff/c/perbup-asn/manage")
    page.get_by_role("button", name="Terbitkan").click()
    assert "Diterbitkan." in page.locator("body").inner_text()
    page.goto(base + "/")
    page.get_by_role("link", name="Rancangan Perbup ASN").click()
    text = page.locator("main").inner_text()
    assert "Bagaimana sebaiknya ASN ditempatkan?" in text and "Konsultasi Publik Kabupaten Uji" in page.title() + \
        page.locator("header").inner_text()


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile("Kata sandi|Password")).fill("correct-horse-1")
    page.locator("main button[type=submit]").first.click()


def test_citizens_discuss_a_question_vote_and_a_moderator_hides_a_comment(live_app, page, browser):
    """On a phone-sized screen: one citizen comments on a question, another agrees and replies,
    sorting works without JavaScript, and a moderator hides a comment with a public reason."""
    from consult.accounts.models import Role
    from consult.accounts.services import create_user, grant_role
    from consult.consultations.queries import get_by_slug

    app, base = live_app
    setup_consultation(app)
    with app.app_context():
        for email in ("ani@example.org", "budi@example.org"):
            create_user(email, "correct-horse-1")
        grant_role(create_user("moderator@example.org", "correct-horse-1"), get_by_slug("asn"), Role.moderator)
        db.session.commit()
    page.goto(base + "/c/asn")
    page.get_by_role("link", name="Diskusikan pertanyaan ini").first.click()
    assert "Masuk" in page.locator("main").inner_text() and page.locator("textarea").count() == 0
    _sign_in(page, base, "ani@example.org")
    page.goto(base + "/c/asn/questions/penempatan/discussion")
    page.get_by_label(re.compile("^Komentar Anda")).fill("Penempatan harus sesuai kompetensi, bukan kedekatan.")
    page.get_by_label(re.compile("Anda berbicara sebagai")).select_option("citizen")
    page.get_by_role("button", name="Kirim komentar").click()
    assert "Komentar Anda sudah terbit" in page.locator("body").inner_text()
    assert "Penempatan harus sesuai kompetensi" in page.locator("ol.comments").inner_text()

    other = browser.new_page(viewport={"width": 360, "height": 740}, locale="id-ID")
    _sign_in(other, base, "budi@example.org")
    other.goto(base + "/c/asn/questions/penempatan/discussion")
    other.get_by_role("button", name="Setuju", exact=True).click()
    assert "Setuju 1 · Tidak setuju 0 · Lewati 0" in other.locator("ol.comments").inner_text()
    assert other.get_by_role("button", name="Setuju", exact=True).get_attribute("aria-pressed") == "true"
    other.get_by_role("button", name="Tidak setuju", exact=True).click()  # a vote can be changed
    assert "Setuju 0 · Tidak setuju 1 · Lewati 0" in other.locator("ol.comments").inner_text()
    other.get_by_role("link", name="Balas", exact=True).click()
    other.get_by_label(re.compile("^Komentar Anda")).fill("Setuju, dan hasil penempatan diumumkan.")
    other.get_by_role("button", name="Kirim balasan").click()
    assert "hasil penempatan diumumkan" in other.locator("ol.replies").inner_text()
    other.get_by_role("link", name=re.compile("^Diskusi:")).click()
    assert "hasil penempatan diumumkan" in other.locator("ol.comments").inner_text()
    other.get_by_role("link", name="Terbaru").click()
    assert "sort=newest" in other.url

    _sign_in(page, base, "moderator@example.org")
    page.goto(base + "/staff/c/asn/moderation")
    page.get_by_role("link", name="Komentar diskusi").click()
    page.get_by_role("link", name=re.compile("^Dipublikasikan")).click()
    card = page.locator("article:has-text('hasil penempatan diumumkan')")
    card.get_by_label("Tindakan").select_option("hide")
    card.get_by_label("Alasan (wajib untuk menyembunyikan)").select_option("off_topic")
    card.get_by_label(re.compile("^Catatan")).fill("Di luar pokok bahasan.")
    card.get_by_role("button", name="Terapkan").click()
    assert "selesai" in page.locator("body").inner_text()
    other.goto(base + "/c/asn/questions/penempatan/discussion")
    thread = other.locator("ol.comments").inner_text()
    assert "hasil penempatan diumumkan" not in thread and "Di luar pokok bahasan." in thread
    other.close()
