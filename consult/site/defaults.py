"""The first text of the legal and help pages (admins edit them in the browser).

The privacy notice follows what UU PDP No. 27/2022 asks a controller to tell people: what is
collected, for what purpose and on what basis, how long it is kept, who receives it, and the
person's rights (access, correction, erasure, withdrawing consent, objection).
"""
from __future__ import annotations

PAGES = {
    "privacy": {
        "title_id": "Pemberitahuan privasi",
        "title_en": "Privacy notice",
        "body_id": """Situs ini dikelola oleh pemerintah daerah penyelenggara konsultasi sebagai pengendali data pribadi menurut UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi (UU PDP).

## Data yang kami kumpulkan
- **Masukan Anda**: teks, jawaban, dan lampiran yang Anda kirim.
- **Data identitas yang Anda pilih untuk diberikan**: nama (kecuali Anda mengirim tanpa nama), organisasi, kecamatan, dan alamat email (opsional, hanya untuk tanda terima dan pemberitahuan).
- **Akun** (bila Anda mendaftar): nama, email, kata sandi yang disimpan sebagai hash Argon2, dan bukti bila Anda mengajukan diri sebagai wakil organisasi.
- **Data teknis**: kuki perangkat acak yang ditandatangani dan alamat IP yang hanya disimpan sebagai hash, untuk membatasi spam.

## Untuk apa
Untuk membaca dan mempertimbangkan masukan Anda dalam penyusunan kebijakan, menerbitkan kutipan bila Anda setuju, memberi tahu Anda bagaimana masukan dipertimbangkan, dan menjaga forum dari spam dan penyalahgunaan. Dasar pemrosesannya adalah persetujuan Anda dan pelaksanaan tugas pemerintah daerah.

## Berapa lama
Data pribadi disimpan selama konsultasi dan jangka retensi yang ditetapkan setiap konsultasi; setelah itu dianonimkan. Teks masukan dapat tetap disimpan tanpa identitas sebagai bagian dari arsip kebijakan.

## Siapa yang melihatnya
Moderator dan perancang kebijakan konsultasi terkait. Nama dan email Anda tidak pernah diterbitkan. Teks hanya diterbitkan bila Anda setuju.

## Hak Anda
Anda berhak mengakses, memperbaiki, dan mengunduh data Anda (halaman akun), menarik persetujuan, dan meminta penghapusan (hapus akun, atau hubungi kami dengan nomor referensi tanda terima Anda). Moderator dapat menghapus data pribadi dari teks yang Anda kirim.

## Kontak
Hubungi pengelola situs melalui alamat kontak di bagian bawah halaman.""",
        "body_en": """This site is run by the regional government holding the consultation, as the controller of personal data under Law No. 27 of 2022 on Personal Data Protection (UU PDP).

## What we collect
- **Your submission**: the text, answers and attachments you send.
- **Identity data you choose to give**: your name (unless you send anonymously), organisation, kecamatan, and e-mail address (optional, only for your receipt and notices).
- **An account** (if you register): name, e-mail, your password stored as an Argon2 hash, and evidence if you ask to speak for an organisation.
- **Technical data**: a signed random device cookie, and your IP address kept only as a hash, to limit spam.

## Why
To read and consider your views in drafting the policy, to publish quotes if you agree, to tell you how your submission was considered, and to keep the forum free of spam and abuse. The basis is your consent and the regional government's public task.

## How long
Personal data is kept for the consultation and the retention period each consultation sets, then anonymised. The text of submissions may be kept without identity as part of the policy record.

## Who sees it
The moderators and policy drafters of that consultation. Your name and e-mail are never published. Text is published only with your consent.

## Your rights
You may access, correct and download your data (account page), withdraw consent, and ask for erasure (delete your account, or contact us with your receipt reference). Moderators can remove personal data from the text you sent.

## Contact
Write to the site's contact address at the bottom of each page.""",
    },
    "rules": {
        "title_id": "Aturan partisipasi",
        "title_en": "Participation rules",
        "body_id": """- Tulis tentang kebijakan yang sedang dikonsultasikan.
- Hormati orang lain: tanpa hinaan, ancaman, atau ujaran kebencian.
- Jangan menulis data pribadi (NIK, nomor telepon, alamat) milik Anda atau orang lain: moderator akan menghapusnya.
- Tanpa iklan, tautan berulang, atau kiriman massal.
- Masukan yang melanggar aturan ini dapat ditahan atau disembunyikan moderator, dengan alasan yang tercatat di register moderasi. Anda dapat mengajukan banding satu kali dari halaman tanda terima.""",
        "body_en": """- Write about the policy under consultation.
- Respect others: no insults, threats or hate speech.
- Do not write personal data (ID numbers, phone numbers, addresses) of yours or anyone else: moderators will remove it.
- No advertising, repeated links or mass posting.
- Submissions that break these rules may be held or hidden by a moderator, with the reason recorded in the moderation register. You can appeal once from your receipt page.""",
    },
    "accessibility": {
        "title_id": "Pernyataan aksesibilitas",
        "title_en": "Accessibility statement",
        "body_id": """Kami berupaya agar situs ini dapat digunakan semua orang, termasuk pengguna pembaca layar, papan ketik saja, dan ponsel murah pada jaringan lambat, mengikuti WCAG 2.1 tingkat AA.

- Semua formulir dapat diisi dengan papan ketik, dengan label dan pesan kesalahan yang dibacakan.
- Halaman ringan, tanpa skrip dari luar, dan tetap berfungsi tanpa JavaScript.
- Teks tersedia dalam Bahasa Indonesia dan Inggris.

Bila Anda menemui hambatan, hubungi kami melalui alamat kontak di bagian bawah halaman; kami juga menerima masukan melalui dokumen yang dikirim lewat email.""",
        "body_en": """We aim for everyone to be able to use this site, including people using screen readers, only a keyboard, or cheap phones on slow networks, following WCAG 2.1 level AA.

- Every form works with a keyboard, with labels and error messages read aloud.
- Pages are light, load no outside scripts, and work without JavaScript.
- Text is available in Bahasa Indonesia and English.

If something stands in your way, write to the contact address at the bottom of the page; we also accept submissions as documents sent by e-mail.""",
    },
}
