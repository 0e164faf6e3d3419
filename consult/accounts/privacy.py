"""Privacy under UU PDP (Law No. 27/2022 on Personal Data Protection): a person's copy of their
data, deleting an account, and anonymising respondents' personal data after a retention period.

Personal data of a submission: the respondent's name, e-mail address, kecamatan, account link and
the hashed sending device; originals kept apart by a redaction. The text itself stays (its
personal data, if any, is what moderators redact) unless the consultation's published rule says
submissions are removed with the account.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select

from ..common.types import utcnow
from ..extensions import db
from .models import ConsentRecord, RoleChange, User
from .organisations import claims_of

log = logging.getLogger(__name__)


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _slug(consultation_id: int) -> str | None:
    from ..consultations.models import Consultation

    return db.session.scalar(select(Consultation.slug).where(Consultation.id == consultation_id))


def submission_data(submission) -> dict:
    """Everything stored about one submission, as JSON-ready data (for its author only)."""
    return {
        "reference": submission.reference,
        "consultation": submission.consultation.slug,
        "submitted_at": _iso(submission.submitted_at),
        "moderation_status": submission.moderation_status.value,
        "stakeholder_type": submission.stakeholder_type.value if submission.stakeholder_type else None,
        "name": submission.name,
        "email": submission.email,
        "region": submission.region,
        "organisation": submission.organisation_name,
        "language": submission.language,
        "consent_publish": submission.consent_publish,
        "body": submission.body,
        "answers": [{"question": a.question.text, "text": a.text, "choice": a.choice} for a in submission.answers],
        "attachment": submission.attachment.filename if submission.attachment else None,
        "anonymised_at": _iso(submission.anonymised_at),
    }


def export_my_data(user: User) -> dict:
    """A copy of everything stored about ``user`` (the right of access, UU PDP art. 7): the
    account, roles, consents, organisation claims, submissions sent while signed in, discussion
    comments and votes, and the role changes that concern them. JSON-ready."""
    from ..discussion.models import VoteValue
    from ..discussion.services import comments_of, votes_of
    from ..submissions.models import Submission

    subs = db.session.scalars(select(Submission).where(Submission.user_id == user.id).order_by(Submission.id)).all()
    consents = db.session.scalars(select(ConsentRecord).where(
        or_(ConsentRecord.user_id == user.id, ConsentRecord.submission_id.in_([s.id for s in subs])))
        .order_by(ConsentRecord.id))
    return {
        "generated_at": _iso(utcnow()),
        "account": {"email": user.email, "name": user.name, "created_at": _iso(user.created_at),
                    "email_verified_at": _iso(user.email_verified_at), "last_login_at": _iso(user.last_login_at),
                    "site_admin": user.is_admin},
        "roles": [{"consultation": r.consultation.slug, "role": r.role.value} for r in user.roles],
        "consents": [{"purpose": c.purpose, "granted": c.granted,
                      "submission": next((s.reference for s in subs if s.id == c.submission_id), None), "wording": c.wording, "language": c.language,
                      "at": _iso(c.created_at)} for c in consents],
        "organisation_claims": [{"organisation": c.organisation.name, "position": c.position,
                                 "status": c.status.value, "reason": c.reason, "evidence": c.filename,
                                 "at": _iso(c.created_at)} for c in claims_of(user)],
        "submissions": [submission_data(s) for s in subs],
        "comments": [{"consultation": c.consultation_id and _slug(c.consultation_id), "question_id": c.question_id,
                      "reply_to": c.parent_id, "id": c.id, "moderation_status": c.moderation_status.value,
                      "stakeholder_type": c.stakeholder_type.value if c.stakeholder_type else None,
                      "body": c.body, "at": _iso(c.created_at)} for c in comments_of(user)],
        "comment_votes": [{"comment": v.comment_id, "vote": VoteValue(v.value).key, "at": _iso(v.updated_at)}
                          for v in votes_of(user)],
        "role_changes": [{"role": r.role, "action": r.action, "at": _iso(r.created_at)}
                         for r in db.session.scalars(select(RoleChange).where(RoleChange.user_id == user.id)
                                                     .order_by(RoleChange.id))],
    }


def anonymise_submission(submission, *, now=None) -> None:
    """Erase the personal data of one submission (flushed): name, e-mail, kecamatan, account and
    device links, and any originals a redaction kept (each erasure logged in the moderation log)."""
    from ..moderation.models import RedactedOriginal
    from ..moderation.services import erase_original

    submission.name = submission.email = submission.region = None
    submission.user_id = submission.source_hash = submission.representative_claim_id = None
    submission.anonymised_at = now or utcnow()
    for original in db.session.scalars(select(RedactedOriginal).where(
            RedactedOriginal.submission_id == submission.id, RedactedOriginal.original.is_not(None))):
        erase_original(original, None)
    db.session.flush()


def _remove_submission(submission, upload_dir: str | Path | None) -> None:
    if submission.attachment is not None and upload_dir:
        (Path(upload_dir) / submission.attachment.stored_name).unlink(missing_ok=True)
    db.session.delete(submission)


def delete_account(user: User, *, upload_dir: str | Path | None = None) -> dict:
    """Delete ``user``'s account (flushed): the account, roles, consents' link to it, votes and
    organisation claims (with their evidence files) are erased; each submission sent while
    signed in, and each discussion comment, is anonymised or removed as its consultation's
    published deletion rule says (:func:`consult.discussion.services.on_account_deleted`).

    Returns:
        ``{"anonymised": n, "removed": m, "comments_anonymised": k, "comments_removed": l}``.
    """
    from ..consultations.models import Consultation, DeletionRule
    from ..discussion.services import on_account_deleted
    from ..submissions.models import Submission

    counts = {"anonymised": 0, "removed": 0}
    for submission in list(db.session.scalars(select(Submission).where(Submission.user_id == user.id))):
        if submission.consultation.deletion_rule is DeletionRule.remove:
            _remove_submission(submission, upload_dir)
            counts["removed"] += 1
        else:
            anonymise_submission(submission)
            counts["anonymised"] += 1
    counts.update(on_account_deleted(user, remove=lambda comment: db.session.get(
        Consultation, comment.consultation_id).deletion_rule is DeletionRule.remove))
    for claim in claims_of(user):
        if upload_dir:
            (Path(upload_dir) / claim.stored_name).unlink(missing_ok=True)
        db.session.delete(claim)
    db.session.execute(ConsentRecord.__table__.update().where(ConsentRecord.user_id == user.id).values(user_id=None))
    db.session.flush()
    log.info("account %s deleted: %s", user.id, counts)
    db.session.delete(user)
    db.session.flush()
    return counts


def apply_retention(*, now=None) -> dict[str, int]:
    """Anonymise the respondents' personal data of every consultation whose retention period
    (``retention_days`` after ``closes_at``) has passed (flushed).

    Returns:
        consultation slug → number of submissions anonymised now.
    """
    from ..consultations.models import Consultation
    from ..submissions.models import Submission

    now = now or utcnow()
    done: dict[str, int] = {}
    for consultation in db.session.scalars(select(Consultation).where(Consultation.retention_days.is_not(None),
                                                                      Consultation.closes_at.is_not(None))):
        if consultation.closes_at + timedelta(days=consultation.retention_days) > now:
            continue
        subs = db.session.scalars(select(Submission).where(Submission.consultation_id == consultation.id,
                                                           Submission.anonymised_at.is_(None))).all()
        for submission in subs:
            anonymise_submission(submission, now=now)
        if subs:
            done[consultation.slug] = len(subs)
    return done
