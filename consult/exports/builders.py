"""Export builders: the theme summary of a consultation as plain data (dicts and rows).

Builders read only through the visibility gate (``analysis.queries.run_view``); writers never
query. Drafter exports use the ANALYSIS audience: published and pending submissions count,
hidden ones never; quotes come only from published submissions with consent.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from ..analysis.queries import RunView, latest_run, run_view
from ..common.types import utcnow
from ..common.visibility import Audience
from ..consultations.models import Consultation
from ..errors import DomainError
from ..submissions.models import StakeholderType


class NoAnalysis(DomainError):
    """The consultation has no finished analysis to export."""


def _quote(q) -> dict:
    out = {"submission_ref": q.submission_ref, "text": q.text, "source": q.source}
    if q.page is not None:
        out["page"] = q.page
    if q.paragraph is not None:
        out["paragraph"] = q.paragraph
    out["start"], out["end"] = q.start, q.end
    return out


def theme_summary(consultation: Consultation, audience: Audience = Audience.ANALYSIS) -> dict:
    """The theme summary of the latest finished analysis, as JSON-ready data.

    Shape::

        {"consultation": slug, "title", "generated_at", "analysis": {"run_id", "finished_at"},
         "submission_count",
         "questions": [{"key", "question", "submission_count", "unassigned_count",
                        "unassigned_refs", "unreadable_refs" (only an attachment with no
                        readable text: read these yourself),
                        "themes": [{"id", "label", "key_phrases", "submission_count",
                                    "by_stakeholder_type", "quotes": [{"submission_ref", "text",
                                    "source", "page"|"paragraph", "start", "end"}],
                                    "submission_refs"}]}]}

    Texts (the general section's title) are in the site's default language, whoever asks.

    Raises:
        NoAnalysis: no analysis run has finished yet.
    """
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the same file from web and CLI
        return _theme_summary(consultation, audience)


def _theme_summary(consultation: Consultation, audience: Audience) -> dict:
    run = latest_run(consultation)
    if run is None:
        raise NoAnalysis(f"{consultation.slug} has no finished analysis; run `flask consult analyse {consultation.slug}`")
    view: RunView = run_view(run, audience)
    return {
        "consultation": consultation.slug,
        "title": consultation.title,
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "analysis": {"run_id": run.id, "finished_at": run.finished_at.isoformat(timespec="seconds")},
        "submission_count": view.submission_count,
        "questions": [
            {
                "key": section.question.key if section.question else None,
                "question": section.title,
                "submission_count": section.submission_count,
                "unassigned_count": len(section.unassigned_refs),
                "unassigned_refs": section.unassigned_refs,
                "unreadable_refs": section.unreadable_refs,
                "themes": [
                    {
                        "id": theme.engine_id,
                        "label": theme.label,
                        "key_phrases": theme.key_phrases,
                        "submission_count": theme.submission_count,
                        "by_stakeholder_type": theme.by_stakeholder_type,
                        "quotes": [_quote(q) for q in theme.quotes],
                        "submission_refs": theme.submission_refs,
                    }
                    for theme in section.themes
                ],
            }
            for section in view.sections
        ],
    }


MAX_QUOTES_IN_ROW = 3
STAKEHOLDER_COLUMNS = [t.value for t in StakeholderType] + ["unknown"]


def theme_rows(summary: dict) -> tuple[list[str], list[list]]:
    """Flatten a :func:`theme_summary` into a header and one row per theme (for CSV/XLSX)."""
    header = ["consultation", "question_key", "question", "theme_id", "label", "key_phrases",
              "submission_count"]
    header += [f"stakeholder_{s}" for s in STAKEHOLDER_COLUMNS]
    for i in range(1, MAX_QUOTES_IN_ROW + 1):
        header += [f"quote_{i}_ref", f"quote_{i}_text", f"quote_{i}_location"]
    rows = []
    for question in summary["questions"]:
        for theme in question["themes"]:
            row = [summary["consultation"], question["key"] or "", question["question"], theme["id"], theme["label"],
                   "; ".join(theme["key_phrases"]), theme["submission_count"]]
            row += [theme["by_stakeholder_type"].get(s, 0) for s in STAKEHOLDER_COLUMNS]
            quotes = theme["quotes"][:MAX_QUOTES_IN_ROW]
            for i in range(MAX_QUOTES_IN_ROW):
                if i < len(quotes):
                    q = quotes[i]
                    where = q["source"]
                    if "page" in q:
                        where += f" p.{q['page']}"
                    if "paragraph" in q:
                        where += f" ¶{q['paragraph']}"
                    row += [q["submission_ref"], q["text"], f"{where} [{q['start']}:{q['end']}]"]
                else:
                    row += ["", "", ""]
            rows.append(row)
    return header, rows
