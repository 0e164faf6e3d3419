"""Export builders: the theme summary of a consultation as plain data (dicts and rows).

Builders read only through the visibility gate (``analysis.queries.run_view``); writers never
query. Drafter exports use the ANALYSIS audience: published and pending submissions count,
hidden ones never; quotes, summary sentences, a campaign's letter text and its copies' added
words come only from published submissions with consent.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from ..analysis.queries import RunView, latest_run, run_view
from ..analysis.responses import responses_of
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


def _campaign(c) -> dict:
    return {"id": c.id, "copies": c.copies, "representative_ref": c.representative_ref,
            "submission_refs": c.submission_refs, "text": c.text, "text_ref": c.text_ref,
            "added_text": [_quote(a) for a in c.added]}


def theme_summary(consultation: Consultation, audience: Audience = Audience.ANALYSIS) -> dict:
    """The theme summary of the latest finished analysis, as JSON-ready data.

    Shape::

        {"consultation": slug, "title", "generated_at", "analysis": {"run_id", "finished_at"},
         "submission_count",
         "questions": [{"key", "question", "submission_count", "unassigned_count",
                        "unassigned_refs", "unreadable_refs" (only an attachment with no
                        readable text: read these yourself),
                        "multi_theme_count", "campaigns": [CAMPAIGN],
                        "themes": [{"id", "label", "key_phrases", "submission_count",
                                    "distinct_texts", "by_stakeholder_type",
                                    "stakeholder_emphasis", "campaigns": [{"id", "copies"}],
                                    "summary": [QUOTE], "quotes": [QUOTE],
                                    "submission_refs", "organisations": [{"name", "verified"}],
                                    "changed_by_moderation", "description", "origin",
                                    "proposed", "reviewed", "response": RESPONSE|null}]}]}

        QUOTE = {"submission_ref", "text", "source", "page"|"paragraph", "start", "end"}
        CAMPAIGN = {"id", "copies", "representative_ref", "submission_refs", "text",
                    "text_ref", "added_text": [QUOTE]}
        RESPONSE = {"decision", "reason", "draft_reference", "revised_wording", "published_at"}

    A theme's ``response`` is the drafters' answer ("you said, we did"); for the PUBLIC audience
    only published ones (``published_at`` null marks a draft in staff exports).
    ``submission_count`` of a theme is its voices (campaign copies included); ``distinct_texts``
    counts each form-letter campaign once. A submission may be a voice in several themes of a
    question (a long text raising several concerns; ``multi_theme_count`` says how many are), yet
    the question's and the consultation's ``submission_count`` count it once.
    ``stakeholder_emphasis`` maps a stakeholder type to how many times more often it raises the
    theme than everyone else (only groups at 2× or more); ``null`` means no one else raises it.
    ``summary`` holds the theme's extractive summary: verbatim sentences, each citing its
    submission. A campaign's ``text`` is the letter as sent by ``text_ref`` (its representative
    when quotable, else another quotable copy; ``null`` when no copy is quotable) and
    ``added_text`` what quotable copies added to it. ``changed_by_moderation`` is true when a
    moderator hid or redacted a member after the run (label and phrases recomputed from what
    remains; quotes gone). ``organisations`` names the bodies its voices spoke for, once each,
    ``verified`` when an admin verified the representative.

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
    answers = {(r.section_key, r.theme_key): r for r in responses_of(consultation.id, published_only=audience is not Audience.ANALYSIS)
               if r.theme_key}
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
                "multi_theme_count": section.multi_theme_count,
                "campaigns": [_campaign(c) for c in section.campaigns],
                "themes": [
                    {
                        "id": theme.engine_id,
                        "label": theme.label,
                        "key_phrases": theme.key_phrases,
                        "submission_count": theme.submission_count,
                        "distinct_texts": theme.distinct_texts,
                        "by_stakeholder_type": theme.by_stakeholder_type,
                        "stakeholder_emphasis": theme.stakeholder_emphasis,
                        "campaigns": [{"id": c.id, "copies": c.copies} for c in theme.campaigns],
                        "summary": [_quote(q) for q in theme.summary],
                        "quotes": [_quote(q) for q in theme.quotes],
                        "submission_refs": theme.submission_refs,
                        "organisations": [{"name": n, "verified": v} for n, v in theme.organisations],
                        "changed_by_moderation": theme.changed_by_moderation,
                        "description": theme.description,
                        "origin": theme.origin,
                        "proposed": theme.proposed,
                        "reviewed": theme.reviewed_at is not None,
                        "response": response_json(answers.get((section.key, theme.engine_id))),
                    }
                    for theme in section.themes
                ],
            }
            for section in view.sections
        ],
    }


def response_json(response) -> dict | None:
    """A response as export data (``None`` stays ``None``)."""
    if response is None:
        return None
    return {"decision": response.decision.value, "reason": response.reason,
            "draft_reference": response.draft_reference, "revised_wording": response.revised_wording,
            "published_at": response.published_at.isoformat(timespec="seconds") if response.published_at else None}


MAX_QUOTES_IN_ROW = 3
STAKEHOLDER_COLUMNS = [t.value for t in StakeholderType] + ["unknown"]


def _where(q: dict) -> str:
    where = q["source"]
    if "page" in q:
        where += f" p.{q['page']}"
    if "paragraph" in q:
        where += f" ¶{q['paragraph']}"
    return f"{where} [{q['start']}:{q['end']}]"


def _emphasis_cell(emphasis: dict) -> str:
    """``academic 8.8×; other ∞`` (∞: no one else raises the theme)."""
    return "; ".join(f"{group} {'∞' if ratio is None else f'{ratio:g}×'}" for group, ratio in emphasis.items())


def theme_rows(summary: dict) -> tuple[list[str], list[list]]:
    """Flatten a :func:`theme_summary` into a header and one row per theme (for CSV/XLSX).

    ``submission_count`` is the theme's voices, ``distinct_texts`` counts each campaign once,
    ``campaigns``/``campaign_copies`` say how many form-letter campaigns the theme holds and how
    many copies they bring; ``summary`` joins the summary sentences and ``summary_sources`` cites
    each one (``ref source [start:end]``, in the same order); ``verified_organisations`` and
    ``unverified_organisations`` name the bodies its voices spoke for, apart from individuals.
    """
    header = ["consultation", "question_key", "question", "theme_id", "label", "key_phrases",
              "submission_count", "distinct_texts", "campaigns", "campaign_copies", "stakeholder_emphasis"]
    header += [f"stakeholder_{s}" for s in STAKEHOLDER_COLUMNS]
    for i in range(1, MAX_QUOTES_IN_ROW + 1):
        header += [f"quote_{i}_ref", f"quote_{i}_text", f"quote_{i}_location"]
    header += ["summary", "summary_sources", "verified_organisations", "unverified_organisations"]
    rows = []
    for question in summary["questions"]:
        for theme in question["themes"]:
            campaigns = theme.get("campaigns", [])
            row = [summary["consultation"], question["key"] or "", question["question"], theme["id"], theme["label"],
                   "; ".join(theme["key_phrases"]), theme["submission_count"],
                   theme.get("distinct_texts", theme["submission_count"]), len(campaigns),
                   sum(c["copies"] for c in campaigns), _emphasis_cell(theme.get("stakeholder_emphasis", {}))]
            row += [theme["by_stakeholder_type"].get(s, 0) for s in STAKEHOLDER_COLUMNS]
            quotes = theme["quotes"][:MAX_QUOTES_IN_ROW]
            for i in range(MAX_QUOTES_IN_ROW):
                if i < len(quotes):
                    q = quotes[i]
                    row += [q["submission_ref"], q["text"], _where(q)]
                else:
                    row += ["", "", ""]
            sentences = theme.get("summary", [])
            row += [" ".join(q["text"] for q in sentences),
                    "; ".join(f"{q['submission_ref']} {_where(q)}" for q in sentences)]
            organisations = theme.get("organisations", [])
            row += ["; ".join(o["name"] for o in organisations if o["verified"]),
                    "; ".join(o["name"] for o in organisations if not o["verified"])]
            rows.append(row)
    return header, rows
