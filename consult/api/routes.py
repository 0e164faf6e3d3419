"""``/api/v1``: public reads, submitting for partner channels, and staff actions.

Reads need no token (the data is public; the per-address limit applies) or a ``read`` token
(its own, higher limit). Every public read passes the visibility gate
(:mod:`consult.common.visibility`): hidden and pending content is absent and never counted.
Writes need a token with the right scope, and staff calls the role on that consultation.
Every GET answers with an ``ETag``; ``If-None-Match`` with the same tag gets ``304``.
"""
from __future__ import annotations

import hashlib
from functools import wraps

from flask import current_app, g, request, url_for
from flask_smorest import Blueprint, Page

from ..common.visibility import Audience, not_a_surface, passes, public_surface, visible
from ..consultations import queries as consultation_queries
from ..errors import NotFound
from ..extensions import csrf, db, limiter
from . import schemas, tokens
from .problems import Problem

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Consultations, submissions, discussion, "
                "themes and responses of the public consultation platform.")
csrf.exempt(blp)  # token-authenticated JSON; no cookies are read

BEARER = [{"bearerAuth": []}]
OPTIONAL_BEARER = [{}, {"bearerAuth": []}]
NOT_MODIFIED = {"description": "Not modified: the ETag sent in If-None-Match still matches."}
IF_NONE_MATCH = {"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
                 "description": "An ETag from an earlier answer; 304 when nothing changed."}


class ApiPage(Page):
    """flask-smorest's pager for lists."""


def _error(status: int, description: str):
    """Document one problem+json error answer."""
    from .schemas import ProblemOut

    return blp.alt_response(status, schema=ProblemOut, content_type="application/problem+json",
                            description=description)


def read_doc(not_found: str | None = "No published consultation with this slug."):
    """The documentation every public GET shares: no token needed (one may be sent; a bad one is
    401), the ``304`` answer to a matching ``If-None-Match``, and (``not_found``) the ``404``."""

    def decorator(view):
        view = blp.alt_response(304, description=NOT_MODIFIED["description"])(view)
        view = _error(401, "The token sent is unknown, revoked or malformed.")(view)
        view = _error(429, "Too many requests for this token or address.")(view)
        if not_found:
            view = _error(404, not_found)(view)
        return blp.doc(security=OPTIONAL_BEARER)(view)

    return decorator


def write_doc(security: list, scope: str, **answers: str):
    """The documentation of a token-only call: its security and ``scope`` (the ``x-scope``
    extension), the 401, 403 and 429 answers, and ``answers`` (``e404="…"``: status →
    description)."""

    def decorator(view):
        view = _error(401, "No valid token.")(view)
        view = _error(403, f"The token lacks the '{scope}' scope, or its account the role on this consultation.")(view)
        view = _error(429, "Too many requests for this token.")(view)
        for key, description in answers.items():
            view = _error(int(key[1:]), description)(view)
        return blp.doc(security=security, **{"x-scope": scope})(view)

    return decorator


# ---- authentication, limits, ETags --------------------------------------------------------

def _secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def rate_key() -> str:
    """Rate-limit key: the token (by the hash of its text), else the network address."""
    from ..common.visitors import address_key

    secret = _secret()
    if secret:
        return "token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]
    return address_key()


# one budget per token (or address) across every call of the API
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=rate_key)(blp)


@blp.before_request
def _authenticate():
    """A Bearer token, when sent, must be valid: 401 otherwise (never treated as anonymous)."""
    g.api_token = None
    if request.method in ("POST", "PUT", "PATCH") and request.content_length:
        if not request.is_json:
            raise Problem(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
        try:
            request.get_json()  # parsed once here, cached for the view
        except ValueError:  # e.g. an integer of more than 4300 digits (Python's limit)
            raise Problem(400, "bad_request", "The body is not JSON this API can read.") from None
    secret = _secret()
    if request.headers.get("Authorization") and secret is None:
        raise Problem(401, "token_invalid", "Use 'Authorization: Bearer <token>'.",
                      headers={"WWW-Authenticate": 'Bearer realm="consult"'})
    if secret is not None:
        g.api_token = tokens.authenticate(secret)
        if g.api_token is None:
            db.session.rollback()
            raise Problem(401, "token_invalid", "The token is unknown, revoked, or its account is suspended.",
                          headers={"WWW-Authenticate": 'Bearer realm="consult", error="invalid_token"'})
        db.session.commit()  # the recorded last use (public reads take any live token: it buys its own limit)


@blp.after_request
def _conditional(response):
    """ETag on every successful public GET (of the body and the pagination totals); 304 when
    If-None-Match matches (Werkzeug's conditional responses). Staff answers are never stored by
    caches. Public reads may be called from any web page (CORS, no credentials)."""
    if request.path.startswith("/api/v1/staff/"):
        response.headers["Cache-Control"] = "private, no-store"
    elif request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        tag = hashlib.sha256(response.get_data() + response.headers.get("X-Pagination", "").encode()).hexdigest()[:32]
        response.set_etag(tag)
        response.headers["Cache-Control"] = "no-cache" if g.get("api_token") is None else "private, no-cache"
        response = response.make_conditional(request)
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)  # the limiter adds it to every answer
    response.headers["Vary"] = "Authorization"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = ("ETag, X-Pagination, Retry-After, X-RateLimit-Limit, "
                                                         "X-RateLimit-Remaining, X-RateLimit-Reset")
    return response


def requires(scope: str):
    """View decorator: a live token with ``scope`` (401 without a token, 403 without the scope)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = g.get("api_token")
            if token is None:
                raise Problem(401, "token_required", f"This call needs a token with the '{scope}' scope.",
                              headers={"WWW-Authenticate": 'Bearer realm="consult"'})
            if scope not in token.scopes:
                raise Problem(403, "scope_missing", f"This token has no '{scope}' scope.")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def consultation_or_404(slug: str):
    """A published consultation, or a ``not_found`` problem."""
    try:
        return consultation_queries.get_by_slug(slug)
    except NotFound:
        raise Problem(404, "not_found", f"No published consultation '{slug}'.") from None


# ---- representations ----------------------------------------------------------------------

def _consultation(c, counts: dict, comments: dict) -> dict:
    return {"slug": c.slug, "title": c.title, "topic": c.topic, "summary": c.summary or "", "state": c.state.value,
            "opens_at": c.opens_at, "closes_at": c.closes_at, "moderation": c.moderation_mode.value,
            "results_published": bool(c.answered),
            "counts": {"submissions": counts.get(c.id, 0), "comments": comments.get(c.id, 0)},
            "url": url_for("consultations.show_consultation", slug=c.slug, _external=True)}


def _comment_counts(ids: list[int]) -> dict[int, int]:
    from sqlalchemy import func, select

    from ..discussion.models import Comment

    if not ids:
        return {}
    stmt = visible(select(Comment.consultation_id, func.count()).where(
        Comment.consultation_id.in_(ids), Comment.removed_at.is_(None)), Comment, Audience.PUBLIC) \
        .group_by(Comment.consultation_id)
    return dict(db.session.execute(stmt).all())


def _documents(c) -> list[dict]:
    from ..consultations.services import document_series

    out = []
    for versions in document_series(c):
        d = versions[0]
        out.append({"id": d.id, "title": d.title, "filename": d.filename, "content_type": d.content_type,
                    "size_bytes": d.size_bytes, "version": d.version,
                    "version_date": d.version_date.isoformat() if d.version_date else None,
                    "url": url_for("consultations.download_document", slug=c.slug, document_id=d.id, _external=True)})
    return out


def _questions(c) -> list[dict]:
    kinds = {"open": "open", "single_choice": "choice", "likert": "likert"}
    return [{"key": q.key, "position": q.position, "kind": kinds[q.kind.value], "text": q.text,
             "help_text": q.help_text or "", "options": list(q.options or []), "required": bool(q.required)}
            for q in c.questions]


def _submission(s, keys: dict[int, str]) -> dict:
    """A published submission as the public may see it: without its author's consent to publish,
    a number only (reference and date; no text, organisation, stakeholder type or answers)."""
    quotable = passes(s, Audience.QUOTABLE)
    if not quotable:
        return {"reference": s.reference, "submitted_at": s.submitted_at, "stakeholder_type": None,
                "organisation": None, "text_published": False, "body": None, "answers": []}
    answers = [{"question": keys.get(a.question_id, ""), "text": None if a.choice is not None else a.text,
                "choice": a.choice} for a in s.answers if a.choice is not None or a.text]
    return {"reference": s.reference, "submitted_at": s.submitted_at,
            "stakeholder_type": s.stakeholder_type.value if s.stakeholder_type else None,
            "organisation": s.organisation_name, "text_published": True, "body": s.body or "", "answers": answers}


# ---- public reads -------------------------------------------------------------------------

@blp.route("/consultations", methods=["GET"])
@blp.arguments(schemas.ConsultationFilter, location="query")
@blp.response(200, schemas.ConsultationOut(many=True))
@blp.paginate(ApiPage, page_size=20, max_page_size=100)
@read_doc(None)
@public_surface("api.list_consultations")
def list_consultations(filters):
    """Published consultations, open ones first; filter by ``state`` and ``topic``."""
    from ..submissions.queries import public_submission_counts

    rows = consultation_queries.public_list(state=filters.get("state"), topic=filters.get("topic") or None)
    ids = [c.id for c in rows]
    counts, comments = public_submission_counts(ids), _comment_counts(ids)
    return [_consultation(c, counts, comments) for c in rows]


@blp.route("/consultations/<slug>", methods=["GET"])
@blp.response(200, schemas.ConsultationDetailOut)
@read_doc("No published consultation with this slug.")
@public_surface("api.get_consultation")
def get_consultation(slug):
    """One consultation with its background, questions and documents."""
    from ..submissions.queries import public_submission_counts

    c = consultation_or_404(slug)
    out = _consultation(c, public_submission_counts([c.id]), _comment_counts([c.id]))
    out.update(background_markdown=c.body or "", questions=_questions(c), documents=_documents(c))
    return out


@blp.route("/consultations/<slug>/questions", methods=["GET"])
@blp.response(200, schemas.QuestionOut(many=True))
@read_doc("No published consultation with this slug.")
@public_surface("api.list_questions")
def list_questions(slug):
    """The consultation's questions, in order."""
    return _questions(consultation_or_404(slug))


@blp.route("/consultations/<slug>/documents", methods=["GET"])
@blp.response(200, schemas.DocumentOut(many=True))
@read_doc("No published consultation with this slug.")
@public_surface("api.list_documents")
def list_documents(slug):
    """The draft policy documents (latest version of each) with download addresses."""
    return _documents(consultation_or_404(slug))


@blp.route("/consultations/<slug>/submissions", methods=["GET"])
@blp.arguments(schemas.SubmissionFilter, location="query")
@blp.response(200, schemas.SubmissionOut(many=True))
@blp.paginate(ApiPage, page_size=20, max_page_size=100)
@read_doc("No published consultation with this slug.")
@public_surface("api.list_submissions")
def list_submissions(filters, slug):
    """Published submissions, oldest first: text only where the respondent agreed to publish it
    (``text_published``); pending and hidden submissions are absent. No name, e-mail or kecamatan."""
    from sqlalchemy import select

    from ..submissions.models import StakeholderType, Submission

    c = consultation_or_404(slug)
    stmt = visible(select(Submission).where(Submission.consultation_id == c.id), Submission, Audience.PUBLIC)
    if filters.get("stakeholder_type"):  # only where the type is shown: unconsented ones are a number only
        stmt = stmt.where(Submission.stakeholder_type == StakeholderType(filters["stakeholder_type"]),
                          Submission.consent_publish.is_(True))
    keys = {q.id: q.key for q in c.questions}
    return [_submission(s, keys) for s in db.session.scalars(stmt.order_by(Submission.submitted_at, Submission.id))]


@blp.route("/consultations/<slug>/submissions/<reference>", methods=["GET"])
@blp.response(200, schemas.SubmissionOut)
@read_doc("No published submission with this reference.")
@public_surface("api.get_submission")
def get_submission(slug, reference):
    """One published submission."""
    from ..submissions.queries import public_submission

    c = consultation_or_404(slug)
    s = public_submission(c, reference)
    if s is None or not passes(s, Audience.PUBLIC):
        raise Problem(404, "not_found", "No published submission with this reference.")
    return _submission(s, {q.id: q.key for q in c.questions})


@blp.route("/consultations/<slug>/comments", methods=["GET"])
@blp.arguments(schemas.CommentFilter, location="query")
@blp.response(200, schemas.CommentOut(many=True))
@blp.paginate(ApiPage, page_size=20, max_page_size=100)
@read_doc("No such consultation or question.")
@public_surface("api.list_comments")
def list_comments(filters, slug):
    """Published discussion comments and replies, oldest first, of the consultation's own
    discussion or (``question``) of one question, with their vote counts."""
    from sqlalchemy import select

    from ..discussion.models import Comment
    from ..discussion.services import tallies

    c = consultation_or_404(slug)
    question = None
    if filters.get("question"):
        question = next((q for q in c.questions if q.key == filters["question"]), None)
        if question is None:
            raise Problem(404, "not_found", f"No question '{filters['question']}' in this consultation.")
    stmt = visible(select(Comment).where(Comment.consultation_id == c.id, Comment.removed_at.is_(None),
                                         Comment.question_id == question.id if question else Comment.question_id.is_(None)),
                   Comment, Audience.PUBLIC).order_by(Comment.id)
    rows = db.session.scalars(stmt).all()
    counts = tallies([r.id for r in rows])
    out = []
    for r in rows:
        t = counts.get(r.id)
        out.append({"id": r.id, "question": question.key if question else None, "reply_to": r.parent_id,
                    "created_at": r.created_at, "stakeholder_type": r.stakeholder_type.value if r.stakeholder_type else None,
                    "body": r.body, "votes": {"agree": t.agree if t else 0, "disagree": t.disagree if t else 0,
                                              "pass_": t.passed if t else 0},
                    "url": url_for("discussion.show_thread", slug=c.slug, comment_id=r.id, _external=True)})
    return out


def _results_or_404(slug: str):
    c = consultation_or_404(slug)
    if not c.answered:
        raise Problem(404, "results_not_published", "The drafters have not published this consultation's results yet.")
    return c


@blp.route("/consultations/<slug>/themes", methods=["GET"])
@blp.response(200, schemas.ThemeOut(many=True))
@read_doc("No such consultation, or its results are not published yet.")
@public_surface("api.list_themes")
def list_themes(slug):
    """The themes of the latest analysis, once the results are published: counts of published
    submissions only, quotes of quotable ones, and the published response to each theme."""
    from ..exports.builders import NoAnalysis, theme_summary

    c = _results_or_404(slug)
    try:
        summary = theme_summary(c, Audience.PUBLIC)
    except NoAnalysis:
        return []
    out = []
    for q in summary["questions"]:
        for t in q["themes"]:
            r = t.get("response")
            out.append({"question": None if q["key"] == "general" else q["key"], "id": str(t["id"]),
                        "label": t["label"], "description": t.get("description") or None,
                        "key_phrases": list(t.get("key_phrases") or []), "submission_count": t["submission_count"],
                        "by_stakeholder_type": {k: int(v) for k, v in (t.get("by_stakeholder_type") or {}).items()},
                        "quotes": [{"submission": x["submission_ref"], "text": x["text"]} for x in t.get("quotes") or []],
                        "response": {k: (r.get(k) or None) if k != "decision" else r["decision"]
                                     for k in ("decision", "reason", "draft_reference", "revised_wording", "published_at")}
                        if r and r.get("published_at") else None})
    return out


@blp.route("/consultations/<slug>/responses", methods=["GET"])
@blp.response(200, schemas.SubmissionResponseOut(many=True))
@read_doc("No such consultation, or its results are not published yet.")
@public_surface("api.list_responses")
def list_responses(slug):
    """Published responses to individual published submissions (responses to themes are on
    each theme)."""
    from ..analysis.responses import published_for_consultation

    c = _results_or_404(slug)
    return [{"submission": p.submission_ref, "decision": p.response.decision.value, "reason": p.response.reason or None,
             "published_at": p.response.published_at.isoformat(timespec="seconds") if p.response.published_at else None}
            for p in published_for_consultation(c) if p.submission_ref]


# ---- submitting -----------------------------------------------------------------------------

def _same_submission(earlier, payload) -> bool:
    """Whether ``payload`` is the submission recorded as ``earlier``: the same text and answers
    and the same respondent fields (so a resend cannot silently drop a change)."""
    from ..submissions import services
    from ..text.normalise import clean_text

    def norm(value) -> str | None:
        return clean_text(value) or None if isinstance(value, str) else value

    return services.same_content(earlier, payload) and (
        (earlier.stakeholder_type.value if earlier.stakeholder_type else None) == payload.stakeholder_type
        and earlier.consent_publish == payload.consent_publish
        and earlier.name == (None if payload.anonymous else norm(payload.name))
        and earlier.organisation_name == norm(payload.organisation)
        and (earlier.email or None) == ((payload.email or "").strip().lower() or None)
        and earlier.region == norm(payload.region))


@blp.route("/consultations/<slug>/submissions", methods=["POST"])
@limiter.limit(lambda: current_app.config["API_SUBMIT_RATE_LIMIT"], key_func=rate_key)
@requires("submit")
@blp.arguments(schemas.SubmissionIn)
@blp.response(201, schemas.ReceiptOut)
@blp.alt_response(200, schema=schemas.ReceiptOut, description="This client_token was already recorded: the same receipt.")
@write_doc(BEARER, "submit", e404="No published consultation with this slug.",
           e409="The consultation is not open, accepts signed-in accounts only, or this client_token's "
                "submission was withdrawn by its author.",
           e415="Send the body as application/json.",
           e422="The submission breaks the schema (invalid_input) or a rule of the consultation (validation_failed).")
@not_a_surface("api.create_submission", "receives a submission (POST) from a partner channel")
def create_submission(data, slug):
    """Send a submission on a respondent's behalf, with the same validation, moderation and
    receipt as the web form. The answer carries the reference, whether it is published or waits
    for review, and the respondent's private receipt address."""
    from ..common.types import utcnow
    from ..errors import ValidationFailed
    from ..submissions import services
    from ..submissions.models import SubmissionSource

    c = consultation_or_404(slug)
    token = g.api_token
    unknown = sorted(set(data.get("answers") or {}) - {q.key for q in c.questions})
    if unknown:
        raise Problem(422, "validation_failed", "Answers name questions this consultation does not have.",
                      errors={"answers": [f"Unknown question key: {k}" for k in unknown[:20]]})
    key = hashlib.sha256(f"api:{token.id}:{c.id}:{data['client_token']}".encode("utf-8")).hexdigest()
    payload = services.SubmissionInput(
        stakeholder_type=data["stakeholder_type"], body=data.get("body") or "", answers=data.get("answers") or {},
        name=data.get("name"), anonymous=bool(data.get("anonymous")), organisation=data.get("organisation"),
        on_behalf=bool(data.get("organisation")), email=data.get("email"), region=data.get("region"),
        consent_publish=bool(data["consent_publish"]), client_token=key,
        source_hash=None,  # many respondents share one channel: its token's rate limit stands in for the flood rule
        consent_wording=data["consent_wording"], consent_language=data.get("language") or "id")
    earlier = services.find_by_client_token(key)
    if earlier is not None and earlier.moderation_status.value == "withdrawn":
        raise Problem(409, "withdrawn", f"The submission sent with this client_token ({earlier.reference}) was "
                                        "withdrawn by its author; a new submission needs a new key.")
    if earlier is not None and not _same_submission(earlier, payload):
        raise Problem(409, "client_token_reused", "This client_token was used for a submission with other content "
                                                  "(or the respondent or a moderator has since changed it).")
    from flask_babel import force_locale
    from sqlalchemy.exc import IntegrityError

    from ..site import settings as site_settings

    try:
        submission, receipt, created = services.create_submission(
            c, payload, secret=current_app.config["SECRET_KEY"],
            reference_prefix=site_settings.get("reference_prefix"), now=utcnow(), source=SubmissionSource.api)
        db.session.commit()
    except IntegrityError:  # the same client_token, sent twice at once: the other request recorded it
        db.session.rollback()
        submission, created = services.resent(c, payload), False
        if submission is None:
            raise
        receipt = services.receipt_token_for(submission.client_token, current_app.config["SECRET_KEY"])
    except ValidationFailed as exc:
        db.session.rollback()
        # the web form's field names (q_<key>) become the API's (answers.<key>)
        errors = {(f"answers.{k[2:]}" if k.startswith("q_") else k or "_"): [str(m) for m in v]
                  for k, v in exc.errors.items()}
        raise Problem(422, "validation_failed", "The submission breaks a rule of the consultation.",
                      errors=errors) from None
    except services.ConsultationNotOpen as exc:
        db.session.rollback()
        raise Problem(409, "consultation_not_open", str(exc.message)) from None
    except services.SignInRequired:
        db.session.rollback()
        if not c.is_open:
            raise Problem(409, "consultation_not_open", "This consultation does not take submissions now.") from None
        raise Problem(409, "sign_in_required", "This consultation takes submissions from signed-in web accounts "
                                               "only, not through the API.") from None
    except services.SubmissionWithdrawn as exc:
        db.session.rollback()
        raise Problem(409, "withdrawn", str(exc.message)) from None
    if created and submission.email:
        from ..submissions.routes import send_receipt_mail

        with force_locale(payload.consent_language):
            send_receipt_mail(c, submission, receipt)
    body = {"reference": submission.reference, "moderation_status": submission.moderation_status.value,
            "receipt_url": url_for("submissions.show_receipt", token=receipt, _external=True), "resent": not created}
    return body, 201 if created else 200


from . import staff  # noqa: E402,F401  (registers the staff endpoints on blp)
