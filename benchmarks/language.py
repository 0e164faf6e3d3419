"""Accuracy of the language detector (consult.text.language) on the shared data sets.

Run with ``.venv/bin/python -m benchmarks.language``. Prints, per source (data set and
language), the share of texts given each code by :func:`detect_language`, a confusion table of
source language × detected code, and the speed. Uses ../shared/data when present (set
CONSULT_SHARED_DATA to move it); its README describes the data sets:

* ``sib200_topic``: 1,004 Flores-200 sentences (professional translations of English Wikinews,
  Wikijunior, Wikivoyage), parallel in Indonesian, English, Javanese, Sundanese, Minangkabau,
  Balinese, Banjar and Acehnese; all splits.
* ``nusax_senti``: 1,000 short comments and reviews (Indonesian originals from SmSA, human
  translations into English and 10 regional languages); all splits.
* ``nusaparagraph_topic``: Javanese and Sundanese paragraphs written by native speakers; the
  valid and test splits (the only ones stored).
* ``indonlu_{emot,smsa,hoasa}``: informal Indonesian tweets, comments and hotel reviews (many
  of them a few words long, with slang and abbreviations); all splits.

``--segments`` also scores :func:`segment_languages` on documents made by joining one
Indonesian, one English and one Javanese or Sundanese sentence of sib200 (parallel, same id).

The detector's word lists were written by hand and not derived from these data sets. But its two
thresholds and cues were tuned by looking at these figures and at misclassified examples (which
also showed which listed words misfire in neighbouring languages, such as Sundanese "ka" and
Javanese "nang", and which common colloquial Javanese and formal Sundanese words the lists
lacked), so the figures are not an unseen test.
"""
from __future__ import annotations

import argparse
import csv
import os
import time
from collections import Counter
from pathlib import Path

from consult.text.language import LANGUAGES, detect_language, segment_languages

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CONSULT_SHARED_DATA", ROOT.parent / "shared" / "data"))

# (data set, folder, expected code or None when no code is "right" for it).
SOURCES: list[tuple[str, str, str | None]] = [
    ("sib200", "ind_Latn", "id"),
    ("sib200", "eng_Latn", "en"),
    ("sib200", "jav_Latn", "jv"),
    ("sib200", "sun_Latn", "su"),
    ("sib200", "min_Latn", None),
    ("sib200", "ban_Latn", None),
    ("sib200", "bjn_Latn", None),
    ("sib200", "ace_Latn", None),
    ("nusax", "indonesian", "id"),
    ("nusax", "english", "en"),
    ("nusax", "javanese", "jv"),
    ("nusax", "sundanese", "su"),
    ("nusax", "minangkabau", None),
    ("nusax", "balinese", None),
    ("nusax", "banjarese", None),
    ("nusax", "acehnese", None),
    ("nusax", "buginese", None),
    ("nusax", "madurese", None),
    ("nusax", "ngaju", None),
    ("nusax", "toba_batak", None),
    ("nusaparagraph", "jav", "jv"),
    ("nusaparagraph", "sun", "su"),
    ("indonlu", "emot", "id"),
    ("indonlu", "smsa", "id"),
    ("indonlu", "hoasa", "id"),
]


def load(dataset: str, folder: str) -> list[str]:
    """The texts of one source, all stored splits, in file order."""
    texts: list[str] = []
    if dataset == "sib200":
        for split in ("train", "dev", "test"):
            with open(SHARED / "sib200_topic" / folder / f"{split}.tsv", encoding="utf-8") as fh:
                rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
                header = next(rows)
                column = header.index("text")
                texts += [row[column] for row in rows]
    elif dataset == "nusax":
        for split in ("train", "valid", "test"):
            with open(SHARED / "nusax_senti" / folder / f"{split}.csv", encoding="utf-8", newline="") as fh:
                texts += [row["text"] for row in csv.DictReader(fh)]
    elif dataset == "nusaparagraph":
        for split in ("valid", "test"):
            path = SHARED / "nusaparagraph_topic" / folder / f"{split}.csv"
            with open(path, encoding="utf-8", newline="") as fh:
                texts += [row["text"] for row in csv.DictReader(fh)]
    elif dataset == "indonlu":
        for split in ("train", "valid", "test"):
            path = SHARED / f"indonlu_{folder}"
            if folder == "smsa":  # no header: text<TAB>label
                with open(path / f"{split}.tsv", encoding="utf-8") as fh:
                    texts += [row[0] for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if row]
            else:
                with open(path / f"{split}.csv", encoding="utf-8", newline="") as fh:
                    column = "tweet" if folder == "emot" else "review"
                    texts += [row[column] for row in csv.DictReader(fh)]
    else:
        raise ValueError(f"unknown data set {dataset!r}")
    return texts


def available(dataset: str) -> bool:
    """Whether the folder of ``dataset`` is present under the shared data."""
    folders = {"sib200": ["sib200_topic"], "nusax": ["nusax_senti"], "nusaparagraph": ["nusaparagraph_topic"],
               "indonlu": ["indonlu_emot", "indonlu_smsa", "indonlu_hoasa"]}[dataset]
    return all((SHARED / folder).is_dir() for folder in folders)


def distribution(texts: list[str]) -> Counter:
    """How many texts :func:`detect_language` gives each code."""
    return Counter(detect_language(text) for text in texts)


def share(counts: Counter, code: str) -> float:
    """The fraction of the counted texts that got ``code``."""
    total = sum(counts.values())
    return counts[code] / total if total else 0.0


def segment_accuracy(pairs: int = 300) -> dict[str, float]:
    """Sentence-level accuracy of :func:`segment_languages` on id + en + jv/su documents.

    Each document joins the same sib200 sentence in Indonesian, English and Javanese (even
    rows) or Sundanese (odd rows) with a space; a sentence counts as right when the segment
    that covers its start has its language.
    """
    ind, eng = load("sib200", "ind_Latn")[:pairs], load("sib200", "eng_Latn")[:pairs]
    jav, sun = load("sib200", "jav_Latn")[:pairs], load("sib200", "sun_Latn")[:pairs]
    right: Counter = Counter()
    seen: Counter = Counter()
    for i in range(pairs):
        parts = [(ind[i], "id"), (eng[i], "en"), (jav[i], "jv") if i % 2 == 0 else (sun[i], "su")]
        text, starts = "", []
        for sentence, code in parts:
            if text:
                text += " "
            starts.append((len(text), code))
            text += sentence
        segments = segment_languages(text)
        for start, code in starts:
            label = next((c for s, e, c in segments if s <= start < e), None)
            seen[code] += 1
            right[code] += label == code
    return {code: right[code] / seen[code] for code in seen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", action="store_true", help="also score segment_languages")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"shared data not found at {SHARED} (set CONSULT_SHARED_DATA)")
    header = (f"{'source':28s} {'n':>5s} {'expect':>6s} {'right':>6s}  "
              + " ".join(f"{c:>6s}" for c in LANGUAGES))
    print(header)
    print("-" * len(header))
    texts_seen = 0
    started = time.perf_counter()
    for dataset, folder, expected in SOURCES:
        if not available(dataset):
            print(f"{dataset}/{folder}: missing")
            continue
        texts = load(dataset, folder)
        texts_seen += len(texts)
        counts = distribution(texts)
        right = f"{share(counts, expected) * 100:5.1f}%" if expected else "     -"
        cells = " ".join(f"{share(counts, c) * 100:5.1f}%" for c in LANGUAGES)
        print(f"{dataset + '/' + folder:28s} {len(texts):5d} {expected or '-':>6s} {right:>6s}  {cells}")
    seconds = time.perf_counter() - started
    print(f"\n{texts_seen} texts in {seconds:.1f} s "
          f"({texts_seen / seconds:,.0f} texts/s, includes reading the files)")
    if args.segments:
        scores = segment_accuracy()
        print("\nsegment_languages on id+en+jv/su documents (sib200, 300 documents): "
              + ", ".join(f"{code} {value * 100:.1f}%" for code, value in scores.items()))


if __name__ == "__main__":
    main()
