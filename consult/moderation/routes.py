"""Moderator pages: the queue of one consultation and the action on one submission."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.hooks import register_receipt_panel
from ..common.mixins import ModerationStatus
from ..common.visibility import not_a_surface, public_surface
from ..common.visitors import account_hash, address_key, device_hash, visitor_key
from ..consultations import queries as consultation_queries
from ..errors import NotFound
from ..extensions import db, limiter
from ..submissions.models import Submission
from . import services
from .forms import FLAG_LABELS, REASON_LABELS, FlagForm, ModeForm, ModerateForm
from .models import Action, Reason

bp = Blueprint("moderation", __name__)  # staff pages, under /staff
public_bp = Blueprint("moderation_public", __name__)  # the public register

# what the rules found, as the author reads it on the receipt
RULE_LABELS = {
    "nik": _l("an identity number (NIK)"), "kk": _l("a family card number (KK)"),
    "nip": _l("a civil servant number (NIP)"), "npwp": _l("a tax number (NPWP)"),
    "phone": _l("a phone number"), "email": _l("an e-mail address"), "abuse": _l("abusive words"),
    "link_spam": _l("many links"), "flood": _l("many submissions in a short time"),
    "flags": _l("flags from visitors"),
}

STATES = {"pending": ModerationStatus.pending, "published": ModerationStatus.published,
          "hidden": ModerationStatus.hidden, "all": None}
STATE_LABELS = {"pending": _l("Waiting for review"), "published": _l("Published"), "hidden": _l("Hidden"),
                "all": _l("All")}


ACTION_LABELS = {"hold": _l("Held for review (automatic rules or flags)"), "approve": _l("Approved"), "hide": _l("Hidden"),
                 "restore": _l("Restored"), "redact": _l("Personal data redacted"), "erase": _l("Kept original erased"),
                 "uphold": _l("Appeal decided: stays hidden"), "escalate": _l("Escalated to a senior moderator")}


def _moderated(slug: str):
    """The consultation ``slug`` (drafts included), after checking the user moderates it (403)."""
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.moderator)
    return consultation


@bp.app_template_global("moderation_waiting")
def moderation_waiting(consultation) -> int:
    """Submissions and discussion comments waiting for a moderator (for the staff dashboard)."""
    return services.waiting_count(consultation) + services.waiting_count(consultation, comments=True)


@register_receipt_panel
def _receipt_moderation(submission):
    """On the author's receipt: why the submission is held, or why a moderator hid it."""
    decision = services.latest_decision(submission)
    appeal = services.appeal_of(submission)
    if decision is None or (decision.action not in (Action.hold, Action.hide, Action.uphold) and appeal is None):
        return None
    if decision.action is Action.hold and submission.moderation_status is not ModerationStatus.pending:
        return None
    hid = decision if decision.action is Action.hide else None
    if decision.action is Action.uphold or (appeal is not None and decision.action is not Action.hide):
        hid = next((row for row in reversed(services.history(submission)) if row.action is Action.hide), None)
    return ("moderation/_receipt_panel.html", {
        "decision": decision,
        "hidden_by": hid,
        "reason": REASON_LABELS.get(Reason(hid.reason)) if hid is not None and hid.reason else None,
        "hits": [str(RULE_LABELS.get(rule, rule)) for rule in dict.fromkeys(h["rule"] for h in decision.rule_hits
                                                                                if "rule" in h and h["rule"] != "flags")],
        "flagged": any(h.get("rule") == "flags" for h in decision.rule_hits),
        "appeal": appeal,
        "can_appeal": submission.moderation_status is ModerationStatus.hidden and appeal is None,
    })


def _filters() -> dict:
    """The queue filters in the query string, cleaned: state, rule, min_flags, min_age, escalated."""
    args = request.args
    state = args.get("state", "pending")
    out = {"state": state if state in STATES else "pending"}
    if args.get("rule") in RULE_LABELS or args.get("rule") == "flags":
        out["rule"] = args["rule"]
    for key, cap in (("min_flags", 10_000), ("min_age", 24 * 365 * 10)):
        value = args.get(key, "")
        if value.isascii() and value.isdigit() and len(value) <= 9 and 0 < int(value):
            out[key] = min(int(value), cap)
    if args.get("escalated") in ("1", "0"):
        out["escalated"] = args["escalated"]
    return out


def _items(consultation, filters: dict) -> list:
    return services.queue(consultation, STATES[filters["state"]], rule=filters.get("rule"),
                          min_flags=filters.get("min_flags", 0), min_age_hours=filters.get("min_age"),
                          escalated={"1": True, "0": False}.get(filters.get("escalated")))


def _submission_of(consultation, submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFound(_("No such submission."))
    return submission


def _tell_author(submission, row) -> None:
    """E-mail the author (when they gave an address) that a moderator hid, redacted, restored
    or decided an appeal on their submission; the receipt page says the same."""
    from flask import current_app

    from ..common.mail import send_mail
    from ..submissions.services import receipt_token_for

    if not submission.email or row.action not in (Action.hide, Action.redact, Action.restore, Action.uphold):
        return
    receipt_url = None
    if submission.client_token:
        receipt_url = url_for("submissions.show_receipt", _external=True,
                              token=receipt_token_for(submission.client_token, current_app.config["SECRET_KEY"]))
    from flask_babel import force_locale

    # the author's language, as far as we know it: English if they wrote in English, else Indonesian
    with force_locale("en" if submission.language == "en" else current_app.config["BABEL_DEFAULT_LOCALE"]):
        send_mail(submission.email, _("Your submission %(ref)s", ref=submission.reference),
                  render_template("emails/moderation.txt", submission=submission, row=row, actions=ACTION_LABELS,
                                  reason=REASON_LABELS.get(Reason(row.reason)) if row.reason else None,
                                  receipt_url=receipt_url))


@bp.route("/c/<slug>/moderation")
@login_required
def show_queue(slug: str):
    """The moderation queue, filtered by state (pending by default), rule, flags, age and escalation."""
    consultation = _moderated(slug)
    filters = _filters()
    items = _items(consultation, filters)
    appeals = services.open_appeals(consultation)
    counts = {key: len(services.queue(consultation, value)) for key, value in STATES.items() if value}
    return render_template("moderation/queue.html", comments_waiting=services.waiting_count(consultation, comments=True), consultation=consultation, items=items, filters=filters,
                           state=filters["state"], states=STATE_LABELS, counts=counts, form=ModerateForm(),
                           reasons=REASON_LABELS, rule_labels=RULE_LABELS, flag_labels=FLAG_LABELS,
                           text_of=services.submission_text, appeals=appeals,
                           mode_form=ModeForm(mode=consultation.moderation_mode.value))


@bp.route("/c/<slug>/moderation/<int(max=2147483647):submission_id>", methods=["GET", "POST"])
@login_required
def moderate(slug: str, submission_id: int):
    """One item: its text, rule hits, flags and history, and the action form. After an action the
    next item of the same filtered queue opens (or the queue, when none is left)."""
    consultation = _moderated(slug)
    submission = _submission_of(consultation, submission_id)
    filters = _filters()
    form = ModerateForm()
    if request.method == "POST":
        before = [i.submission.id for i in _items(consultation, filters)]
        if not form.validate_on_submit():
            flash(_("The action was not understood; nothing changed."), "error")
            return redirect(url_for("moderation.moderate", slug=slug, submission_id=submission_id, **filters))
        try:
            row = services.apply(submission, current_user, form.action.data, reason=form.reason.data or None,
                                 public_note=form.public_note.data)
        except services.NotAllowedHere:
            db.session.rollback()
            flash(_("This action does not apply to %(ref)s now (hiding needs a reason; redacting needs personal data to remove); nothing changed.",
                    ref=submission.reference), "error")
            return redirect(url_for("moderation.moderate", slug=slug, submission_id=submission_id, **filters))
        db.session.commit()
        _tell_author(submission, row)
        flash(_("%(ref)s: done.", ref=submission.reference), "success")
        following = _next_after(before, [i.submission.id for i in _items(consultation, filters)], submission.id)
        if following is None:
            return redirect(url_for("moderation.show_queue", slug=slug, **filters))
        return redirect(url_for("moderation.moderate", slug=slug, submission_id=following, **filters))
    item = next((i for i in services.queue(consultation, None) if i.submission.id == submission.id), None)
    return render_template("moderation/item.html", consultation=consultation, item=item, submission=submission,
                           form=form, filters=filters, history=services.history(submission),
                           flags=services.flags_of(submission), actions=ACTION_LABELS, states=STATE_LABELS,
                           reasons={r.value: label for r, label in REASON_LABELS.items()},
                           rule_labels=RULE_LABELS, flag_labels={c.value: label for c, label in FLAG_LABELS.items()},
                           text_of=services.submission_text)


def _next_after(before: list[int], after: list[int], submission_id: int) -> int | None:
    """The item to open after acting on ``submission_id``: the first one that followed it in the
    queue as it was (``before``) and is still there (``after``); else the first other item."""
    still = set(after)
    if submission_id in before:
        for candidate in before[before.index(submission_id) + 1:]:
            if candidate in still:
                return candidate
    return next((i for i in after if i != submission_id), None)


@bp.route("/c/<slug>/moderation/bulk", methods=["POST"])
@login_required
def moderate_many(slug: str):
    """Apply one action to the ticked items of the queue; items it does not apply to are left
    unchanged and named."""
    consultation = _moderated(slug)
    filters = _filters()
    form = ModerateForm()
    ids = [int(v) for v in request.form.getlist("ids") if v.isascii() and v.isdigit() and len(v) <= 10]
    if not ids:
        flash(_("Tick at least one item and choose an action; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug, **filters))
    if not form.validate_on_submit():
        flash(_("Nothing changed: %(problem)s", problem=" ".join(
            str(m) for messages in form.errors.values() for m in messages)), "error")
        return redirect(url_for("moderation.show_queue", slug=slug, **filters))
    if form.action.data == "hide" and not form.reason.data:
        flash(_("Hiding needs a reason; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug, **filters))
    subs = db.session.scalars(db.select(Submission).where(Submission.id.in_(ids),
                                                          Submission.consultation_id == consultation.id)).all()
    done, skipped = services.apply_many(subs, current_user, form.action.data, reason=form.reason.data or None,
                                        public_note=form.public_note.data)
    db.session.commit()
    by_id = {s.id: s for s in subs}
    for row in done:
        _tell_author(by_id[row.submission_id], row)
    flash(_("%(n)d done.", n=len(done)), "success")
    if skipped:
        flash(_("Not applicable, left unchanged: %(refs)s.", refs=", ".join(s.reference for s in skipped)), "warning")
    return redirect(url_for("moderation.show_queue", slug=slug, **filters))


@bp.route("/c/<slug>/moderation/comments")
@login_required
def comment_queue(slug: str):
    """The discussion comments of one consultation in a moderation state (waiting by default),
    each with the rules' hits, flags and the action form."""
    from ..discussion.models import Comment

    consultation = _moderated(slug)
    state = request.args.get("state", "pending")
    state = state if state in STATES else "pending"
    items = services.comment_queue(consultation, STATES[state])
    parents = {c.id: c for c in db.session.scalars(db.select(Comment).where(
        Comment.id.in_({i.comment.parent_id for i in items if i.comment.parent_id})))}
    counts = {key: len(services.comment_queue(consultation, value)) for key, value in STATES.items() if value}
    return render_template("moderation/comments.html", consultation=consultation, items=items, state=state,
                           states=STATE_LABELS, counts=counts, reasons=REASON_LABELS, rule_labels=RULE_LABELS,
                           flag_labels={c.value: label for c, label in FLAG_LABELS.items()}, parents=parents,
                           history=services.history,
                           actions=ACTION_LABELS, questions={q.id: q for q in consultation.questions})


@bp.route("/c/<slug>/moderation/comments/<int(max=2147483647):comment_id>", methods=["POST"])
@login_required
def moderate_comment(slug: str, comment_id: int):
    """Approve, hide (with a reason and public note), restore or escalate one comment."""
    from ..discussion.models import Comment

    consultation = _moderated(slug)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id:
        raise NotFound(_("No such comment."))
    state = request.args.get("state", "pending")
    back = url_for("moderation.comment_queue", slug=slug, state=state if state in STATES else "pending")
    form = ModerateForm()
    if not form.validate_on_submit() or form.action.data == "redact":
        flash(_("The action was not understood; nothing changed."), "error")
        return redirect(back)
    if form.action.data == "hide" and not form.reason.data:
        flash(_("Hiding needs a reason; nothing changed. Your note was: “%(note)s”", note=form.public_note.data or "—"),
              "error")
        return redirect(back)
    try:
        row = services.apply(comment, current_user, form.action.data, reason=form.reason.data or None,
                             public_note=form.public_note.data)
    except services.NotAllowedHere:
        db.session.rollback()
        flash(_("This action does not apply to the comment in its present state (%(state)s); nothing changed.",
                state=STATE_LABELS[comment.moderation_status.value]), "error")
        return redirect(back)
    db.session.commit()
    _tell_commenter(consultation, comment, row)
    flash(_("Comment %(id)d: done.", id=comment.id), "success")
    return redirect(back)


def _tell_commenter(consultation, comment, row) -> None:
    """E-mail a comment's author, in their interface language, that a moderator hid or restored it."""
    from flask_babel import force_locale

    from ..accounts.models import User
    from ..common.mail import send_mail

    author = db.session.get(User, comment.author_id) if comment.author_id else None
    if author is None or row.action not in (Action.hide, Action.restore):
        return
    with force_locale(author.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        send_mail(author.email, _("Your comment in the discussion of “%(title)s”", title=consultation.title),
                  render_template("emails/comment_moderation.txt", consultation=consultation, comment=comment,
                                  row=row, reason=REASON_LABELS.get(Reason(row.reason)) if row.reason else None,
                                  url=url_for("discussion.show_thread", slug=consultation.slug,
                                              comment_id=comment.parent_id or comment.id, _external=True)))


@bp.route("/c/<slug>/moderation/mode", methods=["POST"])
@login_required
def set_mode(slug: str):
    """Switch the consultation between pre- and post-moderation (applies to what arrives next)."""
    consultation = _moderated(slug)
    form = ModeForm()
    if form.validate_on_submit():
        services.set_mode(consultation, form.mode.data)
        db.session.commit()
        flash(_("Moderation mode saved."), "success")
    else:
        flash(_("The action was not understood; nothing changed."), "error")
    return redirect(url_for("moderation.show_queue", slug=slug))


@public_bp.route("/c/<slug>/moderation-register")
@public_surface("moderation_public.show_register")
def show_register(slug: str):
    """The public moderation register: how many submissions, and how many discussion comments,
    were held, approved, hidden and restored, by month and reason. Counts only — no submission,
    comment, person or text."""
    consultation = consultation_queries.get_by_slug(slug)
    return render_template("moderation/register.html", consultation=consultation,
                           rows=services.register(consultation), comment_rows=services.register(consultation, "comment"),
                           actions=ACTION_LABELS,
                           reasons={r.value: label for r, label in REASON_LABELS.items()})


@bp.route("/c/<slug>/appeals/<int(max=2147483647):appeal_id>", methods=["POST"])
@login_required
def decide_appeal(slug: str, appeal_id: int):
    """Overturn (show again) or uphold (keep hidden) an author's appeal; another moderator only."""
    from .models import Appeal

    consultation = _moderated(slug)
    appeal = db.session.get(Appeal, appeal_id)
    submission = db.session.get(Submission, appeal.submission_id) if appeal else None
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFound(_("No such appeal."))
    decision = request.form.get("decision")
    if decision not in ("overturn", "uphold"):
        flash(_("The action was not understood; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug))
    try:
        row = services.decide_appeal(appeal, current_user, overturn=decision == "overturn",
                                     note=request.form.get("public_note", "")[:500])
    except services.NotAllowedHere:
        db.session.rollback()
        flash(_("Another moderator must decide this appeal, or it was already decided; nothing changed."), "error")
        return redirect(url_for("moderation.show_queue", slug=slug))
    db.session.commit()
    _tell_author(submission, row)
    flash(_("%(ref)s: done.", ref=submission.reference), "success")
    return redirect(url_for("moderation.show_queue", slug=slug))


@public_bp.route("/c/<slug>/submissions/<reference>/flag", methods=["POST"])
@limiter.limit(lambda: current_app.config["FLAG_RATE_LIMIT"], key_func=visitor_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["FLAG_ADDRESS_RATE_LIMIT"], key_func=address_key, methods=["POST"])
@not_a_surface("moderation_public.flag_submission", "receives a flag (POST) and redirects")
def flag_submission(slug: str, reference: str):
    """A visitor flags a published submission for the moderators (once per visitor; enough flags
    hold it for review)."""
    from ..errors import ValidationFailed
    from ..submissions.queries import public_submission

    consultation = consultation_queries.get_by_slug(slug)
    from ..common.visibility import Audience, passes

    submission = public_submission(consultation, reference)
    if submission is None or submission.moderation_status is ModerationStatus.published and \
            not passes(submission, Audience.QUOTABLE):
        raise NotFound(_("No such submission."))  # only what the public can read can be flagged
    back = url_for("submissions.show_public", slug=slug, reference=reference)
    form = FlagForm()
    if not form.validate_on_submit():
        flash(_("The flag was not sent: choose what is wrong."), "error")
        return redirect(back)
    try:
        held = flag_from_request(submission, consultation, form)
    except services.AlreadyFlagged:
        db.session.rollback()
        flash(_("You already flagged this submission. The moderators have it."), "info")
        return redirect(back)
    except services.NotAllowedHere:
        db.session.rollback()
        flash(_("This submission is already with the moderators."), "info")
        return redirect(back)
    except ValidationFailed:
        db.session.rollback()
        flash(_("The flag was not sent: for \"something else\", say what is wrong (at most 500 characters)."), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Thank you. The moderators will look at it.") if not held else
          _("Thank you. Several visitors flagged this submission, so it is now held until a moderator reviews it."),
          "success")
    return redirect(url_for("submissions.show_public", slug=slug, reference=reference) if not held
                    else url_for("submissions.list_public", slug=slug))


def flag_from_request(item, consultation, form: FlagForm) -> bool:
    """Record this visitor's flag on a submission or comment from a validated :class:`FlagForm`
    (flushed): keyed on this request's device, account and hashed network address, held at the
    consultation's threshold (or ``FLAG_THRESHOLD``). Returns whether the flag held the item.

    Raises:
        AlreadyFlagged, NotAllowedHere, ValidationFailed: as :func:`services.flag_submission`.
    """
    threshold = consultation.flag_threshold or current_app.config["FLAG_THRESHOLD"]
    _flag, held = services.flag_submission(item, visitor=device_hash(), account=account_hash(),
                                           category=form.category.data, note=form.note.data,
                                           address_hash=address_key()[5:], threshold=threshold)
    return held


@public_bp.errorhandler(429)
def too_many_flags(error):
    """Rate limit on flags: say so and go back."""
    flash(_("You sent many flags in a short time. Please wait a while before sending more."), "error")
    slug, reference = request.view_args.get("slug"), request.view_args.get("reference")
    if slug and reference:
        return redirect(url_for("submissions.show_public", slug=slug, reference=reference))
    return redirect(url_for("consultations.list_consultations"))


@public_bp.route("/r/<token>/appeal", methods=["POST"])
@not_a_surface("moderation_public.file_appeal", "receives the author's appeal (POST) from the private receipt")
def file_appeal(token: str):
    """The author's one appeal, sent from the private receipt page."""
    from flask import abort
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    from ..errors import ValidationFailed
    from ..submissions.queries import get_by_receipt_token

    submission = get_by_receipt_token(token)
    if submission is None:
        abort(404)
    try:
        if current_app_csrf_enabled():
            validate_csrf(request.form.get("csrf_token"))
        services.file_appeal(submission, request.form.get("appeal", ""))
    except (ValidationError, services.NotAllowedHere, ValidationFailed):
        db.session.rollback()
        flash(_("The appeal was not sent: write why the submission should be shown; a submission can be appealed once."),
              "error")
        return redirect(url_for("submissions.show_receipt", token=token))
    db.session.commit()
    flash(_("Your appeal was sent. Another moderator will decide it; the answer will show on this page."), "success")
    return redirect(url_for("submissions.show_receipt", token=token))


def current_app_csrf_enabled() -> bool:
    """Whether CSRF protection is on (off only in the test configuration)."""
    from flask import current_app

    return current_app.config.get("WTF_CSRF_ENABLED", True)
