"""Changing consultations: create, add questions and documents, mark answered.

Plain functions that take the actor as a parameter, check the rules, flush and never commit.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.files import FileRejected, store_upload
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from .models import (
    Consultation,
    Document,
    Lifecycle,
    ModerationMode,
    Question,
    QuestionKind,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIKERT_OPTIONS = ["Sangat tidak setuju", "Tidak setuju", "Netral", "Setuju", "Sangat setuju"]


def create_consultation(
    *,
    slug: str,
    title: str,
    summary: str = "",
    body: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    published: bool = True,
    moderation_mode: ModerationMode = ModerationMode.post,
    source_note: str | None = None,
) -> Consultation:
    """Create a consultation (flushed, not committed).

    Args:
        slug: lowercase letters, digits and single hyphens; unique.
        opens_at, closes_at: aware datetimes (stored in UTC); ``closes_at`` must follow ``opens_at``.
        published: ``False`` keeps it a draft, invisible to the public.

    Raises:
        ValidationFailed: bad or taken slug, empty title, window that closes before it opens.
    """
    errors: dict[str, list] = {}
    if not SLUG_RE.match(slug or ""):
        errors["slug"] = [_l("Use lowercase letters, digits and hyphens only.")]
    elif db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)):
        errors["slug"] = [_l("A consultation with this address already exists.")]
    if not (title or "").strip():
        errors["title"] = [_l("A title is required.")]
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_l("The closing time must be after the opening time.")]
    if errors:
        raise ValidationFailed(errors)
    consultation = Consultation(
        slug=slug, title=title.strip(), summary=summary or "", body=body or "",
        opens_at=opens_at, closes_at=closes_at,
        lifecycle=Lifecycle.published if published else Lifecycle.draft,
        moderation_mode=moderation_mode, source_note=source_note,
    )
    db.session.add(consultation)
    db.session.flush()
    return consultation


def add_question(
    consultation: Consultation,
    *,
    key: str,
    text: str,
    kind: QuestionKind = QuestionKind.open,
    help_text: str = "",
    options: list[str] | None = None,
    required: bool = False,
) -> Question:
    """Append a question to ``consultation`` (flushed).

    Likert questions get the five standard Indonesian options unless ``options`` is given.

    Raises:
        ValidationFailed: empty text, duplicate key, or a choice question without options.
    """
    if kind is QuestionKind.likert and not options:
        options = list(LIKERT_OPTIONS)
    errors: dict[str, list] = {}
    if not (text or "").strip():
        errors["text"] = [_l("The question needs a text.")]
    if not SLUG_RE.match(key or "") or any(q.key == key for q in consultation.questions):
        errors["key"] = [_l("Each question needs its own short key (lowercase, digits, hyphens).")]
    if kind is QuestionKind.single_choice and len(options or []) < 2:
        errors["options"] = [_l("A choice question needs at least two options.")]
    if errors:
        raise ValidationFailed(errors)
    question = Question(
        key=key, text=text.strip(), kind=kind, help_text=help_text or "", options=list(options or []),
        required=required, position=len(consultation.questions),
    )
    consultation.questions.append(question)
    db.session.flush()
    return question


def add_document(
    consultation: Consultation,
    *,
    stream: BinaryIO,
    filename: str,
    title: str,
    upload_dir: str | Path,
    max_bytes: int,
    actor=None,
) -> Document:
    """Store a PDF or DOCX as a document of ``consultation`` (flushed).

    Args:
        actor: the user uploading (``None`` for the CLI and the demo seed); must be admin or a
            drafter of the consultation.

    Raises:
        NotAllowed: the actor may not change this consultation.
        ValidationFailed: ``{"file": [...]}`` when the file is empty, too large or not PDF/DOCX;
            ``{"title": [...]}`` when the title is empty.
    """
    from ..accounts.models import Role

    if actor is not None and not actor.has_role(Role.drafter, consultation.id):
        raise NotAllowed(_l("Only drafters of this consultation may add documents."))
    if not (title or "").strip():
        raise ValidationFailed({"title": [_l("A title is required.")]})
    try:
        stored = store_upload(stream, filename, upload_dir, max_bytes)
    except FileRejected as exc:
        raise ValidationFailed({"file": [exc.message]}) from exc
    document = Document(
        consultation=consultation, title=title.strip(), filename=stored.filename,
        stored_name=stored.stored_name, content_type=stored.content_type,
        size_bytes=stored.size_bytes, sha256=stored.sha256,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    return document


def set_answered(consultation: Consultation, answered: bool, actor) -> None:
    """Set the staff flag that a closed consultation has been answered.

    Raises:
        NotAllowed: the actor is not admin or a drafter of the consultation.
    """
    from ..accounts.models import Role

    if not actor.has_role(Role.drafter, consultation.id):
        raise NotAllowed(_l("Only drafters of this consultation may change this."))
    consultation.answered = answered
    db.session.flush()
