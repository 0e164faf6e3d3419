"""Speed bench: throughput and peak memory of :func:`consult.themes.analyse` on real texts.

Run ``python -m consult.themes.bench --sizes 1000 10000 100000`` (or ``make bench-themes``)::

    python -m consult.themes.bench [--sizes N ...] [--bertopic-max 10000]
        [--bertopic-timeout SECONDS] [--timeout SECONDS] [--seed 0] [--json FILE]

For each size it draws that many real texts from the shared data
(:func:`consult.themes.datasets.sample_texts`: without replacement while they last, then pass
after pass again; the duplicate share is printed) and runs ``analyse`` once, in a fresh Python
subprocess, so the peak resident set size (``VmHWM`` of the child, in MiB) belongs to that size
alone. It prints documents, seconds, documents per second, peak RSS and duplicate share. For
sizes up to ``--bertopic-max`` it also runs BERTopic's default pipeline (Grootendorst 2022;
:func:`consult.themes.baselines.bertopic_default`) in its own subprocess under a time limit,
and prints its throughput and our ratio to it; on a timeout the ratio printed is a lower bound
(``≥``), because BERTopic needed more than the limit.

Seconds are wall clock of the grouping call only: the subprocess first imports, loads the texts
(and, for BERTopic, the MiniLM model), makes one untimed warm-up call on 200 of the texts (lazy
imports; numba compiles UMAP/HDBSCAN on first use), reports "ready", and only then is timed. Sequential, one
size at a time. Targets (2-core machine): 10,000 documents ≤ 5 s, 100,000 ≤ 60 s, peak RSS
≤ 2 GB, and at least 20× BERTopic's documents per second.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .datasets import ROOT, sample_texts, shared_data_dir, text_pool

#: size → seconds target; RSS and ratio targets apply to every size where they are measured.
TIME_TARGETS = {10_000: 5.0, 100_000: 60.0}
RSS_TARGET_MIB = 2048
RATIO_TARGET = 20.0
#: texts of the untimed warm-up call in each subprocess (lazy imports, numba compilation).
WARM_UP = 200
TARGETS_LINE = ("targets (2-core machine): 10,000 docs ≤ 5 s; 100,000 docs ≤ 60 s; peak RSS ≤ 2 GB "
                "(2,048 MiB); ≥ 20× BERTopic's docs/s")


# --------------------------------------------------------------------------- child side

def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB: ``VmHWM`` from ``/proc/self/status``,
    else ``ru_maxrss`` (KiB on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(method: str, size: int, seed: int) -> dict:
    """The measurement inside the subprocess; prints ``ready`` once set up, returns the figures.

    Returns:
        ``{"method", "size", "seconds", "n_themes", "n_unassigned", "peak_rss_mib",
        "rss_before_mib", "duplicate_share", "pool_size"}`` (``n_themes``/``n_unassigned``
        count groups and outliers for BERTopic).

    Raises:
        ValueError: unknown ``method``.
    """
    pool = text_pool()
    sample = sample_texts(size, seed, pool)
    if method == "ours":
        from . import Document, analyse

        docs = [Document(f"d{i}", text) for i, text in enumerate(sample.texts)]

        def run():
            result = analyse(docs, n_themes=None, seed=seed)
            return len(result.themes), len(result.unassigned)
    elif method == "bertopic":
        from . import baselines

        model = baselines.minilm()

        def run():
            labels = baselines.bertopic_default(sample.texts, seed=seed, embedding_model=model)
            return len(set(labels) - {-1}), labels.count(-1)
    else:
        raise ValueError(f"unknown method {method!r}")
    warm = sample_texts(min(WARM_UP, size), seed + 1, pool).texts  # another draw, same pool
    if warm and method == "ours":
        analyse([Document(f"w{i}", text) for i, text in enumerate(warm)], seed=seed)
    elif warm:
        baselines.bertopic_default(warm, seed=seed, embedding_model=model)
    rss_before = peak_rss_mib()
    print("ready", flush=True)
    started = time.perf_counter()
    n_themes, n_unassigned = run()
    seconds = time.perf_counter() - started
    return {"method": method, "size": size, "seconds": seconds, "n_themes": n_themes,
            "n_unassigned": n_unassigned, "peak_rss_mib": peak_rss_mib(), "rss_before_mib": rss_before,
            "duplicate_share": sample.duplicate_share, "pool_size": sample.pool_size}


# --------------------------------------------------------------------------- parent side

def measure(method: str, size: int, seed: int = 0, timeout: float | None = None) -> dict:
    """Run :func:`run_child` in a fresh interpreter and return its figures.

    The time limit starts when the child reports ``ready`` (setup is not limited). On timeout
    the child (only ours, by its handle) is killed.

    Returns:
        The child's dict plus ``"status"``: ``"ok"``, ``"timeout"`` (then ``seconds`` is the
        limit, a lower bound) or ``"error: …"``.
    """
    cmd = [sys.executable, "-m", "consult.themes.bench", "--child", method, "--sizes", str(size),
           "--seed", str(seed)]
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)
        first = proc.stdout.readline()
        if first.strip() != "ready":
            proc.wait()
            err.seek(0)
            return {"method": method, "size": size, "status": f"error: {_tail(err.read() or first)}"}
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"method": method, "size": size, "status": "timeout", "seconds": timeout}
        err.seek(0)
        if proc.returncode != 0:
            return {"method": method, "size": size, "status": f"error: {_tail(err.read())}"}
    figures = json.loads(out.strip().splitlines()[-1])
    figures["status"] = "ok"
    return figures


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def _verdict(size: int, ours: dict, ratio: float | None, ratio_is_bound: bool) -> str:
    checks = []
    if ours.get("status") != "ok":
        limit = TIME_TARGETS.get(size)
        return f"time > limit{' (target ≤ %g s: MISS)' % limit if limit else ''}"
    if size in TIME_TARGETS:
        limit = TIME_TARGETS[size]
        checks.append(f"≤ {limit:g} s {'ok' if ours['seconds'] <= limit else 'MISS'}")
    checks.append(f"RSS {'ok' if ours['peak_rss_mib'] <= RSS_TARGET_MIB else 'MISS'}")
    if ratio is not None:
        ok = ratio >= RATIO_TARGET
        checks.append(f"≥ 20× {'ok' if ok else ('unknown' if ratio_is_bound else 'MISS')}")
    return ", ".join(checks)


def bench(sizes: Sequence[int], *, seed: int = 0, bertopic_max: int = 10_000,
          bertopic_timeout: float = 900.0, timeout: float = 1800.0, log=print) -> list[dict]:
    """Measure every size (ours, then BERTopic when ``size <= bertopic_max`` and installed).

    Returns:
        One dict per size: ``size``, ``ours`` and ``bertopic`` (figures from :func:`measure`,
        ``bertopic`` ``None`` when not run), ``docs_per_s``, ``bertopic_docs_per_s``, ``ratio``
        (ours / BERTopic docs/s), ``ratio_is_lower_bound`` and ``verdict`` (targets met or missed).
    """
    from .baselines import bertopic_missing

    missing = bertopic_missing()
    if missing:
        log(f"skipped: bertopic — {missing}")
    header = (f"{'size':>8} {'dup share':>9} {'seconds':>8} {'docs/s':>8} {'peak RSS MiB':>12} "
              f"{'themes':>6} {'unass.':>6} | {'BERTopic s':>10} {'docs/s':>7} {'RSS MiB':>7} {'ratio':>8} | targets")
    log(header)
    results = []
    for size in sizes:
        ours = measure("ours", size, seed, timeout)
        bert = None
        if size <= bertopic_max and not missing:
            bert = measure("bertopic", size, seed, bertopic_timeout)
        entry = {"size": size, "ours": ours, "bertopic": bert, "docs_per_s": None,
                 "bertopic_docs_per_s": None, "ratio": None, "ratio_is_lower_bound": False}
        if ours.get("status") == "ok" and ours["seconds"] > 0:
            entry["docs_per_s"] = size / ours["seconds"]
        if bert and bert.get("status") in ("ok", "timeout") and bert.get("seconds"):
            entry["bertopic_docs_per_s"] = size / bert["seconds"]  # an upper bound on timeout
            entry["ratio_is_lower_bound"] = bert["status"] == "timeout"
            if entry["docs_per_s"]:
                entry["ratio"] = entry["docs_per_s"] / entry["bertopic_docs_per_s"]
        entry["verdict"] = _verdict(size, ours, entry["ratio"], entry["ratio_is_lower_bound"])
        results.append(entry)
        log(format_line(entry))
    return results


def format_line(entry: dict) -> str:
    """One table line for a size (see :func:`bench`)."""
    ours, bert = entry["ours"], entry["bertopic"]
    if ours.get("status") == "ok":
        left = (f"{entry['size']:>8,} {ours['duplicate_share']:>9.1%} {ours['seconds']:>8.2f} "
                f"{entry['docs_per_s']:>8,.0f} {ours['peak_rss_mib']:>12,.0f} {ours['n_themes']:>6} "
                f"{ours['n_unassigned']:>6}")
    elif ours.get("status") == "timeout":
        left = f"{entry['size']:>8,} {'':>9} {'>' + format(ours['seconds'], '.0f'):>8} {'timeout':>8} {'':>12} {'':>6} {'':>6}"
    else:
        left = f"{entry['size']:>8,} {ours.get('status', '')}"
    if bert is None:
        right = f"{'not run':>10} {'':>7} {'':>7} {'':>8}"
    elif bert["status"] == "ok":
        ratio = f"{entry['ratio']:.1f}×" if entry["ratio"] else "—"
        right = (f"{bert['seconds']:>10.1f} {entry['bertopic_docs_per_s']:>7,.0f} {bert['peak_rss_mib']:>7,.0f} "
                 f"{ratio:>8}")
    elif bert["status"] == "timeout":
        ratio = f"≥{entry['ratio']:.1f}×" if entry["ratio"] else "—"
        right = (f"{'>' + format(bert['seconds'], '.0f'):>10} {'<' + format(entry['bertopic_docs_per_s'], ',.0f'):>7} "
                 f"{'':>7} {ratio:>8}")
    else:
        right = f"{bert['status'][:40]:>10}"
    return f"{left} | {right} | {entry['verdict']}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m consult.themes.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10_000, 100_000])
    parser.add_argument("--bertopic-max", type=int, default=10_000,
                        help="run BERTopic on sizes up to this (default 10,000; 0 = never)")
    parser.add_argument("--bertopic-timeout", type=float, default=900.0, metavar="SECONDS",
                        help="time limit of one BERTopic run (default 900)")
    parser.add_argument("--timeout", type=float, default=1800.0, metavar="SECONDS",
                        help="time limit of one run of our engine (default 1800)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--child", choices=("ours", "bertopic"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(run_child(args.child, args.sizes[0], args.seed)), flush=True)
        return 0

    from .evaluate import describe_environment, environment

    def log(line: str) -> None:
        print(line, flush=True)

    env = environment()
    pool = len(text_pool())
    log(f"consult.themes.bench — from one run on {describe_environment(env)}")
    log(f"text pool: {pool:,} distinct real texts from {shared_data_dir()} (Polis, ArgKP, SIB-200, "
        f"NusaParagraph, NusaX, IndoNLU EmoT/SmSA/HoASA); drawn without replacement while they last, "
        f"seed {args.seed}; 'dup share' = share of a sample repeating an earlier text")
    log(f"load average at start: {env['load_average']} (other processes on the machine slow every figure)")
    log("each run in a fresh subprocess after an untimed warm-up call on 200 of its texts; "
        "seconds = the grouping call only; peak RSS = VmHWM of that "
        "subprocess (interpreter, data and libraries included); BERTopic seconds include embedding, "
        "not model loading; ratio = our docs/s ÷ BERTopic's (≥ = lower bound after a timeout)")
    log(TARGETS_LINE)
    log("")
    results = bench(args.sizes, seed=args.seed, bertopic_max=args.bertopic_max,
                    bertopic_timeout=args.bertopic_timeout, timeout=args.timeout, log=log)
    if args.json:
        args.json.write_text(json.dumps({"environment": env, "pool_size": pool, "results": results}, indent=2),
                             encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
