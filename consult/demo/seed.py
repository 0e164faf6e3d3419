"""Seeding the demo: a Kotabumi regency consultation on its ASN policy, and a real Polis import.

The Kotabumi content (``data/kotabumi_asn.json``) is fictional and written for this project: a
background text, a draft regulation (turned into a DOCX document), four questions and 176
submissions from every stakeholder type, including two form-letter campaigns, English and mixed
texts, very short and very long ones, and a few pending and hidden ones. Submission times are
relative to the moment of seeding, so the consultation is always open.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from ..accounts.models import Role
from ..accounts.services import create_user, get_by_email, grant_role
from ..analysis.services import request_analysis, run_analysis
from ..common.files import store_upload
from ..common.mixins import ModerationStatus
from ..common.types import utcnow
from ..consultations.models import Consultation, QuestionKind
from ..consultations.services import add_document, add_question, create_consultation
from ..extensions import db
from ..submissions.importers import import_polis
from ..submissions.models import SubmissionSource
from ..submissions.services import SubmissionInput, record_submission

DATA = Path(__file__).with_name("data") / "kotabumi_asn.json"
POLIS_CONVERSATION = "american-assembly.bowling-green"
POLIS_SLUG = "bowling-green-polis"
DEMO_PASSWORD = "demo-password-2026"
# (e-mail, name, site admin, role on every demo consultation)
DEMO_USERS = (("admin@example.org", "Admin Demo", True, None),
              ("drafter@example.org", "Perancang Demo", False, Role.drafter),
              ("moderator@example.org", "Moderator Demo", False, Role.moderator))

# the demo discussion: (author index, question key or None, reply to comment index or None, text)
DEMO_COMMENTS = (
    (0, None, None, "Kriteria mutasi sebaiknya diumumkan sebelum mutasi dilakukan, bukan sesudahnya."),
    (1, None, 0, "Setuju. Hasil penilaian kompetensi juga perlu bisa dilihat pegawai yang bersangkutan."),
    (2, None, None, "Rotasi setiap dua tahun terlalu cepat untuk jabatan teknis; minimal tiga tahun."),
    (1, "FIRST", None, "Penempatan guru dan tenaga kesehatan di kecamatan terpencil perlu tunjangan yang jelas."),
)
# votes: (voter index, comment index, "agree" / "disagree" / "pass")
DEMO_VOTES = ((1, 0, "agree"), (2, 0, "agree"), (0, 2, "disagree"), (1, 2, "agree"), (0, 3, "agree"),
              (2, 3, "pass"))
DEMO_RESPONDENTS = (("warga1@example.org", "Warga Satu"), ("warga2@example.org", "Warga Dua"),
                    ("warga3@example.org", "Warga Tiga"))


def seed_discussion(consultation: Consultation) -> None:
    """A small discussion on ``consultation`` by three demo respondents (password
    :data:`DEMO_PASSWORD`): comments, a reply and votes (flushed)."""
    from ..discussion.models import Comment, CommentVote

    people = [get_by_email(email) or create_user(email, DEMO_PASSWORD, name=name) for email, name in DEMO_RESPONDENTS]
    db.session.flush()
    made: list[Comment] = []
    first_question = next((q for q in consultation.questions if q.kind is QuestionKind.open), None)
    start = utcnow() - timedelta(days=len(DEMO_COMMENTS) + 1)  # in the past: no flood for their authors now
    for index, (author, question, parent, text) in enumerate(DEMO_COMMENTS):
        comment = Comment(consultation_id=consultation.id, author_id=people[author].id, body=text, language="id",
                          created_at=start + timedelta(days=index),
                          question_id=first_question.id if question == "FIRST" and first_question else None,
                          parent_id=made[parent].id if parent is not None else None,
                          moderation_status=ModerationStatus.published)
        db.session.add(comment)
        db.session.flush()
        made.append(comment)
    for voter, index, value in DEMO_VOTES:
        db.session.add(CommentVote(comment_id=made[index].id, user_id=people[voter].id,
                                   value={"agree": 1, "disagree": -1, "pass": 0}[value]))
    db.session.flush()


@dataclass
class SeedReport:
    """What the seed created (slugs of new consultations, e-mails of new users)."""

    consultations: list[str]
    users: list[str]
    skipped: list[str]


def _docx(paragraphs: list[dict], path: Path) -> None:
    import docx

    document = docx.Document()
    for para in paragraphs:
        style = para.get("style", "Normal")
        if style == "Title":
            document.add_heading(para["text"], level=0)
        elif style.startswith("Heading"):
            document.add_heading(para["text"], level=int(style.split()[-1]))
        elif style == "List Number":
            document.add_paragraph(para["text"], style="List Number")
        else:
            document.add_paragraph(para["text"])
    document.save(path)


def seed_kotabumi(*, secret: str, reference_prefix: str, upload_dir: str, max_bytes: int) -> Consultation:
    """Create the Kotabumi ASN consultation with its document and submissions (flushed)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    now = utcnow().replace(microsecond=0)
    meta = data["consultation"]
    consultation = create_consultation(
        slug=meta["slug"], title=meta["title"], summary=meta["summary"], body=meta["body_markdown"],
        opens_at=now - timedelta(days=21), closes_at=now + timedelta(days=14), published=True,
    )
    for question in data["questions"]:
        add_question(consultation, key=question["key"], text=question["text"],
                     kind=QuestionKind(question["kind"]), help_text=question.get("help", ""),
                     options=question.get("options"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / data["document"]["filename"]
        _docx(data["document"]["paragraphs"], path)
        with open(path, "rb") as stream:
            add_document(consultation, stream=stream, filename=path.name, title=data["document"]["title"],
                         upload_dir=upload_dir, max_bytes=max_bytes)

        likert = {q.key: q.options for q in consultation.questions if q.kind is not QuestionKind.open}
        attached = False
        for item in sorted(data["submissions"], key=lambda s: -s["days_ago"]):
            answers = {}
            for key, value in item.get("answers", {}).items():
                answers[key] = likert[key][int(value) - 1] if key in likert else value
            body = item.get("text", "")
            stored = None
            # One academic sends the long text as a position paper (DOCX) with a short cover note,
            # so the demo shows quotes located in an attachment.
            if not attached and item["stakeholder_type"] == "academic" and len(body) > 1500:
                paper = Path(tmp) / "position-paper.docx"
                _docx([{"style": "Title", "text": "Position paper"}]
                      + [{"text": p} for p in body.split("\n\n") if p.strip()], paper)
                with open(paper, "rb") as stream:
                    stored = store_upload(stream, "position-paper.docx", upload_dir, max_bytes)
                body = "Please find our position paper attached."
                attached = True
            record_submission(
                consultation,
                SubmissionInput(
                    stakeholder_type=item["stakeholder_type"], body=body, name=item.get("name"),
                    anonymous=not item.get("name"), organisation=item.get("organisation"),
                    region=item.get("region"), consent_publish=bool(item.get("consent")),
                ),
                answers, secret=secret, reference_prefix=reference_prefix,
                status=ModerationStatus(item.get("moderation", "published")), source=SubmissionSource.demo,
                submitted_at=now - timedelta(days=float(item["days_ago"])),
                stored_attachment=stored, upload_dir=upload_dir,
            )
    return consultation


def seed_demo(*, secret: str, reference_prefix: str, upload_dir: str, max_bytes: int,
              shared_data_dir: str | None, analyse: bool = True) -> SeedReport:
    """Seed everything the demo needs; skips what already exists (flushed, not committed).

    Creates the Kotabumi consultation (with a small discussion), the Polis conversation when
    ``shared_data_dir/polis_opendata`` exists, the demo users (password :data:`DEMO_PASSWORD`)
    and, with ``analyse``, a finished theme analysis of each new consultation.
    """
    report = SeedReport([], [], [])
    new: list[Consultation] = []
    slug = json.loads(DATA.read_text(encoding="utf-8"))["consultation"]["slug"]
    if db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)):
        report.skipped.append(slug)
    else:
        new.append(seed_kotabumi(secret=secret, reference_prefix=reference_prefix, upload_dir=upload_dir,
                                 max_bytes=max_bytes))
        seed_discussion(new[-1])
    polis_dir = Path(shared_data_dir or "") / "polis_opendata" / POLIS_CONVERSATION
    if db.session.scalar(select(Consultation.id).where(Consultation.slug == POLIS_SLUG)):
        report.skipped.append(POLIS_SLUG)
    elif shared_data_dir and polis_dir.is_dir():
        new.append(import_polis(polis_dir, slug=POLIS_SLUG, secret=secret,
                                reference_prefix=reference_prefix).consultation)
    for email, name, is_admin, role in DEMO_USERS:
        user = get_by_email(email)
        if user is None:
            user = create_user(email, DEMO_PASSWORD, name=name, is_admin=is_admin)
            report.users.append(email)
        if role is not None:
            for consultation in db.session.scalars(select(Consultation)):
                grant_role(user, consultation, role)
    for consultation in new:
        report.consultations.append(consultation.slug)
        if analyse:
            run_analysis(request_analysis(consultation))
    db.session.flush()
    return report
