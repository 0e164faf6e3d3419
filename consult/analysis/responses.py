"""Responses ("you said, we did"): the drafters' decision on each theme, or on one submission.

A response holds a :class:`~consult.analysis.models.Decision`, the reason, and the change to the
draft (article or clause reference and its revised wording). It stays private until published;
then it shows on the consultation page and on the receipt page of every submission in the theme
(or of the one submission), and each affected respondent who left an e-mail address is told
once (:func:`notify_respondents`). Functions flush; callers commit.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.types import utcnow
from ..common.visibility import Audience, passes
from ..errors import ValidationFailed
from ..extensions import db
from ..submissions.models import Submission
from .editing import EditRefused, log_edit, require_drafter
from .models import AnalysisSection, Decision, Response, Theme, ThemeAssignment, section_key
from .queries import latest_run

MAX_REFERENCE = 200


def save_response(consultation, actor, *, decision: str | Decision, reason: str, section: str = "general",
                  theme_key: str | None = None, submission: Submission | None = None,
                  draft_reference: str | None = None, revised_wording: str | None = None) -> Response:
    """Create or update the response to a theme (``section`` + ``theme_key``) or to ``submission``.

    A published response stays published with the new wording (the change is logged).

    Raises:
        NotAllowed: ``actor`` is not a drafter of the consultation.
        ValidationFailed: an unknown decision, no reason, a reference over 200 characters, or
            neither (or both of) a theme and a submission.
    """
    require_drafter(actor, consultation)
    errors: dict[str, list] = {}
    try:
        decision = Decision(decision)
    except ValueError:
        errors["decision"] = [_l("Choose a decision.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_l("Say why: respondents read this reason.")]
    draft_reference = " ".join((draft_reference or "").split()) or None
    if draft_reference and len(draft_reference) > MAX_REFERENCE:
        errors["draft_reference"] = [_l("At most %(n)s characters.", n=MAX_REFERENCE)]
    if (theme_key is None) == (submission is None):
        errors[""] = [_l("A response answers one theme or one submission.")]
    if submission is not None and submission.consultation_id != consultation.id:
        errors[""] = [_l("That submission belongs to another consultation.")]
    if errors:
        raise ValidationFailed(errors)
    if submission is not None:
        response = db.session.scalar(select(Response).where(Response.submission_id == submission.id))
        section = "general"
    else:
        response = db.session.scalar(select(Response).where(
            Response.consultation_id == consultation.id, Response.section_key == section,
            Response.theme_key == theme_key))
    if theme_key is not None:  # a theme with a response keeps its members and name in later runs
        from .editing import hold_theme

        run = latest_run(consultation)
        theme = next((t for s in (run.sections if run else []) if s.key == section
                      for t in s.themes if t.engine_id == theme_key), None)
        if theme is not None:
            hold_theme(theme)
    if response is None:
        response = Response(consultation_id=consultation.id, section_key=section, theme_key=theme_key,
                            submission_id=submission.id if submission is not None else None)
        db.session.add(response)
    response.decision, response.reason = decision, reason
    response.draft_reference = draft_reference
    response.revised_wording = (revised_wording or "").strip() or None
    response.updated_by_id = actor.id
    db.session.flush()
    log_edit(consultation.id, section, "respond", actor, theme_key=theme_key,
             submission=submission.reference if submission is not None else None, decision=decision.value,
             published=response.is_published)
    return response


def _require_drafter_of(response: Response, actor) -> None:
    from ..consultations.models import Consultation

    require_drafter(actor, db.session.get(Consultation, response.consultation_id))


def publish_response(response: Response, actor) -> Response:
    """Make ``response`` public (flushed); call :func:`notify_respondents` after committing."""
    _require_drafter_of(response, actor)
    if response.is_published:
        raise EditRefused(_l("This response is already published."))
    response.published_at, response.published_by_id = utcnow(), actor.id
    log_edit(response.consultation_id, response.section_key, "publish", actor, theme_key=response.theme_key,
             response=response.id)
    db.session.flush()
    return response


def unpublish_response(response: Response, actor) -> Response:
    """Take ``response`` off the public pages again (logged; respondents already told stay told)."""
    _require_drafter_of(response, actor)
    response.published_at = response.published_by_id = None
    log_edit(response.consultation_id, response.section_key, "unpublish", actor, theme_key=response.theme_key,
             response=response.id)
    db.session.flush()
    return response


def delete_response(response: Response, actor) -> None:
    """Delete a draft response. Raises EditRefused for a published one (unpublish it first)."""
    _require_drafter_of(response, actor)
    if response.is_published:
        raise EditRefused(_l("Unpublish the response before deleting it."))
    log_edit(response.consultation_id, response.section_key, "unrespond", actor, theme_key=response.theme_key,
             response=response.id)
    db.session.delete(response)
    db.session.flush()


def responses_of(consultation_id: int, *, published_only: bool = False) -> list[Response]:
    """Every response of a consultation (published ones only when asked), oldest first."""
    stmt = select(Response).where(Response.consultation_id == consultation_id)
    if published_only:
        stmt = stmt.where(Response.published_at.is_not(None))
    return list(db.session.scalars(stmt.order_by(Response.id)))


def affected_submission_ids(response: Response) -> list[int]:
    """Ids of the submissions a response answers: its submission, or the members of its theme in
    the latest finished analysis (whatever their state; callers apply the gate)."""
    if response.submission_id is not None:
        return [response.submission_id]
    from ..consultations.models import Consultation

    run = latest_run(db.session.get(Consultation, response.consultation_id))
    if run is None:
        return []
    key = response.section_key
    return list(db.session.scalars(
        select(ThemeAssignment.submission_id).join(Theme, Theme.id == ThemeAssignment.theme_id)
        .join(AnalysisSection, AnalysisSection.id == Theme.section_id)
        .where(AnalysisSection.run_id == run.id, Theme.engine_id == response.theme_key,
               AnalysisSection.question_id.is_(None) if key == "general"
               else AnalysisSection.question_id == int(key[1:]))))


def notify_respondents(consultation, send) -> int:
    """Tell every respondent with a published response to their submission or its theme, who
    left an e-mail address and was not told before, once; returns how many were told.

    ``send(submission, answers)`` sends one message, ``answers`` being ``[(response, theme label
    or None for an answer to the submission itself)]`` (the caller renders it in the
    respondent's language); ``Submission.response_notified_at`` is set for each (flushed).
    Hidden submissions are skipped (their authors hear from the moderators instead).
    """
    run = latest_run(consultation)
    labels = {(s.key, t.engine_id): t.label for s in (run.sections if run else []) for t in s.themes}
    by_submission: dict[int, list[tuple[Response, str | None]]] = {}
    for response in responses_of(consultation.id, published_only=True):
        label = labels.get((response.section_key, response.theme_key)) if response.theme_key else None
        for sid in affected_submission_ids(response):
            by_submission.setdefault(sid, []).append((response, label))
    if not by_submission:
        return 0
    told = 0
    ids = sorted(by_submission)
    for start in range(0, len(ids), 500):
        for submission in db.session.scalars(select(Submission).where(
                Submission.id.in_(ids[start:start + 500]), Submission.email.is_not(None),
                Submission.response_notified_at.is_(None))):
            if not passes(submission, Audience.ANALYSIS):
                continue
            send(submission, by_submission[submission.id])
            submission.response_notified_at = utcnow()
            told += 1
    db.session.flush()
    return told


@dataclass
class PublishedResponse:
    """A published response as the public reads it: the theme (label and section title) or the
    submission reference it answers, and the decision and change."""

    response: Response
    section_title: str
    theme_label: str | None
    submission_ref: str | None
    voices: int


def published_for_consultation(consultation) -> list[PublishedResponse]:
    """The consultation's published responses with their theme's current label and public voice
    count (latest finished analysis), theme responses first in theme order."""
    from .queries import GENERAL_TITLE

    run = latest_run(consultation)
    themes: dict[tuple[str, str], tuple[Theme, AnalysisSection]] = {}
    if run is not None:
        for section in run.sections:
            for theme in section.themes:
                themes[(section.key, theme.engine_id)] = (theme, section)
    out = []
    for response in responses_of(consultation.id, published_only=True):
        if response.submission_id is not None:
            submission = response.submission
            if submission is None or not passes(submission, Audience.PUBLIC):
                continue  # a hidden or pending submission is not named on public pages
            out.append(PublishedResponse(response, "", None, submission.reference, 1))
            continue
        found = themes.get((response.section_key, response.theme_key))
        if found is None:
            continue
        theme, section = found
        ids = [a.submission_id for a in theme.assignments]
        voices = sum(1 for s in db.session.scalars(select(Submission).where(Submission.id.in_(ids)))
                     if passes(s, Audience.PUBLIC)) if ids else 0
        out.append(PublishedResponse(response, section.question.text if section.question else str(GENERAL_TITLE),
                                     theme.label, None, voices))
    out.sort(key=lambda p: (p.submission_ref is not None, p.section_title, p.theme_label or p.submission_ref or ""))
    return out


def published_for_submission(submission: Submission) -> list[PublishedResponse]:
    """Published responses that answer ``submission``: to itself, or to a theme holding it in the
    latest finished analysis."""
    from .queries import GENERAL_TITLE

    out = []
    own = db.session.scalar(select(Response).where(Response.submission_id == submission.id,
                                                   Response.published_at.is_not(None)))
    if own is not None:
        out.append(PublishedResponse(own, "", None, submission.reference, 1))
    run = latest_run(submission.consultation)
    if run is None:
        return out
    rows = db.session.execute(
        select(AnalysisSection, Theme).join(Theme, Theme.section_id == AnalysisSection.id)
        .join(ThemeAssignment, ThemeAssignment.theme_id == Theme.id)
        .where(AnalysisSection.run_id == run.id, ThemeAssignment.submission_id == submission.id)
        .order_by(AnalysisSection.position, Theme.position)).all()
    for section, theme in rows:
        response = db.session.scalar(select(Response).where(
            Response.consultation_id == submission.consultation_id, Response.section_key == section.key,
            Response.theme_key == theme.engine_id, Response.published_at.is_not(None)))
        if response is not None:
            out.append(PublishedResponse(response, section.question.text if section.question else str(GENERAL_TITLE),
                                         theme.label, None, 0))
    return out


__all__ = ["save_response", "publish_response", "unpublish_response", "delete_response", "responses_of",
           "notify_respondents", "published_for_consultation", "published_for_submission", "section_key"]
