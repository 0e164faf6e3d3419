"""Export tables: the theme summary, the response table (*matriks tanggapan*), the closed-question
tallies and the open data, as plain :class:`Table` values that every writer (CSV, XLSX, JSON)
takes. One set of row builders, one registry of writers (:data:`TABLE_WRITERS`).

Audience follows "What counts where" (ARCHITECTURE.md): drafter tables count everything
analysed (ANALYSIS) and include draft responses; public tables and open data count published
submissions only (PUBLIC), hold published responses only, and quote only quotable text. Tally
cells of fewer than :data:`SUPPRESS_BELOW` respondents are suppressed so no one is singled out.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app
from flask_babel import force_locale

from ..common.visibility import Audience
from ..consultations.models import Consultation, QuestionKind
from .builders import theme_rows, theme_summary
from .writers import neutralise, xlsx_text_cell


@dataclass
class Table:
    """A named table: ``name`` (file and sheet name), ``header`` (machine column names, used by
    CSV and JSON), ``rows`` (lists of str, int, float, bool or ``None``, as long as the header)
    and optionally ``labels``, the column names XLSX shows people."""

    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    labels: list[str] | None = None  # column names for people (XLSX), in the site language


    def records(self) -> list[dict]:
        """The rows as dicts keyed by the header (for JSON)."""
        return [dict(zip(self.header, row)) for row in self.rows]


def themes_table(consultation: Consultation, audience: Audience = Audience.ANALYSIS) -> Table:
    """One row per theme of the latest analysis (:func:`theme_rows`) with the drafters'
    description, review and response decision.

    Raises:
        NoAnalysis: no analysis has finished.
    """
    summary = theme_summary(consultation, audience)
    header, rows = theme_rows(summary)
    header = header + ["description", "origin", "reviewed", "response_decision", "response_published"]
    themes = [t for q in summary["questions"] for t in q["themes"]]
    out = []
    for row, theme in zip(rows, themes):
        response = theme.get("response") or {}
        out.append(row + [theme.get("description") or "", theme.get("origin", "engine"), theme.get("reviewed", False),
                          response.get("decision", ""), bool(response.get("published_at"))])
    return Table("themes", header, out)


RESPONSE_HEADER = ["no", "question", "theme_id", "theme", "description", "voices", "distinct_texts",
                   "by_stakeholder_type", "organisations", "what_was_said", "decision", "decision_label", "reason",
                   "draft_reference", "revised_wording", "published_at"]


def response_labels() -> list[str]:
    """The response table's column names for people (the *matriks tanggapan* headings)."""
    from flask_babel import gettext as _

    return ["No.", _("Question"), _("Theme key"), _("Theme"), _("Description"), _("Voices"), _("Distinct texts"),
            _("By stakeholder type"), _("Organisations"), _("What was said"), _("Decision code"), _("Decision"),
            _("Reason"), _("Article or clause changed"), _("Revised wording"), _("Published")]


def _decision_label(code: str | None) -> str:
    from ..analysis.models import DECISION_LABELS, Decision

    return str(DECISION_LABELS[Decision(code)]) if code else ""


def response_rows(summary: dict, submission_responses: list[tuple[str, dict]]) -> list[list]:
    """Rows of the response table: one per theme (answered or not yet), then one per submission
    answered on its own. ``what_was_said`` joins the key phrases and the theme's verbatim summary
    sentences (quotable text only, as the summary holds)."""
    rows, number = [], 0
    for question in summary["questions"]:
        for theme in question["themes"]:
            number += 1
            response = theme.get("response") or {}
            said = "; ".join(theme["key_phrases"])
            sentences = " ".join(f"“{q['text']}” ({q['submission_ref']})" for q in theme.get("summary", []))
            rows.append([
                number, question["question"], theme["id"], theme["label"], theme.get("description") or "",
                theme["submission_count"], theme.get("distinct_texts", theme["submission_count"]),
                "; ".join(f"{k} {v}" for k, v in sorted(theme["by_stakeholder_type"].items(), key=lambda kv: -kv[1])),
                "; ".join(o["name"] + (" ✓" if o["verified"] else "") for o in theme.get("organisations", [])),
                (said + (" — " if said and sentences else "") + sentences),
                response.get("decision", ""), _decision_label(response.get("decision")), response.get("reason", ""), response.get("draft_reference") or "",
                response.get("revised_wording") or "", response.get("published_at") or "",
            ])
    for reference, response in submission_responses:
        number += 1
        rows.append([number, "", "", reference, "", 1, 1, "", "", "", response["decision"],
                     _decision_label(response["decision"]), response["reason"],
                     response.get("draft_reference") or "", response.get("revised_wording") or "",
                     response.get("published_at") or ""])
    return rows


def responses_table(consultation: Consultation, audience: Audience = Audience.ANALYSIS) -> Table:
    """The response table (*matriks tanggapan*): every theme with what was said and the
    drafters' decision, reason and change to the draft; then submissions answered on their own
    (PUBLIC: published responses to published submissions only).

    Raises:
        NoAnalysis: no analysis has finished.
    """
    from ..analysis.responses import responses_of
    from ..common.visibility import passes
    from .builders import response_json

    summary = theme_summary(consultation, audience)
    own = []
    for response in responses_of(consultation.id, published_only=audience is not Audience.ANALYSIS):
        if response.submission_id is not None and response.submission is not None \
                and passes(response.submission, audience):
            own.append((response.submission.reference, response_json(response)))
    return Table("responses", RESPONSE_HEADER, response_rows(summary, own), labels=response_labels())


def choices_table(consultation: Consultation, audience: Audience = Audience.ANALYSIS) -> Table:
    """Closed questions (single choice and Likert): one row per question, option and group (all
    respondents, each stakeholder type, each kecamatan), as :func:`choice_tallies` shows them:
    cells of 1 to 4 respondents read "<5" and groups under five respondents are merged."""
    from ..submissions.queries import choice_tallies

    rows = []
    for tally in choice_tallies(consultation, audience):
        q = tally.question
        rows += [[q.key, q.text, "all", "", option, n] for option, n in tally.overall.items()]
        for by, groups in (("stakeholder_type", tally.by_type), ("region", tally.by_region)):
            for group, cells in groups:
                rows += [[q.key, q.text, by, group, option, n] for option, n in cells.items()]
    return Table("choices", ["question_key", "question", "by", "group", "option", "respondents"], rows)


def open_data_tables(consultation: Consultation) -> list[Table]:
    """Open data of a consultation: its published submissions (text only where the respondent
    agreed to publish it; no name, e-mail or kecamatan) and its published responses."""
    from sqlalchemy import select

    from ..common.visibility import visible
    from ..extensions import db
    from ..submissions.models import Answer, Submission

    keys = {q.id: q.key for q in consultation.questions}
    submissions = Table("submissions", ["reference", "submitted_at", "stakeholder_type", "organisation", "language",
                                        "text_published", "text"] + [f"answer_{k}" for k in keys.values()])
    stmt = visible(select(Submission).where(Submission.consultation_id == consultation.id), Submission,
                   Audience.PUBLIC).order_by(Submission.id)
    for sub in db.session.scalars(stmt):
        quotable = bool(sub.consent_publish)
        answers = {a.question_id: (a.text or a.choice or "") for a in sub.answers}
        # without consent to publish, a submission is a number only: no text, organisation,
        # stakeholder type or answers (its choices still count in the published tallies)
        submissions.rows.append(
            [sub.reference, sub.submitted_at.isoformat(timespec="seconds"),
             (sub.stakeholder_type.value if sub.stakeholder_type else "") if quotable else "",
             (sub.organisation_name or "") if quotable else "", (sub.language or "") if quotable else "", quotable,
             sub.body if quotable else ""]
            + [(answers.get(qid, "") if quotable else "") for qid in keys])
    tables = [submissions]
    from .builders import NoAnalysis

    try:
        tables.append(responses_table(consultation, Audience.PUBLIC))
    except NoAnalysis:
        tables.append(Table("responses", RESPONSE_HEADER, []))
    return tables


# ---- writers -------------------------------------------------------------------------------


def write_csv(tables: list[Table]) -> bytes:
    """The first table as CSV, UTF-8 with BOM (Excel shows Indonesian text correctly); cells
    that a spreadsheet would run as a formula are neutralised."""
    table = tables[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([neutralise(_plain(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table (openpyxl): a bold, frozen header row, column widths fitted to the
    content (10 to 60 characters), long text wrapped; formula-like text is stored as a string
    cell with Excel's quote prefix (shown as typed, never run)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append(table.labels or table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in table.header]
        for r, row in enumerate(table.rows, start=2):
            for c, value in enumerate(row, start=1):
                value = _xlsx_safe(_plain(value) if not isinstance(value, bool) else value)
                xlsx_text_cell(sheet.cell(row=r, column=c), value)
                widths[c - 1] = max(widths[c - 1], min(len(str(value)), 60))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = max(10, min(width + 2, 62))
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_safe(value):
    """Text without the control characters XLSX cannot hold (openpyxl refuses them)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_json(tables: list[Table]) -> bytes:
    """``{table name: [row dict, ...]}`` as UTF-8 JSON, text verbatim."""
    return json.dumps({t.name: t.records() for t in tables}, ensure_ascii=False, indent=2).encode("utf-8")


@dataclass(frozen=True)
class TableWriter:
    """A table format: content type, file extension and ``write(tables) -> bytes``."""

    mimetype: str
    extension: str
    write: Callable[[list[Table]], bytes]


TABLE_WRITERS: dict[str, TableWriter] = {
    "csv": TableWriter("text/csv; charset=utf-8", "csv", write_csv),
    "xlsx": TableWriter("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", write_xlsx),
    "json": TableWriter("application/json", "json", write_json),
}

# name → builder(consultation, audience) of the drafter tables
TABLES: dict[str, Callable[..., Table]] = {
    "themes": themes_table,
    "responses": responses_table,
    "choices": choices_table,
}


def build(names: list[str], consultation: Consultation, audience: Audience = Audience.ANALYSIS) -> list[Table]:
    """The named tables, with texts in the site's default language (the same file from web and CLI)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return [TABLES[name](consultation, audience) for name in names]
