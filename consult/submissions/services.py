"""Recording submissions: the rules that span rows, references and receipt tokens.

``create_submission`` is the one way a web submission enters the database; importers use
``record_submission`` for rows that arrive already moderated (Polis, CSV).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.dates import format_wib
from ..common.files import FileRejected, StoredFile, extract_segments, store_upload
from ..common.mixins import ModerationStatus
from ..common.types import utcnow
from ..consultations.models import (
    Consultation,
    ModerationMode,
    Participation,
    QuestionKind,
    State,
)
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..text.language import detect_language
from ..text.normalise import clean_text, is_blank
from .models import Answer, Attachment, StakeholderType, Submission, SubmissionSource

WIB = ZoneInfo("Asia/Jakarta")
ORGANISATION_TYPES = {StakeholderType.professional_body, StakeholderType.government_unit}


class ConsultationNotOpen(DomainError):
    """The consultation does not accept submissions now (scheduled, closed or a draft)."""


class SignInRequired(DomainError):
    """The consultation accepts submissions from signed-in accounts only."""


@dataclass
class SubmissionInput:
    """What a respondent sends, already shaped by the form.

    ``answers`` maps a question key to its text (open) or chosen option (choice, Likert).
    ``client_token`` is the form's one-time key (double-submit protection).
    """

    stakeholder_type: StakeholderType | str | None
    body: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    name: str | None = None
    anonymous: bool = False
    on_behalf: bool = False
    organisation: str | None = None
    email: str | None = None
    region: str | None = None
    consent_publish: bool = False
    client_token: str | None = None
    source_hash: str | None = None  # keyed hash of the sending visitor (flood rule), never shown
    user_id: int | None = None  # the signed-in respondent's account
    representative_claim_id: int | None = None  # speaking for an organisation the account claims
    consent_wording: str | None = None  # the consent text shown, recorded with the answer (UU PDP)
    consent_language: str | None = None


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a receipt token (only the digest is stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def receipt_token_for(client_token: str | None, secret: str) -> str:
    """The receipt token of a submission.

    With a form key it is ``HMAC-SHA256(secret, client_token)`` (URL-safe base64): a resent form
    finds the same receipt, even when the first response never reached the phone. Without one it
    is 32 random bytes.
    """
    if client_token:
        digest = hmac.new(secret.encode(), f"receipt:{client_token}".encode(), hashlib.sha256).digest()
        import base64

        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return secrets.token_urlsafe(32)


def make_reference(prefix: str, submission: Submission) -> str:
    """Public reference ``PREFIX-YYYY-NNNNNN``: the year of submission in WIB and the row id."""
    year = submission.submitted_at.astimezone(WIB).year
    return f"{prefix}-{year}-{submission.id:06d}"


def find_by_client_token(client_token: str | None) -> Submission | None:
    """The submission already recorded for this form key, if any."""
    if not client_token:
        return None
    return db.session.scalar(select(Submission).where(Submission.client_token == client_token))


MAX_KEY_CHAIN = 8


def _key_chain(consultation: Consultation, data: SubmissionInput):
    """The form key, then keys derived from it, the consultation and the content (SHA-256)."""
    key = data.client_token
    fingerprint = "\x1f".join([str(consultation.id), clean_text(data.body)] + [
        f"{k}={clean_text(v)}" for k, v in sorted((data.answers or {}).items()) if not is_blank(v)])
    for _ in range(MAX_KEY_CHAIN):
        if not key:
            return
        yield key
        key = hashlib.sha256(f"{key}\x1e{fingerprint}".encode()).hexdigest()[:48]


def claim_key(consultation: Consultation, data: SubmissionInput) -> tuple[Submission | None, str | None]:
    """Walk the form's key chain: ``(submission already recorded by this very form, None)``, or
    ``(None, first free key)`` to record it under.

    A key held by a submission with other content (the form was edited after going Back, or the
    key was reused on another consultation) moves on to a key derived from it and the content, so
    sending the edited form again is still recognised as a resend. One walk decides both, so a
    resend cannot slip between two lookups.
    """
    for key in _key_chain(consultation, data):
        holder = find_by_client_token(key)
        if holder is None:
            return None, key
        if holder.consultation_id == consultation.id and same_content(holder, data):
            return holder, None
    return None, None


def resent(consultation: Consultation, data: SubmissionInput) -> Submission | None:
    """The submission this very form already recorded, if any (see :func:`claim_key`)."""
    return claim_key(consultation, data)[0]


def same_content(submission: Submission, data: SubmissionInput) -> bool:
    """Whether ``data`` carries the same texts as the recorded ``submission`` (a resent form)."""
    if clean_text(data.body) != submission.body:
        return False
    recorded = {a.question.key: (a.text if a.text is not None else a.choice) for a in submission.answers}
    sent = {k: clean_text(v) for k, v in (data.answers or {}).items() if not is_blank(v)}
    return recorded == sent


def _check_open(consultation: Consultation, now: datetime) -> None:
    state = consultation.state_at(now)
    if state is State.open:
        return
    if state is State.scheduled:
        raise ConsultationNotOpen(_l("This consultation is not open yet; it opens on %(when)s.",
                                     when=format_wib(consultation.opens_at)))
    if state in (State.closed, State.answered):
        raise ConsultationNotOpen(_l("This consultation closed on %(when)s and no longer accepts submissions.",
                                     when=format_wib(consultation.closes_at)))
    raise ConsultationNotOpen(_l("This consultation is not open for submissions."))


def validate_input(consultation: Consultation, data: SubmissionInput, *, has_attachment: bool = False
                   ) -> dict[str, str]:
    """Check the rules of one submission; return cleaned answers by question key.

    Args:
        has_attachment: a position paper comes with it (it counts as text).

    Raises:
        ValidationFailed: field → messages, for: unknown stakeholder type; no name and not
            anonymous; organisation missing when speaking for a body; a required or invalid answer;
            no text at all (free text and every open answer empty or whitespace, and no attachment).
    """
    errors: dict[str, list] = {}
    try:
        StakeholderType(data.stakeholder_type)
    except ValueError:
        errors["stakeholder_type"] = [_l("Choose who you are responding as.")]
    if not data.anonymous and is_blank(data.name):
        errors["name"] = [_l("Give your name, or tick “Send anonymously”.")]
    speaks_for_body = data.on_behalf or data.stakeholder_type in {t.value for t in ORGANISATION_TYPES} \
        or data.stakeholder_type in ORGANISATION_TYPES
    if speaks_for_body and is_blank(data.organisation):
        errors["organisation"] = [_l("Name the organisation you are responding for.")]

    answers: dict[str, str] = {}
    for question in consultation.questions:
        raw = (data.answers or {}).get(question.key)
        if question.kind is QuestionKind.open:
            value = clean_text(raw)
        else:
            value = (raw or "").strip()
            if value and value not in question.options:
                errors[f"q_{question.key}"] = [_l("Choose one of the options.")]
                continue
        if not value:
            if question.required:
                errors[f"q_{question.key}"] = [_l("This question needs an answer.")]
            continue
        answers[question.key] = value

    has_text = has_attachment or not is_blank(data.body) or any(
        q.key in answers for q in consultation.open_questions
    )
    if not has_text:
        errors["body"] = [_l("Write your submission here, or answer at least one question in words.")]
    if errors:
        raise ValidationFailed(errors)
    return answers


def record_submission(
    consultation: Consultation,
    data: SubmissionInput,
    answers: dict[str, str],
    *,
    secret: str,
    reference_prefix: str,
    status: ModerationStatus,
    source: SubmissionSource = SubmissionSource.web,
    submitted_at: datetime | None = None,
    external_id: str | None = None,
    stored_attachment: StoredFile | None = None,
    upload_dir: str | Path | None = None,
) -> tuple[Submission, str]:
    """Insert a submission with its answers (flushed, not committed).

    Returns:
        ``(submission, receipt_token)``; the token is shown once and only its hash is stored.
    """
    body = clean_text(data.body)
    language = detect_language("\n".join([body, *answers.values()]))
    stakeholder = StakeholderType(data.stakeholder_type) if data.stakeholder_type else None
    token = receipt_token_for(data.client_token, secret)
    submission = Submission(
        consultation_id=consultation.id,
        receipt_token_hash=hash_token(token),
        client_token=data.client_token or None,
        stakeholder_type=stakeholder,
        name=None if data.anonymous else (clean_text(data.name) or None),
        organisation_name=clean_text(data.organisation) or None,
        email=(data.email or "").strip().lower() or None,
        region=clean_text(data.region) or None,
        body=body,
        language=language,
        consent_publish=bool(data.consent_publish),
        user_id=data.user_id,
        representative_claim_id=data.representative_claim_id,
        source=source,
        external_id=external_id,
        submitted_at=submitted_at or utcnow(),
        moderation_status=status,
    )
    by_key = {q.key: q for q in consultation.questions}
    for key, value in answers.items():
        question = by_key[key]
        if question.kind is QuestionKind.open:
            submission.answers.append(Answer(question_id=question.id, text=value))
        else:
            submission.answers.append(Answer(question_id=question.id, choice=value))
    if stored_attachment is not None:
        stored_attachment = _unshared(stored_attachment, upload_dir)
        segments = extract_segments(Path(upload_dir) / stored_attachment.stored_name) if upload_dir else []
        submission.attachment = Attachment(
            filename=stored_attachment.filename, stored_name=stored_attachment.stored_name,
            content_type=stored_attachment.content_type, size_bytes=stored_attachment.size_bytes,
            sha256=stored_attachment.sha256, segments=segments,
        )
    db.session.add(submission)
    db.session.flush()
    submission.reference = make_reference(reference_prefix, submission)
    db.session.flush()
    return submission, token


def _unshared(stored: StoredFile, upload_dir: str | Path | None) -> StoredFile:
    """The stored file itself, or a copy under a new name when another submission already uses it.

    (A respondent may go back after sending and send the same kept attachment again.)
    """
    taken = db.session.scalar(select(Attachment.id).where(Attachment.stored_name == stored.stored_name))
    if upload_dir is None or not taken:
        return stored
    new_name = f"{secrets.token_hex(16)}.{stored.kind}"
    shutil.copyfile(Path(upload_dir) / stored.stored_name, Path(upload_dir) / new_name)
    return replace(stored, stored_name=new_name)


def store_attachment(stream: BinaryIO, filename: str, upload_dir: str | Path, max_bytes: int) -> StoredFile:
    """Store a position paper before the submission is validated (so a failed form keeps it).

    Raises:
        ValidationFailed: ``{"attachment": [...]}`` for an empty, too large or unaccepted file.
    """
    try:
        return store_upload(stream, filename, upload_dir, max_bytes)
    except FileRejected as exc:
        raise ValidationFailed({"attachment": [exc.message]}) from exc


def create_submission(
    consultation: Consultation,
    data: SubmissionInput,
    *,
    secret: str,
    reference_prefix: str,
    stored_attachment: StoredFile | None = None,
    upload_dir: str | Path | None = None,
    now: datetime | None = None,
    source: SubmissionSource = SubmissionSource.web,
) -> tuple[Submission, str, bool]:
    """Record a respondent's submission through the web form or the API (``source``; flushed;
    the caller commits).

    The moderation mode decides its state: pre-moderation → pending, post-moderation → published;
    the automatic rules (:func:`consult.moderation.services.screen`) hold it as pending when they
    find personal data, abusive language or link spam. A form sent again with the same key and the same text returns the submission recorded the
    first time (the view only passes keys it issued to this browser session, so a key alone never
    reveals someone else's receipt); see :func:`claim_key` for edited forms.

    Returns:
        ``(submission, receipt_token, created)``; ``created`` is false for a resent form.

    Raises:
        SignInRequired: the consultation takes signed-in accounts only and ``data.user_id`` is empty.
        SubmissionWithdrawn: the same key belongs to a submission its author withdrew.
        ConsultationNotOpen: scheduled, closed or draft (checked first).
        ValidationFailed: see :func:`validate_input`.
    """
    now = now or utcnow()
    if consultation.participation is Participation.registered_only and data.user_id is None:
        raise SignInRequired(_l("Sign in to respond to this consultation: it accepts submissions from "
                                "signed-in accounts only."))
    existing, key = claim_key(consultation, data)
    if existing is not None:
        if existing.moderation_status is ModerationStatus.withdrawn:
            raise SubmissionWithdrawn(_l("This submission (%(ref)s) was withdrawn by its author; send a new one "
                                         "with a new form.", ref=existing.reference))
        return existing, receipt_token_for(existing.client_token, secret), False
    data = replace(data, client_token=key)
    _check_open(consultation, now)
    answers = validate_input(consultation, data, has_attachment=stored_attachment is not None)
    status = ModerationStatus.pending if consultation.moderation_mode is ModerationMode.pre \
        else ModerationStatus.published
    submission, token = record_submission(
        consultation, data, answers, secret=secret, reference_prefix=reference_prefix, status=status,
        submitted_at=now, stored_attachment=stored_attachment, upload_dir=upload_dir, source=source,
    )
    from ..moderation.services import screen

    submission.source_hash = data.source_hash
    if data.consent_wording:
        from ..accounts.services import record_consent

        record_consent(purpose="publish", granted=bool(data.consent_publish), wording=data.consent_wording,
                       language=data.consent_language or "id", submission=submission)
    # personal data, abuse, link spam, floods: held for a moderator even in post-moderation
    screen(submission, now=now)
    return submission, token, True



def can_change(submission: Submission, now: datetime | None = None) -> bool:
    """Whether its author may still edit or withdraw it: the consultation is open and no moderator
    hid it (a hidden submission has the appeal instead)."""
    return submission.consultation.state_at(now or utcnow()) is State.open \
        and submission.moderation_status not in (ModerationStatus.hidden, ModerationStatus.withdrawn)


def edit_submission(submission: Submission, *, body: str, answers: dict[str, str], consent_publish: bool,
                    consent_wording: str | None = None, consent_language: str | None = None,
                    now: datetime | None = None) -> Submission:
    """Change the text, answers and consent of a submission from its receipt page (flushed).

    The same rules as a new submission apply: the answers are validated, the automatic rules
    screen the new text (and hold it for review when they fire), and under pre-moderation the
    edited text waits for a moderator again. A changed consent to publish is recorded.

    Raises:
        ConsultationNotOpen: the consultation has closed (or the submission is hidden).
        ValidationFailed: as :func:`validate_input` (no text at all, an invalid answer).
    """
    from ..moderation.services import screen

    now = now or utcnow()
    if submission.moderation_status is ModerationStatus.hidden:
        raise ConsultationNotOpen(_l("A moderator hid this submission: it can no longer be changed."))
    _check_open(submission.consultation, now)
    data = SubmissionInput(stakeholder_type=(submission.stakeholder_type or StakeholderType.other).value,
                           body=body, answers=answers,
                           anonymous=True, organisation=submission.organisation_name or "-",
                           consent_publish=consent_publish)
    cleaned = validate_input(submission.consultation, data, has_attachment=submission.attachment is not None)
    submission.body = clean_text(body)
    by_key = {q.key: q for q in submission.consultation.questions}
    current = {a.question_id: a for a in submission.answers}
    for key, value in cleaned.items():
        question = by_key[key]
        answer = current.get(question.id)
        if answer is None:
            answer = Answer(question_id=question.id)
            submission.answers.append(answer)
        answer.text, answer.choice = (value, None) if question.kind is QuestionKind.open else (None, value)
    for question_id, answer in current.items():
        if question_id not in {by_key[k].id for k in cleaned}:
            submission.answers.remove(answer)
    submission.language = detect_language("\n".join([submission.body, *cleaned.values()]))
    if bool(consent_publish) != bool(submission.consent_publish) and consent_wording:
        from ..accounts.services import record_consent

        record_consent(purpose="publish", granted=bool(consent_publish), wording=consent_wording,
                       language=consent_language or "id", submission=submission)
    submission.consent_publish = bool(consent_publish)
    if submission.consultation.moderation_mode is ModerationMode.pre:
        submission.moderation_status = ModerationStatus.pending  # a moderator approves the new text
    db.session.flush()
    from ..analysis.models import ThemeQuote

    # quotes of the old text go; the next analysis quotes the new one
    db.session.execute(db.delete(ThemeQuote).where(ThemeQuote.submission_id == submission.id))
    screen(submission, now=now)
    return submission


def withdraw_submission(submission: Submission, *, upload_dir: str | Path | None = None,
                        now: datetime | None = None) -> str:
    """Withdraw a submission at its author's request while the consultation is open (flushed):
    its text, answers, attachment, personal data, flags, kept originals and analysis links are
    deleted; an empty record in state ``withdrawn`` keeps the reference and the receipt, so the
    receipt page says it was withdrawn, the same form or API key cannot bring it back, and the
    reference is never given to anyone else. Returns its reference.

    Raises:
        ConsultationNotOpen: the consultation has closed (or the submission is hidden or withdrawn).
    """
    from ..analysis.models import Response, ThemeAssignment, ThemeQuote
    from ..moderation.models import Flag, RedactedOriginal

    if submission.moderation_status in (ModerationStatus.hidden, ModerationStatus.withdrawn):
        raise ConsultationNotOpen(_l("A moderator hid this submission: it can no longer be changed.")
                                  if submission.moderation_status is ModerationStatus.hidden
                                  else _l("This submission was already withdrawn."))
    _check_open(submission.consultation, now or utcnow())
    if submission.attachment is not None:
        if upload_dir:
            (Path(upload_dir) / submission.attachment.stored_name).unlink(missing_ok=True)
        db.session.delete(submission.attachment)
    for model in (Answer, ThemeAssignment, ThemeQuote, Flag, RedactedOriginal, Response):
        db.session.execute(db.delete(model).where(model.submission_id == submission.id))
    submission.body, submission.consent_publish, submission.language = "", False, None
    submission.name = submission.email = submission.region = submission.organisation_name = None
    submission.user_id = submission.source_hash = submission.representative_claim_id = None
    submission.moderation_status, submission.withdrawn_at = ModerationStatus.withdrawn, now or utcnow()
    db.session.flush()
    db.session.expire(submission, ["answers", "attachment"])
    return submission.reference


class SubmissionWithdrawn(DomainError):
    """The form (or API key) sent again belongs to a submission its author withdrew."""


DRAFT_DAYS = 30
DRAFT_FIELDS = ("stakeholder_type", "name", "anonymous", "on_behalf", "organisation", "email", "region", "body",
                "consent_publish")


def save_draft(consultation: Consultation, fields: dict, answers: dict[str, str], token: str | None = None,
               now: datetime | None = None) -> str:
    """Save a half-filled form (flushed) and return the secret token of its private link: the
    same ``token`` when it names a live draft of this consultation, else a new one. Only the
    fields of :data:`DRAFT_FIELDS` and the answers to this consultation's questions are kept,
    each cut to the form's limits; the draft expires after :data:`DRAFT_DAYS` days.

    Raises:
        ValidationFailed: nothing written yet (no free text and no answer).
    """
    from datetime import timedelta

    from sqlalchemy import delete

    from .forms import MAX_TEXT
    from .models import SubmissionDraft

    now = now or utcnow()
    db.session.execute(delete(SubmissionDraft).where(SubmissionDraft.expires_at < now))
    keys = {q.key for q in consultation.questions}
    data = {k: (v[:MAX_TEXT] if isinstance(v, str) else v) for k, v in fields.items() if k in DRAFT_FIELDS}
    data["answers"] = {k: (v or "")[:MAX_TEXT] for k, v in answers.items() if k in keys and v}
    if not (data.get("body") or "").strip() and not data["answers"]:
        raise ValidationFailed({"body": [_l("Write something before saving a draft.")]})
    draft = _draft(consultation, token)
    if draft is not None and draft.sent_reference:
        draft = None  # that one was sent: start a new draft
    if draft is None:
        token = secrets.token_urlsafe(24)
        draft = SubmissionDraft(consultation_id=consultation.id, token_hash=hash_token(token))
        db.session.add(draft)
    draft.data, draft.expires_at = data, now + timedelta(days=DRAFT_DAYS)
    db.session.flush()
    return token


def _draft(consultation: Consultation, token: str | None):
    from .models import SubmissionDraft

    if not token:
        return None
    return db.session.scalar(select(SubmissionDraft).where(SubmissionDraft.token_hash == hash_token(token),
                                                           SubmissionDraft.consultation_id == consultation.id))


def load_draft(consultation: Consultation, token: str | None, now: datetime | None = None) -> dict | None:
    """The saved fields of a live, unsent draft of ``consultation`` (``None`` otherwise)."""
    draft = _draft(consultation, token)
    if draft is None or draft.sent_reference or draft.expires_at < (now or utcnow()):
        return None
    return dict(draft.data)


def draft_sent_as(consultation: Consultation, token: str | None) -> str | None:
    """The reference of the submission a draft was sent as (``None``: unknown or not sent)."""
    draft = _draft(consultation, token)
    return draft.sent_reference if draft is not None else None


def discard_draft(token: str | None, reference: str | None = None) -> None:
    """Mark the draft of ``token`` as sent as ``reference`` and erase its saved fields (flushed);
    the row stays until it expires, so a second send from an old tab is refused."""
    from sqlalchemy import update

    from .models import SubmissionDraft

    if token:
        db.session.execute(update(SubmissionDraft).where(SubmissionDraft.token_hash == hash_token(token))
                           .values(data={}, sent_reference=reference or "-"))
