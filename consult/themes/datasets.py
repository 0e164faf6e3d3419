"""Labelled public datasets for scoring the theme engine, and a pool of real texts for the bench.

Everything is read with the standard library from the shared data folder described in its
``README.md`` (``$CONSULT_SHARED_DATA``, default ``<repo root>/../shared/data``). Nothing here
imports Flask or SQLAlchemy, and nothing is downloaded.

A labelled *task* is one set of texts that a method must group without being told the labels:

=====================  ==========================================================  ==========
dataset                one task per                                                label
=====================  ==========================================================  ==========
``ibm_argkp``          topic × stance (train+dev; arguments matching exactly one   key point
                       key point; tasks with fewer than 2 key points are dropped)
``sib200_topic``       language (all 8 in the folder; train+dev+test, 1,004 each)  category
``nusaparagraph_topic`` language (jav, sun; valid+test)                            topic
``indonlu_hoasa``      one task, "reviews" (train+valid+test, 1,152 reviews with   aspect
                       exactly one non-neutral aspect; small enough for one task)
=====================  ==========================================================  ==========

Sources (see the data README for commits and licences): Bar-Haim et al. 2020 (ArgKP),
Adelani et al. 2024 (SIB-200), Cahyawijaya et al. 2023 (NusaWrites), Wilie et al. 2020
(IndoNLU), Winata et al. 2023 (NusaX), The Computational Democracy Project (Polis).
"""
from __future__ import annotations

import csv
import os
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent.parent

#: The SIB-200 languages that every report must show, first.
SIB200_REQUIRED = ("ind_Latn", "eng_Latn")
HOASA_ASPECTS = ("ac", "air_panas", "bau", "general", "kebersihan", "linen", "service",
                 "sunrise_meal", "tv", "wifi")


class LabelledText(NamedTuple):
    """One document of a task: ``(doc_id, text, label)``, all strings."""

    doc_id: str
    text: str
    label: str


class Task(NamedTuple):
    """One clustering task: ``(dataset, name, language, items)``.

    Attributes:
        dataset: loader name, e.g. ``"ibm_argkp"``.
        name: task name, unique within the dataset (e.g. ``"eng_Latn"`` or ``"<topic> | pro"``).
        language: the data's language code (ISO 639-3, with script for SIB-200), e.g. ``"eng"``.
        items: the documents, a list of :class:`LabelledText`; doc ids are unique.
    """

    dataset: str
    name: str
    language: str
    items: list[LabelledText]

    @property
    def n_labels(self) -> int:
        """Number of distinct gold labels."""
        return len({item.label for item in self.items})


def shared_data_dir() -> Path:
    """The shared data folder: ``$CONSULT_SHARED_DATA`` or ``<repo root>/../shared/data``.

    The folder may not exist; callers check (see :func:`available`).
    """
    return Path(os.environ.get("CONSULT_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _dir(root: Path | str | None) -> Path:
    return Path(root) if root is not None else shared_data_dir()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _read_tsv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


# --------------------------------------------------------------------------- filters (pure)

def single_key_point(matches: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Arguments that match exactly one key point.

    Args:
        matches: ``(arg_id, key_point_id, label)`` rows of the ArgKP label files, label ``"1"``
            for a match (anything else is no match).

    Returns:
        ``arg_id → key_point_id`` for each argument with exactly one matching key point;
        arguments with none or several are left out.
    """
    positive: dict[str, set[str]] = defaultdict(set)
    for arg_id, key_point_id, label in matches:
        if str(label).strip() == "1":
            positive[arg_id].add(key_point_id)
    return {arg_id: next(iter(kps)) for arg_id, kps in positive.items() if len(kps) == 1}


def single_aspect(row: dict[str, str], aspects: Sequence[str] = HOASA_ASPECTS) -> str | None:
    """The one non-neutral aspect of a HoASA review, or ``None`` when there are zero or several.

    Args:
        row: a HoASA row; each aspect column holds ``neut``, ``neg``, ``pos`` or ``neg_pos``.
        aspects: the aspect columns to look at.

    Returns:
        The aspect name (e.g. ``"kebersihan"``) when exactly one aspect is not ``neut``.
    """
    marked = [a for a in aspects if (row.get(a) or "neut").strip() != "neut"]
    return marked[0] if len(marked) == 1 else None


# --------------------------------------------------------------------------- loaders

def load_ibm_argkp(root: Path | str | None = None, *, min_labels: int = 2) -> list[Task]:
    """ArgKP train+dev: one task per topic × stance, labelled by the single matching key point.

    Only arguments that match exactly one key point are kept (4,382 of 6,515). A task with fewer
    than ``min_labels`` distinct key points left says nothing about grouping (every metric is
    degenerate) and is dropped. Task names are ``"<topic> | pro"`` / ``"<topic> | con"``.

    Returns:
        Tasks in file order of their topics (55 with the shipped data: 28 topics × 2 stances,
        one of which has a single key point left).

    Raises:
        FileNotFoundError: the ``ibm_argkp`` folder or one of its files is missing.
    """
    folder = _dir(root) / "ibm_argkp"
    arguments: dict[str, dict[str, str]] = {}
    matches: list[tuple[str, str, str]] = []
    for split in ("train", "dev"):
        for row in _read_csv(folder / f"arguments_{split}.csv"):
            arguments[row["arg_id"]] = row
        matches += [(r["arg_id"], r["key_point_id"], r["label"])
                    for r in _read_csv(folder / f"labels_{split}.csv")]
    single = single_key_point(matches)
    grouped: dict[tuple[str, str], list[LabelledText]] = {}
    for arg_id, row in arguments.items():
        if arg_id in single:
            stance = "pro" if row["stance"].strip() == "1" else "con"
            grouped.setdefault((row["topic"], stance), []).append(
                LabelledText(arg_id, row["argument"], single[arg_id]))
    tasks = [Task("ibm_argkp", f"{topic} | {stance}", "eng", items)
             for (topic, stance), items in grouped.items()]
    return [t for t in tasks if t.n_labels >= min_labels]


def sib200_languages(root: Path | str | None = None) -> list[str]:
    """The SIB-200 language folders present, ``ind_Latn`` and ``eng_Latn`` first, then sorted."""
    folder = _dir(root) / "sib200_topic"
    present = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return [lang for lang in SIB200_REQUIRED if lang in present] + \
        [lang for lang in present if lang not in SIB200_REQUIRED]


def load_sib200_topic(root: Path | str | None = None, languages: Sequence[str] | None = None) -> list[Task]:
    """SIB-200: one task per language folder, train+dev+test (1,004 sentences, 7 categories).

    Doc ids are the ``index_id`` (identical across languages: the sentences are parallel).

    Args:
        languages: folder names such as ``"ind_Latn"``; default all present.

    Raises:
        FileNotFoundError: a requested language or split is missing.
    """
    folder = _dir(root) / "sib200_topic"
    tasks = []
    for lang in languages or sib200_languages(root):
        items = []
        for split in ("train", "dev", "test"):
            rows = _read_tsv(folder / lang / f"{split}.tsv")
            header = rows[0]
            col = {name: header.index(name) for name in ("index_id", "category", "text")}
            items += [LabelledText(r[col["index_id"]], r[col["text"]], r[col["category"]]) for r in rows[1:]]
        tasks.append(Task("sib200_topic", lang, lang.split("_")[0], items))
    return tasks


def load_nusaparagraph_topic(root: Path | str | None = None) -> list[Task]:
    """NusaParagraph topic: one task per language (``jav`` 1,248, ``sun`` 1,368), valid+test.

    Doc ids are ``"<split>-<id>"`` so they stay unique across the two splits.

    Raises:
        FileNotFoundError: a language folder or split is missing.
    """
    folder = _dir(root) / "nusaparagraph_topic"
    tasks = []
    for lang in ("jav", "sun"):
        items = []
        for split in ("valid", "test"):
            items += [LabelledText(f"{split}-{r['id']}", r["text"], r["label"])
                      for r in _read_csv(folder / lang / f"{split}.csv")]
        tasks.append(Task("nusaparagraph_topic", lang, lang, items))
    return tasks


def load_indonlu_hoasa(root: Path | str | None = None) -> list[Task]:
    """HoASA hotel reviews (train+valid+test) with exactly one non-neutral aspect, as one task.

    The label is that aspect (``neg``, ``pos`` and ``neg_pos`` all count as non-neutral). With
    the shipped data this keeps 1,152 of 2,854 reviews across 9 aspects, small enough for one
    task named ``"reviews"``. Doc ids are ``"<split>-<row number>"``.

    Raises:
        FileNotFoundError: the folder or a split is missing.
    """
    folder = _dir(root) / "indonlu_hoasa"
    items = []
    for split in ("train", "valid", "test"):
        for i, row in enumerate(_read_csv(folder / f"{split}.csv")):
            aspect = single_aspect(row)
            if aspect is not None:
                items.append(LabelledText(f"{split}-{i}", row["review"], aspect))
    return [Task("indonlu_hoasa", "reviews", "ind", items)]


#: dataset name → loader(root) → list of tasks, in report order.
LOADERS: dict[str, Callable[..., list[Task]]] = {
    "ibm_argkp": load_ibm_argkp,
    "sib200_topic": load_sib200_topic,
    "nusaparagraph_topic": load_nusaparagraph_topic,
    "indonlu_hoasa": load_indonlu_hoasa,
}


def available(dataset: str, root: Path | str | None = None) -> bool:
    """Whether the folder of ``dataset`` (a :data:`LOADERS` key or any data folder) exists."""
    return (_dir(root) / dataset).is_dir()


def load_tasks(datasets: Sequence[str] | None = None, root: Path | str | None = None) -> list[Task]:
    """All tasks of the named datasets (default all of :data:`LOADERS`), in that order.

    Raises:
        KeyError: an unknown dataset name.
        FileNotFoundError: a dataset's files are missing.
    """
    tasks: list[Task] = []
    for name in datasets or list(LOADERS):
        tasks += LOADERS[name](root)
    return tasks


def subsample(task: Task, n: int, seed: int = 0) -> Task:
    """The task cut to at most ``n`` documents, drawn at random with ``seed`` (order kept)."""
    if len(task.items) <= n:
        return task
    keep = sorted(random.Random(seed).sample(range(len(task.items)), n))
    return task._replace(items=[task.items[i] for i in keep])


# --------------------------------------------------------------------------- text pool for the bench

def text_pool(root: Path | str | None = None) -> list[tuple[str, str]]:
    """Every distinct real text in the shared data, as ``(source, text)`` pairs.

    Sources: Polis comments (all 6 conversations, any moderation state), ArgKP arguments
    (train+dev), SIB-200 (8 languages), NusaParagraph (jav, sun), NusaX-Senti (12 languages),
    IndoNLU EmoT, SmSA and HoASA (all splits). The synthetic ThemeFinder set is left out. Empty
    texts are dropped and exact duplicates kept once (the first source wins), so the pool has
    about 53,000 texts with the shipped data. Missing folders are skipped.
    """
    base = _dir(root)
    out: list[tuple[str, str]] = []

    def add(source: str, texts: Iterable[str]) -> None:
        out.extend((source, t) for t in texts)

    for conv in sorted((base / "polis_opendata").glob("*/comments.csv")):
        add(f"polis/{conv.parent.name}", (r["comment-body"] for r in _read_csv(conv)))
    for split in ("train", "dev"):
        path = base / "ibm_argkp" / f"arguments_{split}.csv"
        if path.exists():
            add("ibm_argkp", (r["argument"] for r in _read_csv(path)))
    for path in sorted((base / "sib200_topic").glob("*/*.tsv")):
        rows = _read_tsv(path)
        col = rows[0].index("text")
        add(f"sib200/{path.parent.name}", (r[col] for r in rows[1:]))
    for path in sorted((base / "nusaparagraph_topic").glob("*/*.csv")):
        add(f"nusaparagraph/{path.parent.name}", (r["text"] for r in _read_csv(path)))
    for path in sorted((base / "nusax_senti").glob("*/*.csv")):
        add(f"nusax/{path.parent.name}", (r["text"] for r in _read_csv(path)))
    for path in sorted((base / "indonlu_emot").glob("*.csv")):
        add("indonlu_emot", (r["tweet"] for r in _read_csv(path)))
    for path in sorted((base / "indonlu_smsa").glob("*.tsv")):
        add("indonlu_smsa", (r[0] for r in _read_tsv(path) if r))
    for path in sorted((base / "indonlu_hoasa").glob("*.csv")):
        add("indonlu_hoasa", (r["review"] for r in _read_csv(path)))

    seen: set[str] = set()
    pool = []
    for source, text in out:
        if text and text.strip() and text not in seen:
            seen.add(text)
            pool.append((source, text))
    return pool


class Sample(NamedTuple):
    """Texts drawn by :func:`sample_texts`.

    Attributes:
        texts: ``n`` texts.
        sources: the source of each text (same length).
        pool_size: number of distinct texts available.
        duplicate_share: share of ``texts`` that repeat an earlier text of the sample, in
            [0, 1); 0 when ``n`` ≤ ``pool_size``, ``1 - pool_size / n`` beyond.
    """

    texts: list[str]
    sources: list[str]
    pool_size: int
    duplicate_share: float


def sample_texts(n: int, seed: int = 0, pool: list[tuple[str, str]] | None = None,
                 root: Path | str | None = None) -> Sample:
    """``n`` real texts drawn without replacement while they last, then pass after pass again.

    Each pass is a fresh shuffle of the whole pool with ``random.Random(seed)``, so the same
    ``n`` and ``seed`` give the same sample, and a text appears at most ``ceil(n / pool)`` times.

    Raises:
        ValueError: ``n`` < 0, or the pool is empty while ``n`` > 0.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    pool = text_pool(root) if pool is None else pool
    if n and not pool:
        raise ValueError(f"no texts found under {_dir(root)}")
    rng = random.Random(seed)
    drawn: list[tuple[str, str]] = []
    while len(drawn) < n:
        order = list(range(len(pool)))
        rng.shuffle(order)
        drawn += [pool[i] for i in order[: n - len(drawn)]]
    unique = len({text for _source, text in drawn})
    return Sample([t for _s, t in drawn], [s for s, _t in drawn], len(pool),
                  (n - unique) / n if n else 0.0)
