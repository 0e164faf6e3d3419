"""Reading analysis results through the visibility gate.

Counts, key phrases, quotes, summary sentences, campaigns and stakeholder emphasis are derived at
read time from the stored assignments and the submissions' current moderation state, so a
submission hidden after the run drops out of every count, phrase, quote and summary at once.

Voices are member submissions; distinct texts count each form-letter campaign once. A long
submission can be in several themes of one section (one per concern its paragraphs raise): it is
a voice in each of them, but section and run totals count every submission once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.visibility import Audience, passes
from ..consultations.models import Consultation, Question
from ..extensions import db
from ..submissions.models import Submission
from ..themes import label_from_phrases
from ..themes.engine import stakeholder_emphasis
from .models import AnalysisRun, AnalysisSection, RunState, Theme, ThemeAssignment
from .sources import section_text

GENERAL_TITLE = _l("General comments (free text and attachments)")


@dataclass
class QuoteView:
    """A quote that may be shown: verbatim ``text`` of submission ``submission_ref``."""

    submission_ref: str
    text: str
    source: str
    page: int | None
    paragraph: int | None
    start: int
    end: int


@dataclass
class CampaignView:
    """A form-letter campaign as ``audience`` sees it now (within a section, or within a theme).

    ``copies`` counts the copies that pass the audience's gate (references in
    ``submission_refs``, the representative first). ``text`` is the letter shown once for all
    copies: the representative's text when it is quotable, else the first quotable copy's
    (``text_ref`` names whose), else ``None``. ``added`` holds the words quotable copies added
    to the letter, each located like a quote.
    """

    id: str
    copies: int
    submission_refs: list[str]
    representative_ref: str | None
    text: str | None
    text_ref: str | None
    added: list[QuoteView] = field(default_factory=list)

    def within(self, refs: set[str]) -> "CampaignView":
        """This campaign restricted to the copies among ``refs`` (a theme's voices)."""
        kept = [r for r in self.submission_refs if r in refs]
        return replace(self, copies=len(kept), submission_refs=kept,
                       added=[a for a in self.added if a.submission_ref in refs])


@dataclass
class ThemeView:
    """A theme as ``audience`` sees it now.

    ``submission_count`` is the voices (member submissions, campaign copies included);
    ``distinct_texts`` counts each campaign once; ``stakeholder_emphasis`` maps a stakeholder type
    to how many times more often it raises the theme than everyone else (``None``: no one else
    does); ``summary`` holds the extractive summary's verbatim sentences. ``organisations`` lists
    the organisations its voices spoke for, each once, with whether an admin verified the
    representative (counted apart from individuals in every summary).
    ``changed_by_moderation`` is true when a moderator hid or redacted a member after the run:
    its quotes and summary are already gone here, and the label and key phrases shown are
    recomputed from what quotable members still support (a drafter's locked label stays); the
    next run regroups. ``description``, ``origin`` ("engine", "codebook", "split"), ``proposed``
    (new since the set the run started from) and ``reviewed_at`` come from the drafters' edits.
    """

    id: int
    engine_id: str
    label: str
    key_phrases: list[str]
    submission_count: int
    by_stakeholder_type: dict[str, int]
    quotes: list[QuoteView]
    submission_refs: list[str]
    distinct_texts: int = 0
    campaigns: list[CampaignView] = field(default_factory=list)
    stakeholder_emphasis: dict[str, float | None] = field(default_factory=dict)
    summary: list[QuoteView] = field(default_factory=list)
    changed_by_moderation: bool = False
    organisations: list[tuple[str, bool]] = field(default_factory=list)  # (name, verified), verified first
    description: str | None = None
    origin: str = "engine"
    proposed: bool = False
    reviewed_at: object = None
    label_locked: bool = False


@dataclass
class SectionView:
    """The themes of one question (``question`` ``None``: general free text)."""

    question: Question | None
    title: str
    submission_count: int
    unassigned_refs: list[str]
    key: str = "general"
    section_id: int | None = None
    signed_off_at: object = None
    themes: list[ThemeView] = field(default_factory=list)
    # only an attachment without readable text: drafters read these themselves
    unreadable_refs: list[str] = field(default_factory=list)
    campaigns: list[CampaignView] = field(default_factory=list)
    # submissions counted in more than one theme of the section (still counted once above)
    multi_theme_count: int = 0


@dataclass
class RunView:
    """A finished run, as ``audience`` sees it now."""

    run: AnalysisRun
    submission_count: int
    sections: list[SectionView]


def latest_run(consultation: Consultation, *, finished: bool = True) -> AnalysisRun | None:
    """The newest run of ``consultation`` (only done ones when ``finished``)."""
    stmt = select(AnalysisRun).where(AnalysisRun.consultation_id == consultation.id)
    if finished:
        stmt = stmt.where(AnalysisRun.state == RunState.done)
    return db.session.scalar(stmt.order_by(AnalysisRun.id.desc()).limit(1))


@dataclass(slots=True)
class _Sub:
    """The columns of a submission that :func:`run_view` reads, without an ORM instance
    (10,000 of those cost about half a second to build); ``passes`` accepts it like a row."""

    id: int
    reference: str
    stakeholder_type: object
    organisation_name: str | None
    representative_claim_id: int | None
    moderation_status: object
    consent_publish: bool

    @property
    def consent_given(self) -> bool:
        """Whether the respondent agreed to publish (twin of ``Submission.consent_given``)."""
        return bool(self.consent_publish)


def _submissions(ids: set[int]) -> dict[int, _Sub]:
    """``{id: _Sub}`` for ``ids`` (queried in chunks of 900, under SQLite's parameter limit)."""
    out: dict[int, _Sub] = {}
    ordered = sorted(ids)
    columns = (Submission.id, Submission.reference, Submission.stakeholder_type, Submission.organisation_name,
               Submission.representative_claim_id, Submission.moderation_status, Submission.consent_publish)
    for start in range(0, len(ordered), 900):
        for row in db.session.execute(select(*columns).where(Submission.id.in_(ordered[start:start + 900]))):
            out[row[0]] = _Sub(*row)
    return out


def _members(section: AnalysisSection) -> dict[int, list[int]]:
    """``{theme id: [submission id, ...]}`` of ``section`` in one query, in assignment order."""
    out: dict[int, list[int]] = {theme.id: [] for theme in section.themes}
    rows = db.session.execute(select(ThemeAssignment.theme_id, ThemeAssignment.submission_id)
                              .join(Theme, Theme.id == ThemeAssignment.theme_id)
                              .where(Theme.section_id == section.id)
                              .order_by(ThemeAssignment.theme_id, ThemeAssignment.position))
    for theme_id, submission_id in rows:
        out[theme_id].append(submission_id)
    return out


def _verified_representatives(subs: dict[int, Submission]) -> set[int]:
    """Ids among ``subs`` sent by a representative whose claim an admin verified."""
    from ..accounts.models import ClaimStatus, RepresentativeClaim

    claim_ids = {s.representative_claim_id for s in subs.values() if s.representative_claim_id}
    if not claim_ids:
        return set()
    ok = set(db.session.scalars(select(RepresentativeClaim.id).where(
        RepresentativeClaim.id.in_(claim_ids), RepresentativeClaim.status == ClaimStatus.verified)))
    return {sid for sid, s in subs.items() if s.representative_claim_id in ok}


def _organisations(members: list[int], subs: dict[int, Submission], verified: set[int]) -> list[tuple[str, bool]]:
    """Distinct organisation names among ``members``; verified when any of its voices is."""
    names: dict[str, tuple[str, bool]] = {}
    for sid in members:
        name = subs[sid].organisation_name
        if name:
            key = " ".join(name.split()).casefold()
            shown, ok = names.get(key, (name, False))
            names[key] = (shown, ok or sid in verified)
    return sorted(names.values(), key=lambda item: (not item[1], item[0].casefold()))


def _moderated_since(run: AnalysisRun, subs: dict[int, Submission]) -> set[int]:
    """Ids among ``subs`` that a moderator hid or redacted after ``run`` finished (hidden ones
    were not analysed, so any hidden member was hidden afterwards)."""
    from ..common.mixins import ModerationStatus
    from ..moderation.models import Action, ModerationAction

    out = {sid for sid, sub in subs.items() if sub.moderation_status is ModerationStatus.hidden}
    if subs and run.finished_at is not None:
        ids = list(subs)
        for start in range(0, len(ids), 500):
            out.update(db.session.scalars(select(ModerationAction.submission_id).where(
                ModerationAction.submission_id.in_(ids[start:start + 500]),
                ModerationAction.action == Action.redact, ModerationAction.created_at >= run.finished_at)))
    return out


def _quote_view(q, subs: dict[int, Submission]) -> QuoteView:
    return QuoteView(subs[q.submission_id].reference, q.text, q.source, q.page, q.paragraph, q.start, q.end)


def _span_view(ref: str, span: dict) -> QuoteView:
    return QuoteView(ref, span["text"], span["source"], span.get("page"), span.get("paragraph"),
                     span["start"], span["end"])


def _emphasis(ratios: dict[str, float]) -> dict[str, float | None]:
    """Largest first; the engine's ``inf`` (no one else raises the theme) as ``None``, first."""
    ordered = sorted(ratios.items(), key=lambda item: (-item[1], item[0]))
    return {group: (None if ratio == float("inf") else ratio) for group, ratio in ordered}


def run_view(run: AnalysisRun, audience: Audience = Audience.ANALYSIS) -> RunView:
    """Derive the counts, phrases, quotes, summaries and campaigns of ``run`` that ``audience`` may see.

    ``audience`` decides which submissions count (ANALYSIS for staff and drafter exports, PUBLIC
    for public pages): voices, distinct texts, copies of a campaign, stakeholder counts and
    emphasis. Quotes, summary sentences, key phrases, a campaign's letter text and its copies'
    added words always need QUOTABLE support now, whatever the run saw.
    """
    ids: set[int] = set()
    assigned = {}
    for section in run.sections:
        ids.update(section.unassigned_ids)
        ids.update(section.unreadable_ids)
        for campaign in section.campaigns or []:
            ids.update(campaign["member_ids"])
        assigned.update(_members(section))
        for members in assigned.values():
            ids.update(members)
    subs = _submissions(ids)
    changed = _moderated_since(run, subs)
    verified = _verified_representatives(subs)

    def counted(sid: int) -> bool:
        sub = subs.get(sid)
        return sub is not None and passes(sub, audience)

    def quotable(sid: int) -> bool:
        sub = subs.get(sid)
        return sub is not None and passes(sub, Audience.QUOTABLE)

    def supports(sid: int) -> bool:
        """May back a key phrase or added campaign text: quotable, and not redacted since the
        run (what the run copied from its old text may hold the personal data removed)."""
        return quotable(sid) and sid not in changed

    def excerpts(rows, members: set[int]) -> list[QuoteView]:
        """The quotes or summary sentences of ``members`` that may be quoted now."""
        return [_quote_view(q, subs) for q in rows if q.submission_id in members and quotable(q.submission_id)]

    def stakeholder(sid: int) -> str:
        return subs[sid].stakeholder_type.value if subs[sid].stakeholder_type else "unknown"

    sections, all_counted = [], set()
    for section in run.sections:
        view = SectionView(
            question=section.question,
            title=section.question.text if section.question else str(GENERAL_TITLE),
            submission_count=0,
            unassigned_refs=[subs[s].reference for s in section.unassigned_ids if counted(s)],
            unreadable_refs=[subs[s].reference for s in section.unreadable_ids if counted(s)],
            key=section.key, section_id=section.id, signed_off_at=section.signed_off_at,
        )
        campaigns = _campaign_views(section, subs, counted, quotable, supports)
        campaign_of = {sid: c["id"] for c in section.campaigns or [] for sid in c["member_ids"]}
        theme_members: list[tuple[Theme, list[int]]] = []
        for theme in section.themes:
            members = [s for s in assigned[theme.id] if counted(s)]
            if members:
                theme_members.append((theme, members))
        # everything the engine saw in this section (unreadable ones were never analysed)
        analysed = {s for s in section.unassigned_ids if counted(s)}
        for _theme, members in theme_members:
            analysed.update(members)
        def distinct(ids) -> list[int]:
            """One submission per campaign: emphasis compares groups by distinct texts."""
            seen_campaigns, out = set(), []
            for s in sorted(ids):
                campaign = campaign_of.get(s)
                if campaign is None or campaign not in seen_campaigns:
                    out.append(s)
                    seen_campaigns.add(campaign)
            return out

        totals = Counter(stakeholder(s) for s in distinct(analysed))
        seen_in: Counter = Counter()
        for theme, members in theme_members:
            seen_in.update(set(members))
            stakeholders = Counter(stakeholder(s) for s in members)
            member_set = set(members)
            phrases = [p for p in theme.key_phrases
                       if any(supports(s) and s in member_set for s in theme.key_phrase_sources.get(p, []))]
            in_campaigns = {campaign_of[s] for s in members if s in campaign_of}
            view.themes.append(ThemeView(
                id=theme.id, engine_id=theme.engine_id,
                label=theme.label if theme.label_locked or phrases == theme.key_phrases else label_from_phrases(phrases),
                key_phrases=phrases, submission_count=len(members),
                by_stakeholder_type=dict(sorted(stakeholders.items())), quotes=excerpts(theme.quotes, member_set),
                submission_refs=[subs[s].reference for s in members],
                distinct_texts=sum(1 for s in members if s not in campaign_of) + len(in_campaigns),
                campaigns=[c.within({subs[s].reference for s in members}) for c in campaigns if c.id in in_campaigns],
                stakeholder_emphasis=_emphasis(stakeholder_emphasis(
                    Counter(stakeholder(s) for s in distinct(members)), totals)),
                summary=excerpts(theme.summary, member_set),
                changed_by_moderation=any(s in changed for s in assigned[theme.id]),
                organisations=_organisations(members, subs, verified),
                description=theme.description, origin=theme.origin, proposed=theme.proposed,
                reviewed_at=theme.reviewed_at, label_locked=theme.label_locked,
            ))
        members_in_section = analysed | {s for s in section.unreadable_ids if counted(s)}
        view.submission_count = len(members_in_section)
        view.campaigns = [c for c in campaigns if c.copies]
        view.multi_theme_count = sum(1 for n in seen_in.values() if n > 1)
        all_counted |= members_in_section
        sections.append(view)
    return RunView(run=run, submission_count=len(all_counted), sections=sections)


def _campaign_views(section: AnalysisSection, subs: dict[int, Submission], counted, quotable,
                    supports) -> list[CampaignView]:
    """The section's campaigns through the gate (copies counted, texts quotable; text a copy
    added is shown only while its submission ``supports`` it: not redacted since the run)."""
    out = []
    question_id = section.question_id
    for campaign in section.campaigns or []:
        members = [s for s in campaign["member_ids"] if counted(s)]
        rep = campaign["representative_id"]
        shown = next((s for s in [rep, *campaign["member_ids"]] if quotable(s)), None)
        added = []
        for entry in campaign.get("added_text", []):
            sid = entry["submission_id"]
            if supports(sid):
                added.extend(_span_view(subs[sid].reference, span) for span in entry["spans"])
        out.append(CampaignView(
            id=campaign["id"], copies=len(members), submission_refs=[subs[s].reference for s in members],
            representative_ref=subs[rep].reference if counted(rep) else None,
            text=section_text(db.session.get(Submission, shown), question_id)[0] if shown is not None else None,
            text_ref=subs[shown].reference if shown is not None else None,
            added=added,
        ))
    return out


def themes_of_submission(submission: Submission) -> list[tuple[str, str]]:
    """``(section title, theme label)`` of the latest finished run's themes holding ``submission``."""
    run = latest_run(submission.consultation)
    if run is None:
        return []
    rows = db.session.execute(
        select(AnalysisSection, Theme)
        .join(Theme, Theme.section_id == AnalysisSection.id)
        .join(ThemeAssignment, ThemeAssignment.theme_id == Theme.id)
        .where(AnalysisSection.run_id == run.id, ThemeAssignment.submission_id == submission.id)
        .order_by(AnalysisSection.position, Theme.position)
    ).all()
    return [(section.question.text if section.question else str(GENERAL_TITLE), theme.label)
            for section, theme in rows]
