"""The drafter's export of every analysed submission, one row each, streamed.

What goes in follows "What counts where": every submission the analysis counts (published and
pending; hidden never); the text only when it is quotable (published, consent to publish),
redacted text as it now stands; no name, e-mail, kecamatan or account — only the organisation
(with whether an admin verified its representative), the stakeholder type and the themes of the
latest analysis. Rows are read in batches (``yield_per``) and written as they come, so memory
does not grow with the number of submissions.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import select

from ..common.visibility import Audience
from ..extensions import db
from .writers import formula_like, neutralise

COLUMNS = ["reference", "submitted_at", "moderation_status", "stakeholder_type", "organisation",
           "organisation_verified", "language", "quotable", "channel", "themes", "campaign", "text"]
BATCH = 1000


def _themes_by_submission(consultation) -> dict[int, str]:
    """submission id → "label; label" of the latest finished analysis."""
    from ..analysis.models import AnalysisSection, Theme, ThemeAssignment
    from ..analysis.queries import latest_run

    run = latest_run(consultation)
    if run is None:
        return {}
    out: dict[int, list[str]] = {}
    rows = db.session.execute(select(ThemeAssignment.submission_id, Theme.label)
                              .join(Theme, Theme.id == ThemeAssignment.theme_id)
                              .join(AnalysisSection, AnalysisSection.id == Theme.section_id)
                              .where(AnalysisSection.run_id == run.id))
    for sid, label in rows:
        out.setdefault(sid, []).append(label)
    return {sid: "; ".join(dict.fromkeys(labels)) for sid, labels in out.items()}


def _campaigns_by_submission(consultation) -> dict[int, str]:
    """submission id → the form-letter campaigns (ids, "; "-joined) of the latest finished
    analysis that hold it as a copy."""
    from ..analysis.models import AnalysisSection
    from ..analysis.queries import latest_run

    run = latest_run(consultation)
    if run is None:
        return {}
    out: dict[int, list[str]] = {}
    for (campaigns,) in db.session.execute(select(AnalysisSection.campaigns).where(AnalysisSection.run_id == run.id)):
        for campaign in campaigns or []:
            for sid in campaign["member_ids"]:
                out.setdefault(sid, []).append(str(campaign["id"]))
    return {sid: "; ".join(dict.fromkeys(ids)) for sid, ids in out.items()}


def submission_rows(consultation) -> Iterator[dict]:
    """The consultation's analysed submissions as dicts with the keys of :data:`COLUMNS`,
    oldest first, read ``BATCH`` at a time (keyset pages of plain columns; each page's answers
    in one query), so time is linear and memory flat in the number of submissions."""
    from ..accounts.models import ClaimStatus, RepresentativeClaim
    from ..common.mixins import ModerationStatus
    from ..common.visibility import visibility_clause
    from ..consultations.models import Question
    from ..submissions.models import Answer, Submission

    themes = _themes_by_submission(consultation)
    campaigns = _campaigns_by_submission(consultation)
    verified = set(db.session.scalars(select(RepresentativeClaim.id).where(
        RepresentativeClaim.status == ClaimStatus.verified)))
    keys = {q.id: q.key for q in db.session.scalars(select(Question).where(Question.consultation_id == consultation.id))}
    S = Submission
    columns = select(S.id, S.reference, S.submitted_at, S.moderation_status, S.stakeholder_type, S.organisation_name,
                     S.representative_claim_id, S.language, S.consent_publish, S.body, S.source).where(
        S.consultation_id == consultation.id, visibility_clause(S, Audience.ANALYSIS)).order_by(S.id).limit(BATCH)
    last = 0
    while True:
        page = db.session.execute(columns.where(S.id > last)).all()
        if not page:
            return
        last = page[-1].id
        answers: dict[int, list[str]] = {}
        for sid, qid, text, choice in db.session.execute(
                select(Answer.submission_id, Answer.question_id, Answer.text, Answer.choice)
                .where(Answer.submission_id.in_([r.id for r in page])).order_by(Answer.submission_id, Answer.id)):
            if text or choice:
                answers.setdefault(sid, []).append(f"{keys.get(qid, qid)}: {text or choice}")
        for r in page:
            status = ModerationStatus(r.moderation_status)
            quotable = status is ModerationStatus.published and bool(r.consent_publish)
            text = "\n".join(([r.body] if r.body else []) + answers.get(r.id, [])) if quotable else ""
            yield {
                "reference": r.reference,
                "submitted_at": r.submitted_at.isoformat(timespec="seconds"),
                "moderation_status": status.value,
                "stakeholder_type": r.stakeholder_type.value if r.stakeholder_type else "",
                "organisation": r.organisation_name or "",
                "organisation_verified": r.representative_claim_id in verified,
                "language": r.language or "",
                "quotable": quotable,
                "channel": getattr(r.source, "value", r.source),
                "themes": themes.get(r.id, ""),
                "campaign": campaigns.get(r.id, ""),
                "text": text,
            }
        db.session.expire_all()


def stream_csv(rows: Iterator[dict]) -> Iterator[bytes]:
    """CSV chunks: a UTF-8 BOM and header first, then about ``BATCH`` rows per chunk; formula-like
    cells neutralised (see :func:`consult.exports.writers.neutralise`)."""

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for count, row in enumerate(rows, 1):
        if count % BATCH == 1:
            buffer.seek(0)
            buffer.truncate()
        writer.writerow([neutralise(row[c]) for c in COLUMNS])
        if count % BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def stream_json(rows: Iterator[dict], meta: dict) -> Iterator[bytes]:
    """A JSON document ``{**meta, "submissions": [row, …]}`` written one row at a time."""
    head = json.dumps(meta, ensure_ascii=False)[:-1]
    yield (head + (", " if meta else "") + '"submissions": [\n').encode("utf-8")
    first = True
    chunk: list[str] = []
    for row in rows:
        chunk.append(("" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
        if len(chunk) >= BATCH:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    yield ("".join(chunk) + "\n]}\n").encode("utf-8")


def stream_xlsx(rows: Iterator[dict]) -> Iterator[bytes]:
    """An XLSX workbook of ``rows`` (one sheet, bold frozen header), in chunks of 64 KiB.

    openpyxl's write-only mode writes each row to a temporary file as it comes, and the finished
    workbook goes to another temporary file that is then read back in chunks, so memory stays
    flat in the number of rows. Formula-like text is stored as a string cell with Excel's quote
    prefix (shown as typed, never run); control characters XLSX cannot hold are removed.
    """
    import tempfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("submissions")
    sheet.freeze_panes = "A2"
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = []
        for key in COLUMNS:
            value = row[key]
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if formula_like(value):  # a text cell with Excel's quote prefix: shown as typed, never run
                    value = WriteOnlyCell(sheet, value=value)
                    value.data_type, value.quotePrefix = "s", True
            values.append(value)
        sheet.append(values)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(65536):
            yield chunk
