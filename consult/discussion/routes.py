"""Public discussion pages: read a discussion or one thread, post a comment or reply, vote, flag.

Every refused form comes back with what was typed; every redirect after an action lands on the
page (and, for votes and published comments, the place) where the comment is.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..common.forms import apply_errors, pop_expired_csrf
from ..common.mixins import ModerationStatus
from ..common.visibility import Audience, not_a_surface, passes, public_surface
from ..common.visitors import address_key, device_id, visitor_key
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


def _posted(response) -> bool:
    """Only comments actually recorded count towards the rate limits (not refused forms)."""
    return bool(g.get("comment_posted"))


# one budget for comments and replies together, per account (or device) and per network address
_post_limits = [
    limiter.shared_limit(lambda: current_app.config["COMMENT_RATE_LIMIT"], scope="discussion-post",
                         key_func=visitor_key, methods=["POST"], deduct_when=_posted),
    limiter.shared_limit(lambda: current_app.config["COMMENT_ADDRESS_RATE_LIMIT"], scope="discussion-post-address",
                         key_func=address_key, methods=["POST"], deduct_when=_posted),
]


def _limited(view):
    for limit in reversed(_post_limits):
        view = limit(view)
    return view


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


def _page_number(pages: int) -> int:
    """The ``?page=`` argument as a page number from 1 to ``pages`` (1 when missing or malformed)."""
    arg = request.args.get("page", "1")
    if arg.isascii() and arg.isdigit() and int(arg[:12]) > 0:
        return min(int(arg[:12]), pages)
    return 1


def _viewer():
    return current_user if current_user.is_authenticated else None


def _new_form(form: CommentForm | None) -> CommentForm:
    """``form`` (a refused one, with what was typed) or a blank one with a fresh one-time key."""
    if form is None:
        form = CommentForm(formdata=None)
    if not form.client_token.data:
        form.client_token.data = secrets.token_urlsafe(24)
    return form


def _common(consultation) -> dict:
    """Template values every discussion page needs; also gives a new visitor the device cookie
    (so flags and limits count per device, not per network address)."""
    device_id()
    return dict(consultation=consultation, sort=_sort(), page_url=_page_url,
                reasons={r.value: label for r, label in REASON_LABELS.items()},
                max_chars=services.MAX_COMMENT_CHARS, excerpt_chars=EXCERPT_CHARS)


def _private(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _render(consultation, question, *, form=None, status: int = 200):
    """The discussion page: a page of top-level comments, each with its first replies."""
    entries = services.thread(consultation, question, sort=_sort(), viewer=_viewer())
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = _page_number(pages) if form is None else 1  # a refused comment: its form is on page 1
    counts = services.public_counts(consultation)
    return _private(render_template(
        "discussion/show.html", question=question, sorts=services.SORTS,
        entries=entries[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], page=page, pages=pages,
        total=counts.get(question.id if question else None, 0), counts=counts, replies_shown=REPLIES_SHOWN,
        form=_new_form(form), **_common(consultation)), status)


def _render_thread(consultation, top: Comment, *, form=None, status: int = 200):
    """One comment with all its replies and the reply form (404 when the public may not see it)."""
    question = db.session.get(Question, top.question_id) if top.question_id else None
    entry = next((e for e in services.thread(consultation, question, sort="newest", viewer=_viewer())
                  if e.id == top.id), None)
    if entry is None:
        raise NotFound(_("No such comment."))
    pages = max(1, -(-len(entry.replies) // REPLIES_PER_PAGE))
    page = _page_number(pages) if form is None else pages  # a refused reply: the last page, by the form
    return _private(render_template(
        "discussion/thread.html", question=question, entry=entry, form=_new_form(form),
        replies=entry.replies[(page - 1) * REPLIES_PER_PAGE:page * REPLIES_PER_PAGE], page=page, pages=pages,
        **_common(consultation)), status)


def _comment_of(consultation, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id:
        raise NotFound(_("No such comment."))
    return comment


def _listing_url(consultation, comment: Comment, *, anchor: bool = True) -> str:
    """The discussion page (sort kept, right page) that lists ``comment``'s thread."""
    question = db.session.get(Question, comment.question_id) if comment.question_id else None
    sort = _sort()
    page = services.position(consultation, comment, sort=sort, viewer=_viewer()) // PAGE_SIZE + 1
    return _page_url(consultation, question, sort=sort, **({"page": page} if page > 1 else {}),
                     **({"_anchor": f"comment-{comment.id}"} if anchor else {}))


def _thread_url(consultation, comment: Comment, *, anchor: bool = True) -> str:
    """The thread page of ``comment`` (its own, or its parent's for a reply), on the page that
    shows it."""
    top_id = comment.parent_id or comment.id
    page = 1
    if comment.parent_id:
        earlier = db.session.scalar(db.select(db.func.count()).select_from(Comment).where(
            Comment.parent_id == comment.parent_id, Comment.id < comment.id,
            Comment.moderation_status != ModerationStatus.pending))
        page = earlier // REPLIES_PER_PAGE + 1
    return url_for("discussion.show_thread", slug=consultation.slug, comment_id=top_id,
                   **({"page": page} if page > 1 else {}), **({"_anchor": f"comment-{comment.id}"} if anchor else {}))


def _back(consultation, comment: Comment, *, anchor: bool = True) -> str:
    """After a vote or a flag: the thread page when the form was on it (``?from=thread``), else
    the discussion page — at the comment (``anchor``) or at the top, where the message shows."""
    if request.args.get("from") == "thread":
        return _thread_url(consultation, comment, anchor=anchor)
    return _listing_url(consultation, comment, anchor=anchor)


def _post(consultation, question, parent: Comment | None):
    """Accept a comment (``parent`` ``None``) or a reply; on any problem show the page again with
    everything typed kept and the reason."""
    form = CommentForm()
    ok = form.validate()
    expired = pop_expired_csrf(form)
    if expired:
        form.form_errors.append(_("For your security the form had expired. Your text is kept below: "
                                  "press the button again."))
    if not current_user.is_authenticated:
        form.form_errors.append(_("Sign in to take part in the discussion. Your text is kept below."))
    elif ok and not expired:
        try:
            comment = services.post_comment(consultation, current_user, form.body.data, question=question,
                                            parent=parent, stakeholder_type=form.stakeholder_type.data or None,
                                            client_token=form.client_token.data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        except services.NotVotable as exc:  # the comment answered is no longer public
            db.session.rollback()
            form.form_errors.append(str(exc.message) + " " + _("Your text is kept below: you can post it as a new comment."))
            return _render(consultation, question, form=form, status=400)
        except services.DiscussionClosed as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message) + " " + _("Your text is kept below, so you can copy it."))
        else:
            try:
                db.session.commit()
            except IntegrityError:  # the same form, sent twice at once, was recorded by the other request
                db.session.rollback()
                comment = services.resent(form.client_token.data, current_user)
                if comment is None:
                    raise
            g.comment_posted = True
            if comment.moderation_status is ModerationStatus.published:
                flash(_("Your comment is published."), "success")
                return redirect(_thread_url(consultation, comment) if parent is not None
                                else _listing_url(consultation, comment))
            flash(_("Thank you. Your comment waits for a moderator before it is shown."), "info")
            return redirect(url_for("discussion.show_thread", slug=consultation.slug, comment_id=parent.id)
                            if parent is not None else _page_url(consultation, question, sort=_sort()))
    if parent is not None:
        return _render_thread(consultation, parent, form=form, status=400)
    return _render(consultation, question, form=form, status=400)


@bp.route("/c/<slug>/discussion", defaults={"question_key": None}, methods=["GET", "POST"])
@bp.route("/c/<slug>/questions/<question_key>/discussion", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token and, when it expired, comes back filled in
@_limited
@public_surface("discussion.show")
def show(slug: str, question_key: str | None):
    """The discussion of a consultation, or of one of its questions: comments sorted by most
    agreed, most divisive or newest, with their first replies; signed-in people post and vote."""
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
        # a reply the public may not see (waiting, or hidden before anyone saw it) has no address
        if not passes(comment, Audience.PUBLIC) and (comment.moderation_status is ModerationStatus.pending
                                                     or comment.published_at is None):
            raise NotFound(_("No such comment."))
        return redirect(_thread_url(consultation, comment))
    return _render_thread(consultation, comment)


@bp.route("/c/<slug>/comments/<int(max=2147483647):comment_id>/reply", methods=["GET", "POST"])
@csrf.exempt  # as above: an expired form comes back filled in
@_limited
@not_a_surface("discussion.reply", "receives a reply (POST); GET goes to the thread page")
def reply(slug: str, comment_id: int):
    """Reply to a published comment; a reply to a reply joins its thread (replies are one level
    deep). A GET (a reload, a language switch after a refused reply) opens the thread page."""
    consultation = consultation_queries.get_by_slug(slug)
    parent = _comment_of(consultation, comment_id)
    if request.method == "GET":
        return redirect(_thread_url(consultation, parent, anchor=False) + "#reply")
    question = db.session.get(Question, parent.question_id) if parent.question_id else None
    if parent.parent_id is not None:
        if not passes(parent, Audience.PUBLIC):  # a reply no longer public: keep the text on the discussion page
            form = CommentForm()
            form.form_errors.append(_("This comment is not public, so it cannot be answered.") + " "
                                    + _("Your text is kept below: you can post it as a new comment."))
            return _render(consultation, question, form=form, status=400)
        parent = _comment_of(consultation, parent.parent_id)
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
        try:
            db.session.commit()
        except IntegrityError:  # a first vote raced another one of the same person: vote again (an update)
            db.session.rollback()
            services.cast_vote(consultation, comment, current_user, request.form.get("vote", ""))
            db.session.commit()
    except ValueError:
        db.session.rollback()
        flash(_("The vote was not understood; nothing changed."), "error")
    except (services.DiscussionClosed, services.NotVotable) as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        if not passes(comment, Audience.PUBLIC):  # its thread may be gone from public view
            return redirect(_listing_url(consultation, comment, anchor=False))
        return redirect(_back(consultation, comment, anchor=False))
    else:
        flash(_("Your vote is recorded. You can change it at any time while the consultation is open."), "success")
    return redirect(_back(consultation, comment))


@bp.route("/c/<slug>/comments/<int(max=2147483647):comment_id>/flag", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token and, when it expired, comes back filled in
@limiter.limit(lambda: current_app.config["FLAG_RATE_LIMIT"], key_func=visitor_key, methods=["POST"],
               deduct_when=lambda response: bool(g.get("flag_recorded")))
@limiter.limit(lambda: current_app.config["FLAG_ADDRESS_RATE_LIMIT"], key_func=address_key, methods=["POST"],
               deduct_when=lambda response: bool(g.get("flag_recorded")))
@public_surface("discussion.flag")
def flag(slug: str, comment_id: int):
    """A visitor flags a published comment for the moderators (once per visitor; enough distinct
    flaggers hold it for review). GET shows the comment and the form."""
    from ..moderation import services as moderation
    from ..moderation.routes import flag_from_request
    from ..moderation.services import MAX_FLAG_NOTE_CHARS

    consultation = consultation_queries.get_by_slug(slug)
    comment = _comment_of(consultation, comment_id)
    if not passes(comment, Audience.PUBLIC) or comment.removed_at is not None:
        raise NotFound(_("No such comment."))
    form = FlagForm(formdata=None) if request.method == "GET" else FlagForm()

    def again(message: str | None = None, status: int = 400):
        if message:
            form.form_errors.append(message)
        return _render_flag(consultation, comment, form, status)

    if request.method == "GET":
        return again(status=200)
    if not form.validate():
        expired = pop_expired_csrf(form)
        return again(_("For your security the form had expired. Your note is kept below: press the button again.")
                     if expired else None)
    try:
        held = flag_from_request(comment, consultation, form)
    except moderation.AlreadyFlagged:
        db.session.rollback()
        flash(_("You already flagged this comment. The moderators have it."), "info")
    except moderation.NotAllowedHere:
        db.session.rollback()
        flash(_("This comment is already with the moderators."), "info")
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return again(_("The flag was not sent: for \"something else\", say what is wrong; a note has at most "
                       "%(n)d characters.", n=MAX_FLAG_NOTE_CHARS))
    else:
        db.session.commit()
        g.flag_recorded = True
        flash(_("Thank you. The moderators will look at it.") if not held else
              _("Thank you. Several people flagged this comment, so it is now held until a moderator reviews it."),
              "success")
    return redirect(_back(consultation, comment, anchor=False))


def _render_flag(consultation, comment: Comment, form, status: int = 200):
    """The flag page of ``comment``: its text and the form (what was typed kept)."""
    flag_args = {k: request.args[k] for k in ("from", "page", "sort") if request.args.get(k, "").isalnum()}
    return _private(render_template("discussion/flag.html", comment=comment, form=form, flag_args=flag_args,
                                    back=_back(consultation, comment), **_common(consultation)), status)


@bp.errorhandler(429)
def too_many(error):
    """Rate limit on comments, votes or flags: say so and show the page again with the text kept."""
    message = _("Many comments, votes or reports were sent from this account or device in a short time. "
                "Please wait a while before sending more; what you wrote is kept.")
    try:
        consultation = consultation_queries.get_by_slug(request.view_args.get("slug", ""))
        comment_id = request.view_args.get("comment_id")
        comment = _comment_of(consultation, comment_id) if comment_id else None
        if request.endpoint in ("discussion.show", "discussion.reply"):
            form = CommentForm()
            form.form_errors.append(message)
            question = _question(consultation, request.view_args.get("question_key")) if comment is None else \
                (db.session.get(Question, comment.question_id) if comment.question_id else None)
            top = None
            if comment is not None:
                top = _comment_of(consultation, comment.parent_id) if comment.parent_id else comment
            if top is not None and passes(top, Audience.PUBLIC):
                return _render_thread(consultation, top, form=form, status=429)
            return _render(consultation, question, form=form, status=429)
        if request.endpoint == "discussion.flag" and comment is not None and passes(comment, Audience.PUBLIC):
            form = FlagForm()
            form.form_errors.append(message)
            return _render_flag(consultation, comment, form, 429)
    except NotFound:
        return render_template("errors/error.html", code=429, title=_("Too many requests"), message=message), 429
    flash(message, "error")
    return redirect(_back(consultation, comment, anchor=False) if comment is not None
                    else url_for("discussion.show", slug=consultation.slug))
