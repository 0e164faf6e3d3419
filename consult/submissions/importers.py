"""Importing submissions from files: a CSV of responses, or a Polis open-data conversation.

Both read and check the whole input first and then insert everything, so bad input writes
nothing half-way (the CLI commits once at the end, or not at all).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..common.mixins import ModerationStatus
from ..consultations.models import Consultation, QuestionKind
from ..consultations.services import add_question, create_consultation
from ..errors import DomainError
from ..text.normalise import clean_text, is_blank
from .models import SubmissionSource
from .services import SubmissionInput, record_submission


class ImportFailed(DomainError):
    """The input file cannot be imported (missing, empty, wrong columns, bad values)."""


# Polis `moderated` flag → our moderation state ("What counts where", ARCHITECTURE.md).
POLIS_MODERATION = {
    "1": ModerationStatus.published,
    "0": ModerationStatus.pending,
    "-1": ModerationStatus.hidden,
}

STAKEHOLDER_ALIASES = {
    "citizen": "citizen", "warga": "citizen", "masyarakat": "citizen", "individual": "citizen",
    "public": "citizen", "academic": "academic", "akademisi": "academic", "university": "academic",
    "professional_body": "professional_body", "professional body": "professional_body",
    "organisation": "professional_body", "organization": "professional_body",
    "asosiasi": "professional_body", "civil_servant": "civil_servant", "civil servant": "civil_servant",
    "asn": "civil_servant", "pns": "civil_servant", "pppk": "civil_servant",
    "government_unit": "government_unit", "government unit": "government_unit", "government": "government_unit",
    "opd": "government_unit", "instansi": "government_unit", "other": "other", "lainnya": "other",
}


@dataclass
class ImportReport:
    """What an import did: submissions created, rows skipped (blank text), the consultation."""

    consultation: Consultation
    created: int
    skipped: int


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    if not path.exists():
        raise ImportFailed(f"file not found: {path}")
    if not path.is_file():
        raise ImportFailed(f"not a file: {path}")
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, strict=True)  # a broken quote is an error, not text
            rows = list(reader)
            header = reader.fieldnames or []
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path} is not UTF-8 text: {exc}") from exc
    except csv.Error as exc:
        raise ImportFailed(f"{path} is not a readable CSV file: {exc}") from exc
    if not header:
        raise ImportFailed(f"{path} is empty")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ImportFailed(f"{path.name}: column name(s) used twice in the header: {', '.join(repeated)}")
    if not rows:
        raise ImportFailed(f"{path} has a header but no rows")
    for line, row in enumerate(rows, start=2):
        if None in row:  # csv.DictReader keeps surplus fields under the key None
            raise ImportFailed(f"{path.name} line {line}: more fields than the header has columns")
    return header, rows


def _parse_date(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():  # epoch seconds or milliseconds
        number = int(value)
        return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"unreadable date {value!r} (use ISO 8601, e.g. 2026-11-20 or "
                         f"2026-11-20T09:30+07:00, or epoch seconds or milliseconds)") from exc
    if parsed.tzinfo is None:  # a bare date or time is read as WIB, the site's time zone
        from zoneinfo import ZoneInfo

        parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Jakarta"))
    return parsed.astimezone(timezone.utc)


def import_csv(
    path: str | Path,
    consultation: Consultation,
    *,
    text_column: str,
    secret: str,
    reference_prefix: str,
    question_key: str | None = None,
    stakeholder_column: str | None = None,
    name_column: str | None = None,
    organisation_column: str | None = None,
    date_column: str | None = None,
    consent: bool = False,
) -> ImportReport:
    """Import one submission per CSV row into an existing consultation (flushed, not committed).

    Args:
        text_column: column holding the text; it becomes the general free text, or the answer
            to the open question ``question_key`` when given.
        stakeholder_column: values such as ``citizen``, ``akademisi``, ``ASN`` (see
            ``STAKEHOLDER_ALIASES``); an empty cell means not stated.
        date_column: ISO 8601 or epoch; naive values are read as WIB.
        consent: whether the respondents agreed to be quoted (default no: counted, never quoted).

    Returns:
        An :class:`ImportReport`; rows whose text is blank are skipped.

    Raises:
        ImportFailed: missing or empty file, a named column that does not exist, an unknown
            question key, an unreadable date, an unknown stakeholder type, broken CSV quoting, or
            no row with text.
    """
    path = Path(path)
    header, rows = _read_csv(path)
    for option, column in (("--text-column", text_column), ("--stakeholder-column", stakeholder_column),
                           ("--name-column", name_column), ("--organisation-column", organisation_column),
                           ("--date-column", date_column)):
        if column and column not in header:
            raise ImportFailed(f"{option} {column!r} is not a column of {path.name} (columns: {', '.join(header)})")
    question = None
    if question_key:
        question = next((q for q in consultation.questions if q.key == question_key), None)
        if question is None or question.kind is not QuestionKind.open:
            raise ImportFailed(f"{consultation.slug} has no open question with key {question_key!r}")

    prepared = []
    skipped = 0
    for line, row in enumerate(rows, start=2):
        text = clean_text(row.get(text_column))
        if is_blank(text):
            skipped += 1
            continue
        stakeholder = None
        if stakeholder_column:
            raw = (row.get(stakeholder_column) or "").strip().lower()
            if raw and raw not in STAKEHOLDER_ALIASES:
                raise ImportFailed(f"line {line}: unknown stakeholder type {raw!r} "
                                   f"(accepted: {', '.join(sorted(STAKEHOLDER_ALIASES))})")
            stakeholder = STAKEHOLDER_ALIASES.get(raw)
        try:
            when = _parse_date(row.get(date_column, "")) if date_column else None
        except ValueError as exc:
            raise ImportFailed(f"line {line}: {exc}") from exc
        name = clean_text(row.get(name_column)) if name_column else ""
        organisation = clean_text(row.get(organisation_column)) if organisation_column else ""
        data = SubmissionInput(
            stakeholder_type=stakeholder,
            body="" if question else text,
            name=name or None, anonymous=not name, organisation=organisation or None,
            consent_publish=consent,
        )
        prepared.append((data, {question.key: text} if question else {}, when))
    if not prepared:
        raise ImportFailed(f"{path.name}: no row has text in column {text_column!r}")

    for data, answers, when in prepared:
        record_submission(consultation, data, answers, secret=secret, reference_prefix=reference_prefix,
                          status=ModerationStatus.published, source=SubmissionSource.csv, submitted_at=when)
    return ImportReport(consultation, len(prepared), skipped)


def _read_summary(folder: Path) -> dict[str, str]:
    summary: dict[str, str] = {}
    path = folder / "summary.csv"
    if path.exists():
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if len(row) >= 2:
                    summary[row[0].strip()] = row[1].strip()
    return summary


POLIS_ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under "
    "CC BY 4.0 with Attribution to The Computational Democracy Project "
    "(github.com/compdemocracy/openData)."
)


def import_polis(
    folder: str | Path,
    *,
    slug: str,
    secret: str,
    reference_prefix: str,
    title: str | None = None,
) -> ImportReport:
    """Create a consultation from a Polis open-data conversation folder (flushed, not committed).

    Reads ``comments.csv`` (and ``summary.csv`` for the topic and question when present). Each
    comment becomes a submission answering the one open question; its ``moderated`` flag maps to
    published (1, consent to publish: it is public open data), pending (0) or hidden (−1). The
    window spans the first to the last comment, so the consultation shows as closed.

    Raises:
        ImportFailed: the folder or ``comments.csv`` is missing or empty, a needed column is
            missing, or a moderation flag is not −1, 0 or 1.
        ValidationFailed: the slug is malformed or taken.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ImportFailed(f"not a Polis conversation folder: {folder}")
    header, rows = _read_csv(folder / "comments.csv")
    needed = {"comment-id", "moderated", "comment-body", "timestamp"}
    missing = needed - set(header)
    if missing:
        raise ImportFailed(f"{folder / 'comments.csv'} lacks column(s): {', '.join(sorted(missing))}")
    summary = _read_summary(folder)

    prepared = []
    skipped = 0
    for line, row in enumerate(rows, start=2):
        flag = (row["moderated"] or "").strip()
        if flag not in POLIS_MODERATION:
            raise ImportFailed(f"comments.csv line {line}: moderated must be -1, 0 or 1, not {flag!r}")
        text = clean_text(row["comment-body"])
        if is_blank(text):
            skipped += 1
            continue
        try:
            when = _parse_date(row["timestamp"])
        except ValueError as exc:
            raise ImportFailed(f"comments.csv line {line}: {exc}") from exc
        prepared.append((row["comment-id"].strip(), text, POLIS_MODERATION[flag], when))
    if not prepared:
        raise ImportFailed(f"{folder / 'comments.csv'} has no comment text")

    times = [w for *_, w in prepared if w]
    topic = summary.get("topic") or folder.name
    description = summary.get("conversation-description") or topic
    url = summary.get("url", "")
    body = (
        f"{description}\n\n"
        f"Imported from the Polis conversation *{topic}*"
        + (f" ({url})" if url else "") + f", folder `{folder.name}`.\n\n{POLIS_ATTRIBUTION}"
    )
    consultation = create_consultation(
        slug=slug, title=title or topic, summary=description, body=body,
        opens_at=min(times) if times else None,
        closes_at=(max(times) + timedelta(seconds=1)) if times else None,
        published=True, source_note=f"Polis: {folder.name}. {POLIS_ATTRIBUTION}",
    )
    question = add_question(consultation, key="polis", text=description, kind=QuestionKind.open)
    for comment_id, text, status, when in prepared:
        record_submission(
            consultation, SubmissionInput(stakeholder_type=None, anonymous=True, consent_publish=True),
            {question.key: text}, secret=secret, reference_prefix=reference_prefix, status=status,
            source=SubmissionSource.polis, submitted_at=when, external_id=comment_id,
        )
    return ImportReport(consultation, len(prepared), skipped)
