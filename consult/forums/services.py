"""Record in-person forums and their contributions (functions flush; callers commit).

A contribution becomes a :class:`~consult.submissions.models.Submission` with ``source=forum``:
it passes the same automatic rules as online ones (personal data holds it for review), is
analysed, counted, quoted (when the forum's participants agreed) and answered with them, and is
marked as offline wherever it is listed.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import Role
from ..common.mixins import ModerationStatus
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from ..submissions.importers import STAKEHOLDER_ALIASES
from ..submissions.models import StakeholderType, Submission, SubmissionSource
from ..submissions.services import SubmissionInput, record_submission
from ..text.normalise import clean_text, is_blank
from .models import OfflineForum

MAX_IMPORT_ROWS = 5000
MAX_TEXT = 20000  # as the online form


def _forum_time(forum: OfflineForum):
    """Noon of the forum's day in the site's time zone, as UTC: when its contributions were made."""
    from datetime import datetime, time

    from ..common.dates import from_local

    return from_local(datetime.combine(forum.held_on, time(12, 0)))


def require_moderator(actor, consultation) -> None:
    """Raises :class:`NotAllowed` unless ``actor`` moderates ``consultation`` (or is admin)."""
    if actor is None or not actor.has_role(Role.moderator, consultation.id):
        raise NotAllowed(_l("Only moderators of this consultation may record forums."))


def create_forum(consultation, actor, *, held_on: date, place: str, participants: dict[str, int],
                 notes: str | None = None, consent_publish: bool = False) -> OfflineForum:
    """Record an in-person forum. ``participants`` maps stakeholder type codes to head counts.

    Raises:
        NotAllowed; ValidationFailed: no place, an unknown stakeholder type or a negative count.
    """
    require_moderator(actor, consultation)
    place = " ".join((place or "").split())
    errors: dict[str, list] = {}
    if not place:
        errors["place"] = [_l("Say where the forum was held.")]
    if held_on is None:
        errors["held_on"] = [_l("Give the date of the forum.")]
    counts = {}
    for code, n in (participants or {}).items():
        if code not in {t.value for t in StakeholderType} or n is None or int(n) < 0:
            errors["participants"] = [_l("Give a number of participants (0 or more) for each stakeholder type.")]
            break
        if int(n):
            counts[code] = int(n)
    if errors:
        raise ValidationFailed(errors)
    forum = OfflineForum(consultation_id=consultation.id, held_on=held_on, place=place, participants=counts,
                         notes=(notes or "").strip() or None, consent_publish=bool(consent_publish),
                         created_by_id=actor.id)
    db.session.add(forum)
    db.session.flush()
    return forum


def add_contribution(forum: OfflineForum, actor, *, text: str, secret: str, reference_prefix: str,
                     speaker: str | None = None, organisation: str | None = None,
                     stakeholder_type: str | None = None, question_key: str | None = None) -> Submission:
    """Record what a participant said at ``forum`` as a submission (screened by the automatic
    rules like any other; published unless a rule holds it, quotable when the forum's
    participants agreed). ``question_key`` files it as the answer to an open question.

    Raises:
        NotAllowed; ValidationFailed: no text, an unknown stakeholder type or question.
    """
    from ..moderation.services import screen

    consultation = forum.consultation
    require_moderator(actor, consultation)
    text = clean_text(text)
    errors: dict[str, list] = {}
    if is_blank(text):
        errors["text"] = [_l("Write down what was said.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_l("At most %(n)s characters.", n=MAX_TEXT)]
    if stakeholder_type and stakeholder_type not in {t.value for t in StakeholderType}:
        errors["stakeholder_type"] = [_l("Choose a stakeholder type.")]
    question = None
    if question_key:
        question = next((q for q in consultation.open_questions if q.key == question_key), None)
        if question is None:
            errors["question_key"] = [_l("Choose a question of this consultation.")]
    if errors:
        raise ValidationFailed(errors)
    speaker = clean_text(speaker) or None
    data = SubmissionInput(stakeholder_type=stakeholder_type or None, body="" if question else text,
                           name=speaker, anonymous=speaker is None, organisation=clean_text(organisation) or None,
                           consent_publish=forum.consent_publish)
    submission, _token = record_submission(
        consultation, data, {question.key: text} if question else {}, secret=secret,
        reference_prefix=reference_prefix, status=ModerationStatus.published, source=SubmissionSource.forum,
        submitted_at=_forum_time(forum))
    submission.forum_id = forum.id
    screen(submission)
    db.session.flush()
    return submission


def import_contributions(forum: OfflineForum, actor, content: bytes, *, secret: str,
                         reference_prefix: str) -> tuple[int, int]:
    """Import a CSV of contributions (UTF-8; comma, semicolon or tab separated; columns ``text``
    required, ``speaker``, ``organisation``, ``stakeholder_type`` (codes or aliases such as
    ``warga``, ``ASN``) and ``question`` (an open question's key) optional, others ignored).
    All rows or none. A row whose text this forum already holds is skipped, so importing the
    same minutes twice records them once. Returns ``(imported, skipped as already recorded)``.

    Raises:
        NotAllowed; ValidationFailed: unreadable CSV, no ``text`` column, no row, too many rows,
            or a bad row (named by its line number).
    """
    require_moderator(actor, forum.consultation)
    try:
        text = content.decode("utf-8-sig")
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, strict=True)
        rows = list(reader)
        header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    except (UnicodeDecodeError, csv.Error):
        raise ValidationFailed({"file": [_l("The file is not a readable UTF-8 CSV file.")]}) from None
    if "text" not in header:
        raise ValidationFailed({"file": [_l("The CSV file needs a column named “text” (found: %(columns)s).",
                                            columns=", ".join(h for h in header if h) or "—")]})
    if not rows or len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed({"file": [_l("The file must hold 1 to %(n)s rows.", n=MAX_IMPORT_ROWS)]})
    known = {" ".join(((s.body or "") + " ".join(a.text or "" for a in s.answers)).split())
             for s in db.session.scalars(select(Submission).where(Submission.forum_id == forum.id))}
    count = skipped = 0
    for line, raw in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in raw.items() if isinstance(v, str)}
        if is_blank(row.get("text")):
            continue
        if " ".join(clean_text(row["text"]).split()) in known:
            skipped += 1
            continue
        alias = row.get("stakeholder_type", "").strip().lower()
        if alias and alias not in STAKEHOLDER_ALIASES:
            raise ValidationFailed({"file": [_l("Line %(line)s: unknown stakeholder type “%(value)s”.", line=line,
                                                value=alias)]})
        try:
            add_contribution(forum, actor, text=row["text"], speaker=row.get("speaker"),
                             organisation=row.get("organisation"), stakeholder_type=STAKEHOLDER_ALIASES.get(alias),
                             question_key=row.get("question", "").strip() or None, secret=secret,
                             reference_prefix=reference_prefix)
        except ValidationFailed as error:
            raise ValidationFailed({"file": [_l("Line %(line)s: %(problem)s", line=line, problem=error.message)]}) from None
        known.add(" ".join(clean_text(row["text"]).split()))
        count += 1
    if not count and not skipped:
        raise ValidationFailed({"file": [_l("No row has text.")]})
    return count, skipped


def forums_of(consultation_id: int) -> list[tuple[OfflineForum, int]]:
    """The consultation's forums, newest first, each with its number of recorded contributions."""
    counts = dict(db.session.execute(select(Submission.forum_id, func.count()).where(
        Submission.consultation_id == consultation_id, Submission.forum_id.is_not(None)).group_by(Submission.forum_id)).all())
    forums = db.session.scalars(select(OfflineForum).where(OfflineForum.consultation_id == consultation_id)
                                .order_by(OfflineForum.held_on.desc(), OfflineForum.id.desc()))
    return [(f, counts.get(f.id, 0)) for f in forums]
