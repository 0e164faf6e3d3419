"""Export benchmark: seed N submissions into a fresh SQLite database, then export them all as
CSV, JSON and XLSX through the streaming writers, printing time and peak memory.

    python bench/exports.py --sizes 10000 100000

Each (size, format) runs in its own process, so peak memory (``ru_maxrss``) is that export's
alone; seeding happens in a separate process before. Target (issue 7): 100,000 submissions in
≤ 15 s per format, with peak memory flat in the number of rows.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = ["Kriteria mutasi ASN harus transparan dan diumumkan kepada semua pegawai.",
         "Pelatihan dan diklat harus merata sampai ke kecamatan yang jauh dari Kotabumi.",
         "Penilaian kinerja sebaiknya melibatkan umpan balik dari warga yang dilayani.",
         "Placement should follow competence, not proximity to officials."]


def _app(db_path: Path):
    from consult import create_app

    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                                  "INSTANCE_PATH": str(db_path.parent / "instance"),
                                  "UPLOAD_DIR": str(db_path.parent / "uploads")})


def seed(db_path: Path, n: int) -> None:
    """Migrate and fill ``db_path`` with ``n`` published submissions (bulk inserts)."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from consult.common.types import utcnow
    from consult.consultations.services import add_question, create_consultation
    from consult.extensions import db
    from consult.submissions.models import Answer, Submission

    app = _app(db_path)
    with app.app_context():
        upgrade()
        consultation = create_consultation(slug="bench", title="Bench")
        question = add_question(consultation, key="q1", text="Bagaimana?")
        db.session.commit()
        now = utcnow()
        for start in range(0, n, 5000):
            rows = [{"consultation_id": consultation.id, "reference": f"KTB-2026-{i:06d}",
                     "receipt_token_hash": f"{i:064d}", "stakeholder_type": "citizen",
                     "body": f"{TEXTS[i % 4]} ({i})", "language": "id", "consent_publish": i % 3 != 0,
                     "source": "web", "submitted_at": now, "moderation_status": "published",
                     "created_at": now, "updated_at": now} for i in range(start, min(n, start + 5000))]
            result = db.session.execute(insert(Submission).returning(Submission.id), rows)
            ids = [r[0] for r in result]
            db.session.execute(insert(Answer), [{"submission_id": sid, "question_id": question.id,
                                                 "text": TEXTS[(sid + 1) % 4]} for sid in ids])
            db.session.commit()


def export(db_path: Path, fmt: str) -> None:
    """Export every submission to /dev/null; print seconds, bytes and peak memory (MB)."""
    from consult.consultations.queries import get_by_slug
    from consult.exports.submissions import stream_csv, stream_json, stream_xlsx, submission_rows

    app = _app(db_path)
    with app.app_context():
        started = time.perf_counter()
        rows = submission_rows(get_by_slug("bench"))
        chunks = {"csv": stream_csv, "xlsx": stream_xlsx}.get(fmt, lambda r: stream_json(r, {"consultation": "bench"}))(rows)
        size = 0
        with open(os.devnull, "wb") as sink:
            for chunk in chunks:
                sink.write(chunk)
                size += len(chunk)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{fmt}\t{seconds:.2f}\t{size / 1e6:.1f}\t{peak_mb:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--worker", nargs=3, metavar=("ACTION", "DB", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        action, db, arg = args.worker
        seed(Path(db), int(arg)) if action == "seed" else export(Path(db), arg)
        return
    print("submissions\tformat\tseconds\tMB written\tpeak memory MB")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "bench.sqlite3"
            subprocess.run([sys.executable, __file__, "--worker", "seed", str(db_path), str(n)], check=True,
                           env={**os.environ, "CONSULT_CONFIG": "testing"})
            for fmt in ("csv", "json", "xlsx"):
                out = subprocess.run([sys.executable, __file__, "--worker", "export", str(db_path), fmt], check=True,
                                     capture_output=True, text=True, env={**os.environ, "CONSULT_CONFIG": "testing"})
                print(f"{n}\t{out.stdout.strip().splitlines()[-1]}", flush=True)


if __name__ == "__main__":
    main()
