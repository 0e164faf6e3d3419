"""Public discussion pages: read a thread, post a comment or reply, vote, flag."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..common.forms import BaseForm, apply_errors
from ..common.mixins import ModerationStatus
from ..common.visibility import not_a_surface, public_surface
from ..common.visitors import account_hash, address_key, device_hash, visitor_key
from ..consultations import queries as consultation_queries
from ..consultations.models import Question
from ..errors import NotFound, ValidationFailed
from ..extensions import csrf, db, limiter
from ..moderation.forms import REASON_LABELS, FlagForm
from . import services
from .forms import CommentForm
from .models import Comment

bp = Blueprint("discussion", __name__)

PAGE_SIZE = 10  # top-level comments per page
REPLIES_SHOWN = 2  # replies shown under a comment in the listing (all on the thread page)
REPLIES_PER_PAGE = 20  # replies per page of a thread
EXCERPT_CHARS = 500  # a longer comment is cut in the listing, whole on its thread page


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


def _common(consultation) -> dict:
    """Template values every discussion page needs."""
    return dict(consultation=consultation, vote_form=BaseForm(formdata=None), sort=_sort(),
                reasons={r.value: label for r, label in REASON_LABELS.items()}, page_url=_page_url,
                max_chars=services.MAX_COMMENT_CHARS, excerpt_chars=EXCERPT_CHARS)


def _private(response):
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _render(consultation, question, *, form=None, status: int = 200):
    """The discussion page: a page of top-level comments, each with its first replies."""
    sort = _sort()
    viewer = current_user if current_user.is_authenticated else None
    entries = services.thread(consultation, question, sort=sort, viewer=viewer)
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = _page_number(pages)
    counts = services.public_counts(consultation)
    return _private(current_app.make_response((render_template(
        "discussion/show.html", question=question, sorts=services.SORTS,
        entries=entries[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], page=page, pages=pages,
        total=counts.get(question.id if question else None, 0), counts=counts, replies_shown=REPLIES_SHOWN,
        form=form or CommentForm(formdata=None), **_common(consultation)), status)))


def _render_thread(consultation, top: Comment, *, form=None, status: int = 200):
    """One comment with all its replies and the reply form (404 when the public may not see it)."""
    viewer = current_user if current_user.is_authenticated else None
    question = db.session.get(Question, top.question_id) if top.question_id else None
    entry = next((e for e in services.thread(consultation, question, sort="newest", viewer=viewer)
                  if e.id == top.id), None)
    if entry is None:
        raise NotFound(_("No such comment."))
    pages = max(1, -(-len(entry.replies) // REPLIES_PER_PAGE))
    page = _page_number(pages) if form is None else pages  # after a refused reply: the last page, by the form
    return _private(current_app.make_response((render_template(
        "discussion/thread.html", question=question, entry=entry, form=form or CommentForm(formdata=None),
        replies=entry.replies[(page - 1) * REPLIES_PER_PAGE:page * REPLIES_PER_PAGE], page=page, pages=pages,
        **_common(consultation)), status)))


def _page_number(pages: int) -> int:
    """The ``?page=`` argument as a page number from 1 to ``pages`` (1 when missing or malformed)."""
    arg = request.args.get("page", "1")
    if arg.isascii() and arg.isdigit() and 0 < len(arg) < 6 and int(arg) > 0:
        return min(int(arg), pages)
    return 1


def _comment_of(consultation, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id:
        raise NotFound(_("No such comment."))
    return comment


def _back(consultation, comment: Comment | None, anchor: int | None = None) -> str:
    """Where to go after a vote or flag: the thread page when the form was on it (``?from=thread``),
    else the discussion page, at the comment."""
    anchor = anchor or (comment.id if comment is not None else None)
    fragment = f"comment-{anchor}" if anchor else "comments"
    if comment is not None and request.args.get("from") == "thread":
        page = request.args.get("page", "")
        return url_for("discussion.show_thread", slug=consultation.slug, comment_id=comment.parent_id or comment.id,
                       _anchor=fragment, **({"page": page} if page.isdigit() and len(page) < 6 else {}))
    question = db.session.get(Question, comment.question_id) if comment is not None and comment.question_id else None
    return _page_url(consultation, question, sort=_sort(), _anchor=fragment)


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
                if parent is not None:
                    shown = db.session.scalar(db.select(db.func.count()).select_from(Comment).where(
                        Comment.parent_id == parent.id, Comment.moderation_status != ModerationStatus.pending))
                    return redirect(url_for("discussion.show_thread", slug=consultation.slug, comment_id=parent.id,
                                            page=max(1, -(-shown // REPLIES_PER_PAGE)), _anchor=f"comment-{comment.id}"))
                return redirect(_back(consultation, comment))
            flash(_("Thank you. Your comment waits for a moderator before it is shown."), "info")
            if parent is not None:
                return redirect(url_for("discussion.show_thread", slug=consultation.slug, comment_id=parent.id))
            return redirect(_back(consultation, None))
    if parent is not None:
        return _render_thread(consultation, parent, form=form, status=400)
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


@bp.route("/c/<slug>/comments/<int(max=2147483647):comment_id>")
@public_surface("discussion.show_thread")
def show_thread(slug: str, comment_id: int):
    """One comment with all its replies and the form to reply; a reply's link opens its thread."""
    consultation = consultation_queries.get_by_slug(slug)
    comment = _comment_of(consultation, comment_id)
    if comment.parent_id is not None:
        return redirect(url_for("discussion.show_thread", slug=slug, comment_id=comment.parent_id,
                                _anchor=f"comment-{comment.id}"))
    return _render_thread(consultation, comment)


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


@bp.route("/c/<slug>/comments/<int(max=2147483647):comment_id>/flag", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FLAG_RATE_LIMIT"], key_func=visitor_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["FLAG_ADDRESS_RATE_LIMIT"], key_func=address_key, methods=["POST"])
@public_surface("discussion.flag")
def flag(slug: str, comment_id: int):
    """A visitor flags a published comment for the moderators (once per visitor; enough flags
    hold it for review). GET shows the comment and the form."""
    from ..common.visibility import Audience, passes
    from ..moderation import services as moderation

    consultation = consultation_queries.get_by_slug(slug)
    comment = _comment_of(consultation, comment_id)
    if not passes(comment, Audience.PUBLIC) or comment.removed_at is not None:
        raise NotFound(_("No such comment."))
    form = FlagForm()
    if request.method == "GET":
        return _private(current_app.make_response(render_template(
            "discussion/flag.html", comment=comment, form=form, **_common(consultation))))
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
            if parent.parent_id is not None:
                parent = _comment_of(consultation, parent.parent_id)
            return _render_thread(consultation, parent, form=form, status=429)
        return _render(consultation, _question(consultation, request.view_args.get("question_key")), form=form,
                       status=429)
    comment_id = request.view_args.get("comment_id")
    comment = db.session.get(Comment, comment_id) if comment_id else None
    return redirect(_back(consultation, comment if comment and comment.consultation_id == consultation.id else None))
