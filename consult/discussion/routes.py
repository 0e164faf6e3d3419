"""Public discussion pages: read a thread, post a comment or reply, vote, flag."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..common.forms import BaseForm, apply_errors
from ..common.visibility import not_a_surface, public_surface
from ..common.visitors import account_hash, address_key, device_hash, visitor_key
from ..consultations import queries as consultation_queries
from ..consultations.models import Question
from ..errors import NotFound, ValidationFailed
from ..extensions import csrf, db, limiter
from ..moderation.forms import FLAG_LABELS, REASON_LABELS, FlagForm
from . import services
from .forms import CommentForm
from .models import Comment

bp = Blueprint("discussion", __name__)

PAGE_SIZE = 30  # top-level comments per page


def _question(consultation, question_key: str | None) -> Question | None:
    """The question ``question_key`` of ``consultation`` (``None`` for the whole consultation); 404 if unknown."""
    if question_key is None:
        return None
    question = next((q for q in consultation.questions if q.key == question_key), None)
    if question is None:
        raise NotFound(_("No such question."))
    return question


def _page_url(consultation, question, **args) -> str:
    return url_for("discussion.show", slug=consultation.slug, question_key=question.key if question else None, **args)


def _sort() -> str:
    sort = request.args.get("sort", "agreed")
    return sort if sort in services.SORTS else "agreed"


def _render(consultation, question, *, form=None, reply_form=None, reply_to: int | None = None, status: int = 200):
    sort = _sort()
    viewer = current_user if current_user.is_authenticated else None
    entries = services.thread(consultation, question, sort=sort, viewer=viewer)
    page_arg = request.args.get("page", "1")
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(int(page_arg), pages) if page_arg.isascii() and page_arg.isdigit() and 0 < len(page_arg) < 6 \
        and int(page_arg) > 0 else 1
    if reply_to is not None:  # show the page that holds the comment being answered
        index = next((i for i, e in enumerate(entries) if e.id == reply_to), 0)
        page = index // PAGE_SIZE + 1
    counts = services.public_counts(consultation)
    response = current_app.make_response((render_template(
        "discussion/show.html", consultation=consultation, question=question, sort=sort, sorts=services.SORTS,
        entries=entries[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], page=page, pages=pages,
        total=counts.get(question.id if question else None, 0), counts=counts,
        form=form or CommentForm(formdata=None), reply_form=reply_form, reply_to=reply_to,
        vote_form=BaseForm(formdata=None), flag_form=FlagForm(formdata=None), flag_labels=FLAG_LABELS,
        reasons={r.value: label for r, label in REASON_LABELS.items()}, page_url=_page_url,
        max_chars=services.MAX_COMMENT_CHARS), status))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _comment_of(consultation, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id:
        raise NotFound(_("No such comment."))
    return comment


def _back(consultation, comment: Comment | None, anchor: int | None = None) -> str:
    question = db.session.get(Question, comment.question_id) if comment is not None and comment.question_id else None
    anchor = anchor or (comment.id if comment is not None else None)
    return _page_url(consultation, question, sort=_sort(), _anchor=f"comment-{anchor}" if anchor else "comments")


def _post(consultation, question, parent: Comment | None):
    """Accept a comment (``parent`` ``None``) or a reply; on any problem show the page again with
    everything typed kept."""
    form = CommentForm()
    ok = form.validate()
    expired = bool(form.errors.pop("csrf_token", None))
    if hasattr(form, "csrf_token"):
        form.csrf_token.errors = []
    if expired:
        flash(_("For your security the form had expired. Your text is kept below: press the button again."), "warning")
    if not current_user.is_authenticated:
        flash(_("Sign in to take part in the discussion. Your text is kept below."), "warning")
    elif ok and not expired:
        try:
            comment = services.post_comment(consultation, current_user, form.body.data, question=question,
                                            parent=parent, stakeholder_type=form.stakeholder_type.data or None)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        except (services.DiscussionClosed, services.NotVotable) as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            if comment.moderation_status.value == "published":
                flash(_("Your comment is published."), "success")
                return redirect(_back(consultation, comment))
            flash(_("Thank you. Your comment waits for a moderator before it is shown."), "info")
            return redirect(_back(consultation, parent))
    if parent is not None:
        return _render(consultation, question, reply_form=form, reply_to=parent.id, status=400)
    return _render(consultation, question, form=form, status=400)


@bp.route("/c/<slug>/discussion", defaults={"question_key": None}, methods=["GET", "POST"])
@bp.route("/c/<slug>/questions/<question_key>/discussion", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token and, when it expired, comes back filled in
@limiter.limit(lambda: current_app.config["COMMENT_RATE_LIMIT"], key_func=visitor_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["COMMENT_ADDRESS_RATE_LIMIT"], key_func=address_key, methods=["POST"])
@public_surface("discussion.show")
def show(slug: str, question_key: str | None):
    """The discussion of a consultation, or of one of its questions: comments sorted by most
    agreed, most divisive or newest, with their replies; signed-in people post, reply and vote."""
    consultation = consultation_queries.get_by_slug(slug)
    question = _question(consultation, question_key)
    if request.method == "POST":
        return _post(consultation, question, None)
    return _render(consultation, question)


@bp.route("/c/<slug>/comments/<int(max=2147483647):comment_id>/reply", methods=["POST"])
@csrf.exempt  # as above: an expired form comes back filled in
@limiter.limit(lambda: current_app.config["COMMENT_RATE_LIMIT"], key_func=visitor_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["COMMENT_ADDRESS_RATE_LIMIT"], key_func=address_key, methods=["POST"])
@not_a_surface("discussion.reply", "receives a reply (POST); a refused one is shown back only to its author")
def reply(slug: str, comment_id: int):
    """Reply to a published comment; a reply to a reply joins its thread (replies are one level deep)."""
    consultation = consultation_queries.get_by_slug(slug)
    parent = _comment_of(consultation, comment_id)
    if parent.parent_id is not None:
        parent = _comment_of(consultation, parent.parent_id)
    question = db.session.get(Question, parent.question_id) if parent.question_id else None
    return _post(consultation, question, parent)


@bp.route("/c/<slug>/comments/<int(max=2147483647):comment_id>/vote", methods=["POST"])
@limiter.limit(lambda: current_app.config["VOTE_RATE_LIMIT"], key_func=visitor_key, methods=["POST"])
@not_a_surface("discussion.vote", "receives a vote (POST) and redirects")
def vote(slug: str, comment_id: int):
    """Agree, disagree or pass on a comment; voting again changes the vote."""
    consultation = consultation_queries.get_by_slug(slug)
    comment = _comment_of(consultation, comment_id)
    if not current_user.is_authenticated:
        flash(_("Sign in to vote."), "warning")
        return redirect(url_for("accounts.login", next=_back(consultation, comment)))
    try:
        services.cast_vote(consultation, comment, current_user, request.form.get("vote", ""))
    except ValueError:
        db.session.rollback()
        flash(_("The vote was not understood; nothing changed."), "error")
    except (services.DiscussionClosed, services.NotVotable) as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("Your vote is recorded. You can change it at any time while the consultation is open."), "success")
    return redirect(_back(consultation, comment))


@bp.route("/c/<slug>/comments/<int(max=2147483647):comment_id>/flag", methods=["POST"])
@limiter.limit(lambda: current_app.config["FLAG_RATE_LIMIT"], key_func=visitor_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["FLAG_ADDRESS_RATE_LIMIT"], key_func=address_key, methods=["POST"])
@not_a_surface("discussion.flag", "receives a flag (POST) and redirects")
def flag(slug: str, comment_id: int):
    """A visitor flags a published comment for the moderators (once per visitor; enough flags
    hold it for review)."""
    from ..moderation import services as moderation

    consultation = consultation_queries.get_by_slug(slug)
    comment = _comment_of(consultation, comment_id)
    form = FlagForm()
    if not form.validate_on_submit():
        flash(_("The flag was not sent: choose what is wrong."), "error")
        return redirect(_back(consultation, comment))
    threshold = consultation.flag_threshold or current_app.config["FLAG_THRESHOLD"]
    try:
        _flag, held = moderation.flag_submission(comment, visitor=device_hash(), account=account_hash(),
                                                 category=form.category.data, note=form.note.data,
                                                 address_hash=address_key()[5:], threshold=threshold)
    except moderation.AlreadyFlagged:
        db.session.rollback()
        flash(_("You already flagged this comment. The moderators have it."), "info")
    except moderation.NotAllowedHere:
        db.session.rollback()
        flash(_("This comment is already with the moderators."), "info")
    except ValidationFailed:
        db.session.rollback()
        flash(_("The flag was not sent: for \"something else\", say what is wrong (at most 500 characters)."), "error")
    else:
        db.session.commit()
        flash(_("Thank you. The moderators will look at it.") if not held else
              _("Thank you. Several visitors flagged this comment, so it is now held until a moderator reviews it."),
              "success")
    return redirect(_back(consultation, comment))


@bp.errorhandler(429)
def too_many(error):
    """Rate limit on comments, votes or flags: say so and show the page again with the text kept."""
    slug = request.view_args.get("slug")
    consultation = consultation_queries.get_by_slug(slug)
    flash(_("Many comments, votes or flags were sent from this account or device in a short time. "
            "Please wait a while before sending more."), "error")
    if request.endpoint in ("discussion.show", "discussion.reply") and current_user.is_authenticated:
        form = CommentForm()
        if request.endpoint == "discussion.reply":
            parent = _comment_of(consultation, request.view_args["comment_id"])
            question = db.session.get(Question, parent.question_id) if parent.question_id else None
            return _render(consultation, question, reply_form=form, reply_to=parent.id, status=429)
        return _render(consultation, _question(consultation, request.view_args.get("question_key")), form=form,
                       status=429)
    comment_id = request.view_args.get("comment_id")
    comment = db.session.get(Comment, comment_id) if comment_id else None
    return redirect(_back(consultation, comment if comment and comment.consultation_id == consultation.id else None))
