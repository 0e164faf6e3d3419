"""Speed and memory of the main job: import → analyse → export, on real and demo data.

Run with ``make bench`` (or ``.venv/bin/python -m benchmarks.themes``). Prints, per data set: the
number of documents, themes, unassigned documents, seconds and peak traced memory of the engine
alone; then, for the largest Polis conversation, the whole CLI path on a SQLite file (import,
analyse, export). Uses ../shared/data when present (set CONSULT_SHARED_DATA to move it).
"""
from __future__ import annotations

import csv
import json
import os
import platform
import tempfile
import time
import tracemalloc
from pathlib import Path

from consult.themes import Document, analyse

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CONSULT_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEMO = ROOT / "consult" / "demo" / "data" / "kotabumi_asn.json"


def polis_documents(conversation: str) -> list[Document]:
    """Accepted and unmoderated comments of a Polis conversation (rejected ones are never analysed)."""
    with open(SHARED / "polis_opendata" / conversation / "comments.csv", newline="", encoding="utf-8") as fh:
        return [Document(r["comment-id"], r["comment-body"], quotable=r["moderated"] == "1")
                for r in csv.DictReader(fh) if r["moderated"] != "-1" and r["comment-body"].strip()]


def demo_documents() -> list[Document]:
    """The general free text of the demo's published and pending submissions."""
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    return [Document(str(i), s["text"], stakeholder_type=s["stakeholder_type"], quotable=s["consent"])
            for i, s in enumerate(data["submissions"]) if s["text"].strip() and s["moderation"] != "hidden"]


def measure(name: str, docs: list[Document]) -> None:
    """Print one row: documents, themes, unassigned, seconds, peak MiB.

    Seconds come from an untraced run (tracemalloc slows Python down); the peak of Python and
    NumPy allocations from a second, traced run.
    """
    started = time.perf_counter()
    result = analyse(docs)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    analyse(docs)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:<42} {len(docs):>6} {len(result.themes):>7} {len(result.unassigned):>6} "
          f"{seconds:>8.2f} {peak / 2**20:>9.1f}")


def whole_path(conversation: str) -> None:
    """Time the CLI path (import-polis, analyse, export json) on a fresh SQLite file."""
    from flask_migrate import upgrade

    from consult import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                                     "INSTANCE_PATH": tmp, "UPLOAD_DIR": f"{tmp}/uploads"})
        with app.app_context():
            upgrade()
        runner = app.test_cli_runner()
        folder = SHARED / "polis_opendata" / conversation
        steps = [
            ("import-polis", ["consult", "import-polis", str(folder), "--slug", "bench"]),
            ("analyse", ["consult", "analyse", "bench"]),
            ("export json", ["consult", "export", "bench", "--format", "json", "--output", f"{tmp}/out.json"]),
        ]
        for label, args in steps:
            started = time.perf_counter()
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
            print(f"  {label:<14} {time.perf_counter() - started:>7.2f} s")


def main() -> None:
    """Run every benchmark that its data allows."""
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"{'data set':<42} {'docs':>6} {'themes':>7} {'unass.':>6} {'seconds':>8} {'peak MiB':>9}")
    measure("demo: Kotabumi ASN, general free text", demo_documents())
    if (SHARED / "polis_opendata").is_dir():
        for conversation in sorted(p.name for p in (SHARED / "polis_opendata").iterdir() if p.is_dir()):
            measure(f"polis: {conversation}", polis_documents(conversation))
        print("whole CLI path on march-on.operation-marchin-orders (SQLite):")
        whole_path("march-on.operation-marchin-orders")
    else:
        print(f"(no Polis data at {SHARED / 'polis_opendata'}; only the demo was measured)")


if __name__ == "__main__":
    main()
