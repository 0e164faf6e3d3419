"""The consultation report (*laporan hasil konsultasi publik*) as PDF (fpdf2) and DOCX (python-docx).

:func:`report_data` gathers, through the visibility gate, what was consulted and when, who took
part (by stakeholder type, organisation, region and channel), the themes with counts and
quotable quotes, the responses, the closed-question tallies and the moderation summary; the two
writers lay the same data out. Counts follow the drafter column of "What counts where"
(everything analysed); quotes come from quotable submissions only; region and tally cells under
five respondents are suppressed. Texts are in the site's default language.
"""
from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..common.visibility import Audience, visible
from ..consultations.models import Consultation
from ..extensions import db
from ..submissions.models import STAKEHOLDER_LABELS, StakeholderType, Submission, SubmissionSource
from .builders import theme_summary
from ..submissions.queries import counts_by_region, counts_over_time
from .tables import choices_table

FONTS = Path(__file__).parent / "fonts"
MAX_QUOTES = 3


def _stakeholder(code: str) -> str:
    try:
        return str(STAKEHOLDER_LABELS[StakeholderType(code)])
    except ValueError:
        return _("Not given")


def _participation(consultation: Consultation) -> dict:
    base = visible(select(Submission).where(Submission.consultation_id == consultation.id), Submission,
                   Audience.ANALYSIS).subquery()
    by_type = Counter({(t.value if t else "unknown"): n for t, n in db.session.execute(
        select(base.c.stakeholder_type, func.count()).group_by(base.c.stakeholder_type))})
    by_region = counts_by_region(consultation, Audience.ANALYSIS, other=_("Other kecamatan (fewer than five each)"),
                                 unknown=_("Not given"))
    channels = Counter()
    for source, n in db.session.execute(select(base.c.source, func.count()).group_by(base.c.source)):
        source = getattr(source, "value", source)
        channels[_("Online form") if source == SubmissionSource.web.value else
                 _("In-person forums") if source == SubmissionSource.forum.value else _("Imported (other channels)")] += n
    from ..forums.services import forums_of

    forums = [(f"{f.held_on.isoformat()} · {f.place}", _("%(p)s participants, %(c)s contributions", p=f.participant_count, c=n))
              for f, n in forums_of(consultation.id)]
    organisations = sorted({(name, False) for (name,) in db.session.execute(
        select(base.c.organisation_name).where(base.c.organisation_name.is_not(None)).distinct())})
    return {"analysed": sum(by_type.values()),
            "by_stakeholder": [(_stakeholder(k), n) for k, n in by_type.most_common()],
            "by_region": by_region, "by_channel": sorted(channels.items()), "forums": forums,
            "over_time": counts_over_time(consultation, Audience.ANALYSIS),
            "organisations": [name for name, _v in organisations]}


def _moderation(consultation: Consultation) -> list[tuple[str, str, int]]:
    from ..moderation.forms import REASON_LABELS
    from ..moderation.models import Reason
    from ..moderation.routes import ACTION_LABELS
    from ..moderation.services import register

    totals: Counter = Counter()
    for _month, action, reason, n in register(consultation):
        totals[(action, reason)] += n
    rows = []
    for (action, reason), n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or "")):
        label = REASON_LABELS.get(Reason(reason)) if reason else None
        rows.append((str(ACTION_LABELS.get(action, action)), str(label) if label else "", n))
    return rows


def report_data(consultation: Consultation) -> dict:
    """Everything the report shows, as plain data (strings and numbers in the site language).

    Raises:
        NoAnalysis: no analysis has finished.
    """
    from ..analysis.models import DECISION_LABELS, Decision
    from ..common.dates import format_wib
    from ..common.types import utcnow
    from ..consultations.services import document_series
    from ..site import settings

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        summary = theme_summary(consultation, Audience.ANALYSIS)

        def decision(response: dict | None) -> dict | None:
            if not response:
                return None
            return {**response, "decision_label": str(DECISION_LABELS[Decision(response["decision"])])}

        themes = []
        for question in summary["questions"]:
            for theme in question["themes"]:
                themes.append({
                    "question": question["question"], "label": theme["label"],
                    "description": theme.get("description"), "voices": theme["submission_count"],
                    "distinct": theme.get("distinct_texts", theme["submission_count"]),
                    "by_stakeholder": [(_stakeholder(k), n) for k, n in
                                       sorted(theme["by_stakeholder_type"].items(), key=lambda kv: -kv[1])],
                    "by_type": theme["by_stakeholder_type"],
                    "quotes": [(q["text"], q["submission_ref"]) for q in theme["quotes"][:MAX_QUOTES]],
                    "response": decision(theme.get("response")),
                })
        choices = choices_table(consultation, Audience.ANALYSIS)
        return {
            "site": settings.get("site_name"),
            "title": consultation.title,
            "summary": consultation.summary or "",
            "opens": format_wib(consultation.opens_at) if consultation.opens_at else "—",
            "closes": format_wib(consultation.closes_at) if consultation.closes_at else "—",
            "generated": format_wib(utcnow()),
            "documents": [versions[0].title for versions in document_series(consultation)],
            "questions": [q.text for q in consultation.questions],
            "participation": _participation(consultation),
            "themes": themes,
            "theme_count": len(themes),
            "answered": sum(1 for t in themes if t["response"]),
            "choices": [row for row in choices.rows if row[2] == "all"],
            "moderation": _moderation(consultation),
            "labels": _labels(),
        }


def _labels() -> dict[str, str]:
    """Headings and captions, translated once (the writers run outside the locale)."""
    return {
        "report": _("Public consultation report"), "generated": _("Generated"), "window": _("Open from %(a)s to %(b)s"),
        "what": _("1. What was consulted"), "documents": _("Documents"), "questions": _("Questions"),
        "who": _("2. Who took part"), "analysed": _("Submissions analysed (published and awaiting review; hidden ones never): %(n)s"),
        "by_stakeholder": _("By stakeholder type"), "by_region": _("By kecamatan (fewer than five merged)"),
        "over_time": _("Submissions over time"), "themes_by_type": _("Themes by stakeholder type (voices)"),
        "by_channel": _("How they took part"), "forums": _("In-person forums"), "forum": _("Forum"), "organisations": _("Organisations that sent submissions"),
        "themes": _("3. What was said: themes"), "voices": _("%(v)s voices, %(d)s distinct texts"),
        "response": _("Response"), "no_response": _("No response yet."), "draft": _("draft, not yet published"),
        "change": _("Change to the draft"), "choices": _("4. Closed questions (cells under five suppressed)"),
        "moderation": _("5. Moderation"), "no_moderation": _("No moderation action."),
        "answered": _("%(a)s of %(t)s themes have a response."), "category": _("Category"), "count": _("Count"),
        "option": _("Option"), "question": _("Question"), "action": _("Action"), "reason": _("Reason"),
    }


# ---- PDF ---------------------------------------------------------------------------------------


def _fit(pdf, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def write_pdf(data: dict) -> bytes:
    """The report as an A4 PDF (fpdf2, DejaVu Sans embedded for Indonesian and typographic
    characters), with bar charts of participation and of theme sizes drawn as vector shapes."""
    from fpdf import FPDF

    L = data["labels"]
    pdf = FPDF(format="A4")
    pdf.set_title(f"{L['report']}: {data['title']}")
    pdf.set_creator(data["site"] or "consult")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int = 14) -> None:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str, size: int = 10, bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")

    def row_label(label) -> float:
        """Start a chart row (on a new page near the bottom), write its label; returns its y."""
        if pdf.get_y() > pdf.h - 25:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(60, 5, _fit(pdf, str(label), 59))
        return y

    def bars(rows: list[tuple[str, object]], caption: str) -> None:
        numbers = [n for _label, n in rows if isinstance(n, int)]
        if not rows:
            return
        top = max(numbers or [1])
        para(caption, 10, bold=True)
        pdf.set_font("DejaVu", "", 9)
        for label, n in rows:
            y = row_label(label)
            if isinstance(n, int) and top:
                pdf.set_fill_color(43, 108, 176)
                pdf.rect(pdf.l_margin + 62, y + 1, max(0.5, (width - 80) * n / top), 3.5, style="F")
            pdf.set_xy(pdf.l_margin + width - 15, y)
            pdf.cell(15, 5, str(n), align="R")
            pdf.ln(5)
        pdf.ln(2)

    def stacked(rows: list[tuple[str, dict]], caption: str) -> None:
        """Theme bars split by stakeholder type, with a legend (the colours of the web charts)."""
        from ..common.charts import PALETTE

        codes = [t.value for t in StakeholderType] + ["unknown"]
        used = [c for c in codes if any(counts.get(c) for _l, counts in rows)]
        if not rows or not used:
            return
        top = max(sum(counts.values()) for _l, counts in rows) or 1
        para(caption, 10, bold=True)
        pdf.set_font("DejaVu", "", 8)
        for i, code in enumerate(used):
            r, g, b = (int(PALETTE[i % len(PALETTE)][k:k + 2], 16) for k in (1, 3, 5))
            pdf.set_fill_color(r, g, b)
            pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="F")
            pdf.set_x(pdf.get_x() + 4)
            pdf.cell(pdf.get_string_width(_stakeholder(code)) + 4, 5, _stakeholder(code))
        pdf.ln(6)
        pdf.set_font("DejaVu", "", 9)
        for label, counts in rows:
            y = row_label(label)
            x = pdf.l_margin + 62
            for i, code in enumerate(used):
                n = counts.get(code, 0)
                if n:
                    r, g, b = (int(PALETTE[i % len(PALETTE)][k:k + 2], 16) for k in (1, 3, 5))
                    pdf.set_fill_color(r, g, b)
                    w = (width - 80) * n / top
                    pdf.rect(x, y + 1, w, 3.5, style="F")
                    x += w
            pdf.set_xy(pdf.l_margin + width - 15, y)
            pdf.cell(15, 5, str(sum(counts.values())), align="R")
            pdf.ln(5)
        pdf.ln(2)

    heading(L["report"], 16)
    para(data["title"], 13, bold=True)
    para(L["window"] % {"a": data["opens"], "b": data["closes"]})
    para(f"{L['generated']}: {data['generated']}", 8)

    heading(L["what"])
    if data["summary"]:
        para(data["summary"])
    if data["documents"]:
        para(L["documents"], bold=True)
        for title in data["documents"]:
            para(f"• {title}")
    if data["questions"]:
        para(L["questions"], bold=True)
        for i, text in enumerate(data["questions"], 1):
            para(f"{i}. {text}")

    p = data["participation"]
    heading(L["who"])
    para(L["analysed"] % {"n": p["analysed"]})
    bars(p["by_stakeholder"], L["by_stakeholder"])
    bars(p["by_region"], L["by_region"])
    bars(p["by_channel"], L["by_channel"])
    bars(p["over_time"], L["over_time"])
    if p["forums"]:
        para(L["forums"], bold=True)
        for place, counts in p["forums"]:
            para(f"• {place}: {counts}")
    if p["organisations"]:
        para(L["organisations"], bold=True)
        para("; ".join(p["organisations"]))

    heading(L["themes"])
    para(L["answered"] % {"a": data["answered"], "t": data["theme_count"]})
    stacked([(t["label"], t["by_type"]) for t in data["themes"]], L["themes_by_type"])
    for theme in data["themes"]:
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        para(theme["label"], 11, bold=True)
        para(f"{theme['question']} · " + L["voices"] % {"v": theme["voices"], "d": theme["distinct"]}, 8)
        if theme["description"]:
            para(theme["description"])
        para("; ".join(f"{label} {n}" for label, n in theme["by_stakeholder"]), 8)
        for text, ref in theme["quotes"]:
            pdf.set_x(pdf.l_margin + 5)
            pdf.set_font("DejaVu", "", 9)
            pdf.multi_cell(width - 5, 4.5, f"“{text}” ({ref})", new_x="LMARGIN", new_y="NEXT")
        response = theme["response"]
        if response:
            state = "" if response["published_at"] else f" ({L['draft']})"
            para(f"{L['response']}: {response['decision_label']}{state}", 10, bold=True)
            para(response["reason"])
            if response.get("draft_reference") or response.get("revised_wording"):
                para(f"{L['change']}: {response.get('draft_reference') or ''}", 9, bold=True)
                if response.get("revised_wording"):
                    para(response["revised_wording"], 9)
        else:
            para(L["no_response"], 9)
        pdf.ln(2)

    if data["choices"]:
        heading(L["choices"])
        current = None
        for _key, question, _by, _group, option, n in data["choices"]:
            if question != current:
                para(question, 10, bold=True)
                current = question
            para(f"   {option}: {n}", 9)

    heading(L["moderation"])
    if data["moderation"]:
        for action, reason, n in data["moderation"]:
            para(f"{action}{' — ' + reason if reason else ''}: {n}", 9)
    else:
        para(L["no_moderation"], 9)
    return bytes(pdf.output())


# ---- DOCX --------------------------------------------------------------------------------------


def write_docx(data: dict) -> bytes:
    """The report as a Word document (python-docx) drafters can edit: headings, tables for the
    counts, quotes in italics, responses under each theme."""
    import docx

    L = data["labels"]
    document = docx.Document()
    document.core_properties.title = f"{L['report']}: {data['title']}"
    document.add_heading(L["report"], level=0)
    document.add_paragraph(data["title"]).runs[0].bold = True
    document.add_paragraph(L["window"] % {"a": data["opens"], "b": data["closes"]})
    document.add_paragraph(f"{L['generated']}: {data['generated']}")

    def table(rows: list[tuple], header: tuple[str, ...]) -> None:
        if not rows:
            return
        t = document.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header):
            cell.text = str(text)
            cell.paragraphs[0].runs[0].bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = str(value)

    document.add_heading(L["what"], level=1)
    if data["summary"]:
        document.add_paragraph(data["summary"])
    if data["documents"]:
        document.add_heading(L["documents"], level=2)
        for title in data["documents"]:
            document.add_paragraph(title, style="List Bullet")
    if data["questions"]:
        document.add_heading(L["questions"], level=2)
        for text in data["questions"]:
            document.add_paragraph(text, style="List Number")

    p = data["participation"]
    document.add_heading(L["who"], level=1)
    document.add_paragraph(L["analysed"] % {"n": p["analysed"]})
    for key in ("by_stakeholder", "by_region", "by_channel", "over_time"):
        if p[key]:
            document.add_heading(L[key], level=2)
            table(p[key], (L["category"], L["count"]))
    if p["forums"]:
        document.add_heading(L["forums"], level=2)
        table(p["forums"], (L["forum"], L["count"]))
    if p["organisations"]:
        document.add_heading(L["organisations"], level=2)
        document.add_paragraph("; ".join(p["organisations"]))

    document.add_heading(L["themes"], level=1)
    document.add_paragraph(L["answered"] % {"a": data["answered"], "t": data["theme_count"]})
    for theme in data["themes"]:
        document.add_heading(theme["label"], level=2)
        document.add_paragraph(f"{theme['question']} · " + L["voices"] % {"v": theme["voices"], "d": theme["distinct"]})
        if theme["description"]:
            document.add_paragraph(theme["description"])
        document.add_paragraph("; ".join(f"{label} {n}" for label, n in theme["by_stakeholder"]))
        for text, ref in theme["quotes"]:
            quote = document.add_paragraph(style="Quote")
            quote.add_run(f"“{text}”").italic = True
            quote.add_run(f" ({ref})")
        response = theme["response"]
        if response:
            state = "" if response["published_at"] else f" ({L['draft']})"
            heading = document.add_paragraph()
            heading.add_run(f"{L['response']}: {response['decision_label']}{state}").bold = True
            document.add_paragraph(response["reason"])
            if response.get("draft_reference") or response.get("revised_wording"):
                change = document.add_paragraph()
                change.add_run(f"{L['change']}: {response.get('draft_reference') or ''}").bold = True
                if response.get("revised_wording"):
                    document.add_paragraph(response["revised_wording"])
        else:
            document.add_paragraph(L["no_response"])

    if data["choices"]:
        document.add_heading(L["choices"], level=1)
        table([(q, option, n) for _k, q, _b, _g, option, n in data["choices"]], (L["question"], L["option"], L["count"]))

    document.add_heading(L["moderation"], level=1)
    if data["moderation"]:
        table(data["moderation"], (L["action"], L["reason"], L["count"]))
    else:
        document.add_paragraph(L["no_moderation"])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


REPORT_WRITERS = {
    "pdf": ("application/pdf", write_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", write_docx),
}
