"""Page weight benchmark: bytes a phone downloads for each main public page, uncompressed.

    python bench/page_weight.py

Seeds the demo consultation (``flask consult seed-demo`` without analysis) plus a worst-case
discussion — 40 comments of the maximum length, each with 5 maximum-length replies — into a
fresh SQLite database, then requests each page through the test client as an anonymous visitor
and as a signed-in respondent (who also gets the vote and comment forms). Prints the HTML bytes
and the first-visit total (HTML + the stylesheet, scripts and icon the page links), with no
compression (a proxy's gzip would divide them by 5 to 20). Target (issue 9): ≤ 100 KB
transferred per page.
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT = 100 * 1024


def main() -> None:
    from consult import create_app
    from consult.accounts.services import create_user
    from consult.consultations.models import Consultation
    from consult.demo.seed import seed_demo
    from consult.discussion.models import Comment
    from consult.discussion.services import MAX_COMMENT_CHARS
    from consult.extensions import db

    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'weight.sqlite3'}",
                                 "UPLOAD_DIR": str(tmp / "uploads")})
    (tmp / "uploads").mkdir()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        seed_demo(secret="s", reference_prefix="KTB", upload_dir=str(tmp / "uploads"), max_bytes=10_000_000,
                  shared_data_dir=None, analyse=False)
        consultation = db.session.scalar(db.select(Consultation))
        create_user("pembaca@example.org", "correct-horse-1")  # the reader: sees vote forms on others' comments
        user = create_user("penulis@example.org", "correct-horse-1")
        db.session.flush()
        text = ("Penilaian kinerja ASN harus terbuka dan melibatkan umpan balik warga. " * 40)[:MAX_COMMENT_CHARS]
        first = None
        for _ in range(40):
            top = Comment(consultation_id=consultation.id, author_id=user.id, body=text)
            db.session.add(top)
            db.session.flush()
            first = first or top.id
            db.session.add_all(Comment(consultation_id=consultation.id, author_id=user.id, body=text,
                                       parent_id=top.id) for _ in range(5))
        db.session.commit()
        slug, question = consultation.slug, consultation.questions[0].key
        reference = consultation.slug and db.session.execute(db.text(
            "SELECT reference FROM submissions WHERE moderation_status = 'published' AND consent_publish "
            "LIMIT 1")).scalar()
    pages = ["/", f"/c/{slug}", f"/c/{slug}/submit", f"/c/{slug}/submissions", f"/c/{slug}/submissions/{reference}",
             f"/c/{slug}/discussion", f"/c/{slug}/questions/{question}/discussion", f"/c/{slug}/comments/{first}",
             f"/c/{slug}/comments/{first}/flag", "/search?q=kinerja", "/auth/login", "/auth/register"]
    anonymous, member = app.test_client(), app.test_client()
    member.post("/auth/login", data={"email": "pembaca@example.org", "password": "correct-horse-1"})
    assets: dict[str, int] = {}
    print(f"{'page':58} {'visitor':>10} {'signed in':>10} {'first visit':>12}")
    worst = 0
    for path in pages:
        sizes = []
        for client in (anonymous, member):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            sizes.append(len(response.data))
        html = member.get(path).get_data(as_text=True)
        linked = set(re.findall(r'(?:href|src)="(/static/[^"?]+)', html))
        for asset in linked - set(assets):
            assets[asset] = len(anonymous.get(asset).data)
        total = max(sizes) + sum(assets[a] for a in linked)
        worst = max(worst, total)
        print(f"{path[:58]:58} {sizes[0]:>10,} {sizes[1]:>10,} {total:>12,}")
    print(f"\nheaviest first visit: {worst / 1024:.1f} KB (target ≤ {LIMIT // 1024} KB): "
          f"{'met' if worst <= LIMIT else 'MISSED'}")


if __name__ == "__main__":
    main()
