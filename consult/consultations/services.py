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

from ..common.dates import to_local
from ..common.files import FileRejected, store_upload
from ..common.types import utcnow
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from .models import (
    Consultation,
    ConsultationEvent,
    Document,
    Lifecycle,
    ModerationMode,
    Participation,
    Question,
    QuestionKind,
    State,
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

    Likert questions always get the five standard Indonesian options; choice options are trimmed
    and repeats dropped.

    Raises:
        ValidationFailed: empty text, duplicate key, or a choice question without options.
    """
    options = _clean_options(kind, options)
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
    revises: Document | None = None,
    version_date=None,
) -> Document:
    """Store a PDF or DOCX as a document of ``consultation`` (flushed).

    Args:
        actor: the user uploading (``None`` for the CLI and the demo seed); must be admin or a
            drafter of the consultation.
        revises: an earlier version of the same document: the new file becomes its next version
            (same series; the older ones stay listed).
        version_date: the date the drafters give this version (a ``date``; default today).

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
        uploaded_by_id=getattr(actor, "id", None), version_date=version_date,
    )
    if version_date is not None and version_date > to_local(utcnow()).date():
        raise ValidationFailed({"version_date": [_l("The date of a version cannot be in the future.")]})
    if revises is not None:
        if revises.consultation_id != consultation.id:
            raise ValidationFailed({"revises": [_l("That document belongs to another consultation.")]})
        if version_date is not None and revises.version_date and version_date < revises.version_date:
            raise ValidationFailed({"version_date": [_l("A revised version cannot be dated before the version it "
                                                        "revises.")]})
        series = revises.series_id or revises.id
        document.series_id = series
        document.version = 1 + max(d.version or 1 for d in consultation.documents
                                    if d is not document and (d.series_id or d.id) == series)
    db.session.add(document)
    db.session.flush()
    if document.series_id is None:
        document.series_id = document.id
    if version_date is None:
        document.version_date = to_local(document.uploaded_at).date()
    db.session.flush()
    return document


def document_series(consultation: Consultation) -> list[list[Document]]:
    """The consultation's documents grouped by series, each newest version first; series in
    the order their first version was added."""
    series: dict[int, list[Document]] = {}
    for document in sorted(consultation.documents, key=lambda d: d.id):
        series.setdefault(document.series_id or document.id, []).append(document)
    return [sorted(versions, key=lambda d: d.version, reverse=True) for versions in series.values()]


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


# --------------------------------------------------------------------------- authoring

def _require_drafter(consultation: Consultation, actor) -> None:
    from ..accounts.models import Role

    if actor is not None and not actor.has_role(Role.drafter, consultation.id):
        raise NotAllowed(_l("Only drafters of this consultation may change it."))


def _iso(value) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def log_event(consultation: Consultation, actor, kind: str, *, before: dict | None = None,
              after: dict | None = None, note: str | None = None) -> ConsultationEvent:
    """Append one row to the consultation's event log (flushed)."""
    row = ConsultationEvent(consultation_id=consultation.id, actor_id=getattr(actor, "id", None), kind=kind,
                            before=before or {}, after=after or {}, note=(note or "").strip() or None)
    db.session.add(row)
    db.session.flush()
    return row


def events(consultation: Consultation, kinds: tuple[str, ...] | None = None) -> list[ConsultationEvent]:
    """The consultation's event log, oldest first (only ``kinds`` when given)."""
    stmt = select(ConsultationEvent).where(ConsultationEvent.consultation_id == consultation.id)
    if kinds:
        stmt = stmt.where(ConsultationEvent.kind.in_(kinds))
    return list(db.session.scalars(stmt.order_by(ConsultationEvent.id)))


def has_submissions(consultation: Consultation) -> bool:
    """Whether any submission (in any state) exists for ``consultation``."""
    from ..submissions.models import Submission

    return db.session.scalar(select(Submission.id).where(Submission.consultation_id == consultation.id)
                             .limit(1)) is not None


EDITABLE = ("title", "topic", "summary", "body", "opens_at", "closes_at", "moderation_mode", "participation")


def update_consultation(consultation: Consultation, actor, **fields) -> None:
    """Change a consultation's texts, window and settings (flushed).

    Args:
        fields: any of ``EDITABLE``; times are aware datetimes. Once published, the opening time
            cannot move after submissions exist, and the closing time only moves through
            :func:`extend` and :func:`close_now` (so every change is logged and announced).

    Raises:
        NotAllowed: the actor is not admin or a drafter of the consultation.
        ValidationFailed: empty title, a window that closes before it opens, or a time change
            the rules above forbid.
    """
    _require_drafter(consultation, actor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    errors: dict[str, list] = {}
    if "title" in fields and not (fields["title"] or "").strip():
        errors["title"] = [_l("A title is required.")]
    published = consultation.lifecycle is Lifecycle.published
    if published and "closes_at" in fields and fields["closes_at"] != consultation.closes_at:
        errors["closes_at"] = [_l("Use “Extend” or “Close now” to change the closing time of a published "
                                  "consultation: the change is then announced.")]
    moving_open = published and "opens_at" in fields and fields["opens_at"] != consultation.opens_at
    if moving_open and has_submissions(consultation):
        errors["opens_at"] = [_l("The opening time cannot change once submissions have arrived.")]
    elif moving_open and consultation.state is State.open and (fields["opens_at"] is None or
                                                                fields["opens_at"] > utcnow()):
        errors["opens_at"] = [_l("This consultation is open: its opening time cannot move to the future. "
                                 "Close it, or go back to draft, instead.")]
    opens = fields.get("opens_at", consultation.opens_at)
    closes = fields.get("closes_at", consultation.closes_at)
    if opens and closes and closes <= opens:
        errors["closes_at" if "closes_at" in fields else "opens_at"] = [
            _l("The closing time must be after the opening time.")]
    if errors:
        raise ValidationFailed(errors)
    changed, before = {}, {}
    for name, value in fields.items():
        if name == "moderation_mode":
            value = ModerationMode(value)
        elif name == "participation":
            value = Participation(value)
        elif name in ("title", "summary", "body", "topic"):
            value = (value or "").strip() if name != "body" else (value or "")
            if name == "topic":
                value = value or None
        if getattr(consultation, name) != value:
            if name in ("opens_at", "closes_at"):
                before[name] = _iso(getattr(consultation, name))
            changed[name] = value
            setattr(consultation, name, value)
    if changed:
        log_event(consultation, actor, "edited", before=before,
                  after={"fields": sorted(changed), **{k: _iso(v) for k, v in changed.items()
                                                       if k in ("opens_at", "closes_at")}})


def publish(consultation: Consultation, actor) -> None:
    """Publish a draft (flushed): it shows on the home page, as scheduled or open by its times.

    Raises:
        NotAllowed: not a drafter.
        ValidationFailed: no closing time, or no question and no background text to respond to.
    """
    _require_drafter(consultation, actor)
    errors: dict[str, list] = {}
    if consultation.closes_at is None:
        errors["closes_at"] = [_l("Set the closing time before publishing.")]
    elif consultation.closes_at <= utcnow() and consultation.lifecycle is not Lifecycle.published:
        errors["closes_at"] = [_l("The closing time has passed: set a later one before publishing.")]
    if not consultation.questions and not consultation.body.strip():
        errors[""] = [_l("Add the background or at least one question before publishing.")]
    if errors:
        raise ValidationFailed(errors)
    if consultation.lifecycle is not Lifecycle.published:
        consultation.lifecycle = Lifecycle.published
        log_event(consultation, actor, "published")


def unpublish(consultation: Consultation, actor) -> None:
    """Take a published consultation back to draft (flushed), only while no submission exists.

    Raises:
        NotAllowed: not a drafter.
        ValidationFailed: submissions already exist.
    """
    _require_drafter(consultation, actor)
    if has_submissions(consultation):
        raise ValidationFailed({"": [_l("This consultation has submissions: it cannot go back to draft. "
                                        "Close it instead.")]})
    if consultation.lifecycle is Lifecycle.published:
        consultation.lifecycle = Lifecycle.draft
        log_event(consultation, actor, "unpublished")


def extend(consultation: Consultation, actor, closes_at: datetime, *, note: str | None = None) -> None:
    """Move the closing time later (flushed); logged and announced on the consultation page.
    A closed consultation opens again until the new time.

    Raises:
        NotAllowed: not a drafter.
        ValidationFailed: the new time is not later than both the current closing time and now.
    """
    _require_drafter(consultation, actor)
    now = utcnow()
    if closes_at is None or closes_at <= now or (consultation.closes_at and closes_at <= consultation.closes_at):
        raise ValidationFailed({"closes_at": [_l("Choose a closing time later than the current one and than now.")]})
    before = consultation.closes_at
    consultation.closes_at = closes_at
    consultation.answered = False if before and before <= now else consultation.answered
    log_event(consultation, actor, "extended", before={"closes_at": _iso(before)},
              after={"closes_at": _iso(closes_at)}, note=note)


def close_now(consultation: Consultation, actor, *, note: str | None = None) -> None:
    """Close an open consultation at once (flushed, logged).

    Raises:
        NotAllowed: not a drafter.
        ValidationFailed: it is not open.
    """
    _require_drafter(consultation, actor)
    if consultation.state is not State.open:
        raise ValidationFailed({"": [_l("Only an open consultation can be closed.")]})
    before = consultation.closes_at
    consultation.closes_at = utcnow()
    log_event(consultation, actor, "closed", before={"closes_at": _iso(before)},
              after={"closes_at": _iso(consultation.closes_at)}, note=note)


def duplicate(consultation: Consultation, actor, *, slug: str, title: str, upload_dir: str | Path | None = None
              ) -> Consultation:
    """A new draft copied from ``consultation`` as a template (flushed): texts, topic, settings,
    questions and the current version of each document (files copied); no submissions, no times.

    Raises:
        NotAllowed: not a site admin (creating a consultation is for admins).
        ValidationFailed: see :func:`create_consultation`.
    """
    import secrets
    import shutil

    if actor is not None and not actor.is_admin:
        raise NotAllowed(_l("Only an admin may create a consultation."))
    copy = create_consultation(slug=slug, title=title, summary=consultation.summary, body=consultation.body,
                               published=False, moderation_mode=consultation.moderation_mode)
    copy.topic, copy.participation = consultation.topic, consultation.participation
    copy.deletion_rule, copy.retention_days = consultation.deletion_rule, consultation.retention_days
    copy.flag_threshold = consultation.flag_threshold
    for question in consultation.questions:
        copy.questions.append(Question(key=question.key, text=question.text, kind=question.kind,
                                       help_text=question.help_text, options=list(question.options),
                                       required=question.required, position=question.position))
    for versions in document_series(consultation):
        current = versions[0]
        stored_name = current.stored_name
        if upload_dir is not None:
            stored_name = f"{secrets.token_hex(16)}{Path(current.stored_name).suffix}"
            shutil.copyfile(Path(upload_dir) / current.stored_name, Path(upload_dir) / stored_name)
        copy.documents.append(Document(title=current.title, filename=current.filename, stored_name=stored_name,
                                       content_type=current.content_type, size_bytes=current.size_bytes,
                                       sha256=current.sha256, uploaded_by_id=getattr(actor, "id", None),
                                       version_date=current.version_date))
    db.session.flush()
    for document in copy.documents:
        document.series_id = document.id
    log_event(copy, actor, "duplicated", before={"from": consultation.slug})
    db.session.flush()
    return copy


def update_question(question: Question, actor, *, text: str, help_text: str = "", kind=None,
                    options: list[str] | None = None, required: bool = False,
                    correction_note: str | None = None) -> None:
    """Change a question (flushed).

    Before any submission exists everything may change. Afterwards the question may not change
    in meaning: its kind and options are fixed, and its text may only be corrected with a note
    (e.g. a typo), which is logged with the old and new text.

    Raises:
        NotAllowed: not a drafter.
        ValidationFailed: empty text; a choice question without two options; a change of kind
            or options after submissions; a text correction without a note.
    """
    consultation = question.consultation
    _require_drafter(consultation, actor)
    kind = QuestionKind(kind) if kind else question.kind
    options = _clean_options(kind, options if options is not None else question.options)
    if kind is QuestionKind.likert:
        options = list(question.options) if question.kind is QuestionKind.likert else list(LIKERT_OPTIONS)
    errors: dict[str, list] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = [_l("The question needs a text.")]
    if kind is QuestionKind.single_choice and len(options) < 2:
        errors["options"] = [_l("A choice question needs at least two options.")]
    locked = has_submissions(consultation)
    if locked and (kind is not question.kind or options != list(question.options)):
        errors["kind"] = [_l("Submissions have arrived: the kind and options of this question can no longer "
                             "change (its meaning would change for those who already answered).")]
    help_text = (help_text or "").strip()
    if locked and bool(required) != question.required:
        errors["required"] = [_l("Submissions have arrived: whether an answer is required can no longer change.")]
    if locked and (text != question.text or help_text != question.help_text) and not (correction_note or "").strip():
        errors["correction_note"] = [_l("Submissions have arrived: say what the correction is (it is logged).")]
    if errors:
        raise ValidationFailed(errors)
    if locked and (text != question.text or help_text != question.help_text):
        log_event(consultation, actor, "question_corrected",
                  before={"key": question.key, "text": question.text, "help_text": question.help_text},
                  after={"key": question.key, "text": text, "help_text": help_text}, note=correction_note)
    question.text, question.help_text, question.kind = text, help_text, kind
    question.options, question.required = options, bool(required)
    db.session.flush()


def _clean_options(kind: QuestionKind, options) -> list[str]:
    """Options as drafters typed them: trimmed, empty lines and repeats dropped (first kept);
    none for open questions; the standard five for a Likert scale."""
    if kind is QuestionKind.open:
        return []
    if kind is QuestionKind.likert:
        return list(LIKERT_OPTIONS)
    return list(dict.fromkeys(o.strip() for o in (options or []) if o and o.strip()))


def delete_draft(consultation: Consultation, actor) -> None:
    """Delete a draft consultation that never received a submission (flushed).

    Raises:
        NotAllowed: not a site admin.
        ValidationFailed: it is published or has submissions.
    """
    if actor is not None and not actor.is_admin:
        raise NotAllowed(_l("Only an admin may delete a consultation."))
    if consultation.lifecycle is not Lifecycle.draft or has_submissions(consultation):
        raise ValidationFailed({"": [_l("Only a draft without submissions can be deleted.")]})
    db.session.delete(consultation)
    db.session.flush()


def remove_question(question: Question, actor) -> None:
    """Remove a question (flushed), only while no submission exists.

    Raises:
        NotAllowed: not a drafter.
        ValidationFailed: submissions already exist.
    """
    consultation = question.consultation
    _require_drafter(consultation, actor)
    if has_submissions(consultation):
        raise ValidationFailed({"": [_l("Submissions have arrived: a question can no longer be removed.")]})
    consultation.questions.remove(question)
    for position, remaining in enumerate(consultation.questions):
        remaining.position = position
    db.session.flush()


def move_question(question: Question, actor, offset: int) -> None:
    """Move a question up (``-1``) or down (``+1``) in the order (flushed)."""
    consultation = question.consultation
    _require_drafter(consultation, actor)
    ordered = sorted(consultation.questions, key=lambda q: q.position)
    index = ordered.index(question)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
    db.session.flush()
