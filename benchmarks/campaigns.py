"""Speed of form-letter campaign detection on 100,000 real texts with injected form letters.

Run with ``.venv/bin/python -m benchmarks.campaigns [N]`` (default N = 100,000). The documents are
every text of the real data sets in ../shared/data (Polis comments, IBM ArgKP arguments, IndoNLU
SmSA, EmoT and HoASA, NusaX in 12 languages, SIB-200 in 8 languages, NusaParagraph), topped up to N
with documents of 2–3 sentences drawn without replacement from those texts, plus three injected
campaigns: 2,000 signed copies of an Indonesian letter (some with a personal sentence or a typo),
300 of an English one and 40 copies of a short Indonesian one. Prints the seconds (wall clock
and CPU) taken by :func:`consult.themes.campaigns.detect_campaigns`, how much of each injected
campaign was found, and the campaigns found in the real data itself (texts that really were sent
several times).
Set CONSULT_SHARED_DATA to move the data folder.
"""
from __future__ import annotations

import csv
import os
import platform
import random
import re
import resource
import sys
import time
from pathlib import Path

from consult.themes.campaigns import detect_campaigns
from consult.themes.types import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CONSULT_SHARED_DATA", ROOT.parent / "shared" / "data"))

LETTER_ID = (
    "Yth. Bapak Bupati dan Tim Penyusun Rancangan Peraturan Daerah tentang Pengelolaan Sampah,\n\n"
    "Kami warga yang tergabung dalam Forum Peduli Lingkungan menyampaikan keberatan atas rencana "
    "pembangunan tempat pembuangan akhir di dekat permukiman dan sumber air warga. Kami mohon agar "
    "lokasi tersebut dikaji ulang dengan melibatkan warga terdampak, agar analisis dampak lingkungan "
    "diumumkan secara terbuka sebelum peraturan ditetapkan, dan agar bank sampah di setiap desa "
    "mendapat dukungan anggaran yang pasti setiap tahun. Kami juga meminta pemerintah menjamin bahwa "
    "air sumur warga diperiksa secara berkala dan hasilnya diumumkan kepada masyarakat.\n\n"
    "Demikian surat ini kami sampaikan. Atas perhatian Bapak kami ucapkan terima kasih.\n\nHormat kami,")
LETTER_EN = (
    "Dear Committee, I am writing to ask you to keep the free bus pass for people over sixty-five. "
    "Many older residents depend on the bus to reach the clinic, the market and their families, and "
    "removing the pass would leave them isolated at home. Please protect this service in the new plan.")
LETTER_SHORT = ("Kami menolak kenaikan tarif air bersih tahun ini karena pelayanan belum membaik dan air "
                "sering mati di kampung kami.")
NAMES = ["Ahmad", "Siti", "Budi", "Dewi", "Rina", "Agus", "Wati", "Joko", "Sri", "Eko", "Nur", "Putri",
         "Hendra", "Yuni", "Rudi", "Lestari", "Bambang", "Fitri", "Dian", "Ratna"]
SURNAMES = ["Saputra", "Wijaya", "Lestari", "Santoso", "Hidayat", "Kurniawan", "Rahayu", "Pratama",
            "Susanto", "Permata", "Nugroho", "Setiawan", "Handayani", "Gunawan", "Wulandari"]


def _rows(path: Path, column: str, delimiter: str = ",") -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        if delimiter == "\t":
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        else:
            reader = csv.DictReader(fh)
        return [r[column] for r in reader if r.get(column)]


def real_texts() -> list[str]:
    """Every text of the real data sets (Polis, ArgKP, IndoNLU, NusaX, SIB-200, NusaParagraph)."""
    texts: list[str] = []
    for conv in sorted((SHARED / "polis_opendata").iterdir()):
        texts += _rows(conv / "comments.csv", "comment-body")
    for split in ("train", "dev"):
        texts += _rows(SHARED / "ibm_argkp" / f"arguments_{split}.csv", "argument")
    for split in ("train", "valid", "test"):
        with open(SHARED / "indonlu_smsa" / f"{split}.tsv", newline="", encoding="utf-8") as fh:
            texts += [r[0] for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if r]
        texts += _rows(SHARED / "indonlu_emot" / f"{split}.csv", "tweet")
        texts += _rows(SHARED / "indonlu_hoasa" / f"{split}.csv", "review")
        for lang in sorted((SHARED / "nusax_senti").iterdir()):
            if lang.is_dir():
                texts += _rows(lang / f"{split}.csv", "text")
    for lang in sorted((SHARED / "sib200_topic").iterdir()):
        for split in ("train", "dev", "test"):
            texts += _rows(lang / f"{split}.tsv", "text", "\t")
    for lang in ("jav", "sun"):
        for split in ("valid", "test"):
            texts += _rows(SHARED / "nusaparagraph_topic" / lang / f"{split}.csv", "text")
    return [t for t in texts if t.strip()]


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    i = rng.randrange(len(words))
    if len(words[i]) > 3:
        w = list(words[i])
        j = rng.randrange(len(w) - 1)
        w[j], w[j + 1] = w[j + 1], w[j]
        words[i] = "".join(w)
    return " ".join(words)


def injected(rng: random.Random, personal: list[str]) -> dict[str, list[str]]:
    """Three campaigns: name → copies (signed, some with a personal sentence, some with a typo)."""
    out: dict[str, list[str]] = {"letter_id": [], "letter_en": [], "letter_short": []}
    for _ in range(2000):
        text = f"{LETTER_ID}\n{rng.choice(NAMES)} {rng.choice(SURNAMES)}"
        roll = rng.random()
        if roll < 0.2:
            text = rng.choice(personal) + "\n\n" + text
        elif roll < 0.3:
            text = _typo(text, rng)
        out["letter_id"].append(text)
    for _ in range(300):
        text = LETTER_EN + (f" Thank you, {rng.choice(NAMES)}." if rng.random() < 0.5 else "")
        out["letter_en"].append(text)
    for _ in range(40):
        out["letter_short"].append(LETTER_SHORT if rng.random() < 0.7 else LETTER_SHORT.upper())
    return out


def build(n: int, seed: int = 0) -> tuple[list[Document], dict[str, set[str]]]:
    """N documents (real texts, sentence mixes, injected copies) and the ids of each injected campaign."""
    rng = random.Random(seed)
    texts = real_texts()
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t.strip()) if len(s.split()) >= 3]
    rng.shuffle(sentences)
    campaigns = injected(rng, [s for s in sentences[:5000] if 8 <= len(s.split()) <= 30])
    n_injected = sum(len(v) for v in campaigns.values())
    pool = texts[: max(0, n - n_injected)]
    cursor = 5000
    while len(pool) < n - n_injected and cursor < len(sentences):
        k = rng.randint(2, 3)
        pool.append(" ".join(sentences[cursor:cursor + k]))
        cursor += k
    docs = [Document(f"r{i}", t) for i, t in enumerate(pool)]
    truth: dict[str, set[str]] = {}
    for name, copies in campaigns.items():
        truth[name] = set()
        for j, text in enumerate(copies):
            doc_id = f"{name}-{j}"
            truth[name].add(doc_id)
            docs.append(Document(doc_id, text))
    rng.shuffle(docs)
    return docs, truth


def main(n: int = 100_000) -> None:
    """Build the documents, time one detection run, print what was found."""
    docs, truth = build(n)
    words = sum(len(d.text.split()) for d in docs)
    print(f"python {platform.python_version()}, {os.cpu_count()} cores; {len(docs):,} documents, "
          f"{words:,} words")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    started, cpu = time.perf_counter(), time.process_time()
    campaigns = detect_campaigns(docs)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"detect_campaigns: {seconds:.2f} s ({cpu:.2f} s CPU{load}), {len(campaigns)} campaigns "
          f"({sum(c.size for c in campaigns):,} documents); peak RSS {rss_before:.0f} MiB with the data "
          f"loaded, {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB after")
    found_injected = set()
    for name, ids in truth.items():
        best = max(campaigns, key=lambda c: len(ids & set(c.document_ids)), default=None)
        got = ids & set(best.document_ids) if best else set()
        if best:
            found_injected.add(best.id)
        with_added = sum(1 for i in got if best.added_text[i]) if best else 0
        print(f"  injected {name:<13} {len(ids):>5} copies: {len(got):>5} found in "
              f"{best.id if best else '-'} (size {best.size if best else 0}), "
              f"{best.size - len(got) if best else 0} others in it, {with_added} with added text")
    others = [c for c in campaigns if c.id not in found_injected]
    print(f"  campaigns within the real data: {len(others)} ({sum(c.size for c in others)} documents); "
          "largest:")
    by_id = {d.id: d for d in docs}
    for c in others[:5]:
        print(f"    {c.id} ×{c.size}: {by_id[c.representative_id].text[:90]!r}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
