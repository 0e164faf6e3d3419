"""Drafter workspace pages: edit a theme, the codebook, sign-off, responses and the edit log.

Thin views over :mod:`consult.analysis.editing` and :mod:`consult.analysis.responses`; every
page is under ``/staff/`` and needs the drafter role on the consultation.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..accounts.models import Role
from ..accounts.permissions import require_role
from ..common.forms import committed
from ..common.visibility import Audience, passes
from ..consultations import queries as consultation_queries
from ..errors import DomainError
from ..extensions import db
from ..submissions.models import Submission
from . import editing, responses
from .forms import CodebookForm, ConfirmForm, ResponseForm, SplitForm, ThemeChoiceForm, ThemeEditForm
from .models import DECISION_LABELS, EDIT_ACTIONS, AnalysisSection, CodebookEntry, Decision, Response, Theme
from .queries import GENERAL_TITLE, latest_run
from .routes import bp


@bp.app_template_global("decision_label")
def decision_label(decision) -> str:
    """The decision's name in the page's language."""
    return str(DECISION_LABELS.get(Decision(decision), decision))


def _drafting(slug: str):
    consultation = consultation_queries.get_by_slug(slug, include_drafts=True)
    require_role(consultation, Role.drafter)
    return consultation


def _section(consultation, key: str) -> AnalysisSection:
    """The section ``key`` ("general", "q<id>") of the consultation's latest finished analysis."""
    run = latest_run(consultation)
    section = next((s for s in run.sections if s.key == key), None) if run is not None else None
    if section is None:
        abort(404)
    return section


def _theme(consultation, section: str, key: str) -> Theme:
    """The theme with engine id ``key`` in section ``section`` of the latest finished analysis.

    Addresses use these keys, which later runs keep for the same theme (and never give to
    another), so a bookmark or a form typed while a colleague re-runs the analysis still lands on
    the same theme. 404 when the theme is no longer in the analysis.
    """
    theme = next((t for t in _section(consultation, section).themes if t.engine_id == key), None)
    if theme is None:
        abort(404)
    return theme


def _section_title(section: AnalysisSection) -> str:
    return section.question.text if section.question else str(GENERAL_TITLE)


def _refused(error: DomainError) -> None:
    db.session.rollback()
    flash(str(error.message), "error")


def _back(slug: str, theme: Theme | None = None):
    if theme is not None:
        return redirect(url_for("analysis.edit_theme", slug=slug, section=theme.section.key, key=theme.engine_id))
    return redirect(url_for("analysis.show_themes", slug=slug))


def _members(theme: Theme) -> list[tuple[Submission, str, bool]]:
    """The theme's submissions analysed now, each with its text for this theme's question (the
    answer, or the free text and attachment for the general section) and whether it may be
    quoted. Drafters read every analysed text here; only quotable ones may leave in quotes."""
    from .sources import section_text

    ids = [a.submission_id for a in theme.assignments]
    subs = {s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_(ids)))} if ids else {}
    out = []
    for sid in ids:
        sub = subs.get(sid)
        if sub is not None and passes(sub, Audience.ANALYSIS):
            out.append((sub, section_text(sub, theme.section.question_id)[0], passes(sub, Audience.QUOTABLE)))
    return out


def _target(theme: Theme, key: str) -> Theme:
    """Another theme of ``theme``'s section, by engine id (404 when there is none)."""
    target = next((t for t in theme.section.themes if t.engine_id == key and t.id != theme.id), None)
    if target is None:
        abort(404)
    return target


def _choice_form(prefix: str, theme: Theme, members) -> ThemeChoiceForm:
    """The merge or move form of ``theme``: the other themes of its section, and its members."""
    form = ThemeChoiceForm(prefix=prefix)
    form.target.choices = [SelectChoice(t.engine_id, t.label) for t in theme.section.themes if t.id != theme.id]
    form.submission.choices = [SelectChoice(s.reference, s.reference) for s, _text, _q in members]
    return form


def _theme_forms(theme: Theme, members):
    others = [t for t in theme.section.themes if t.id != theme.id]
    merge, move = _choice_form("merge", theme, members), _choice_form("move", theme, members)
    split = SplitForm()
    split.members.choices = [SelectChoice(s.id, s.reference) for s, _text, _q in members]
    response = db.session.scalar(select(Response).where(
        Response.consultation_id == theme.section.run.consultation_id, Response.section_key == theme.section.key,
        Response.theme_key == theme.engine_id))
    answer = ResponseForm(obj=response) if request.method == "GET" else ResponseForm()
    if request.method == "GET" and response is not None:
        answer.decision.data = response.decision.value
    return {"rename": ThemeEditForm(obj=theme) if request.method == "GET" else ThemeEditForm(),
            "merge": merge, "move": move, "split": split, "answer": answer, "confirm": ConfirmForm(), "response": response,
            "others": others}


@bp.route("/c/<slug>/theme/<section>/<key>")
@login_required
def edit_theme(slug: str, section: str, key: str):
    """One theme: rename and describe, review, merge, split, move a submission, respond."""
    consultation = _drafting(slug)
    theme = _theme(consultation, section, key)
    members = _members(theme)
    return render_template("analysis/theme.html", consultation=consultation, theme=theme, members=members,
                           section_title=_section_title(theme.section), **_theme_forms(theme, members))


def _show_again(consultation, theme, **replace):
    members = _members(theme)
    forms = _theme_forms(theme, members)
    forms.update(replace)
    return render_template("analysis/theme.html", consultation=consultation, theme=theme, members=members,
                           section_title=_section_title(theme.section), **forms), 400


@bp.route("/c/<slug>/theme/<section>/<key>/rename", methods=["POST"])
@login_required
def rename_theme(slug: str, section: str, key: str):
    """Rename and describe a theme."""
    consultation = _drafting(slug)
    theme = _theme(consultation, section, key)
    form = ThemeEditForm()
    if not form.validate():
        return _show_again(consultation, theme, rename=form)
    try:
        if not committed(form, lambda: editing.rename_theme(theme, current_user, form.label.data, form.description.data)):
            return _show_again(consultation, theme, rename=form)
    except DomainError as error:
        _refused(error)
        return _back(slug, theme)
    flash(_("Saved. Later analyses keep this name."), "success")
    return _back(slug, theme)


@bp.route("/c/<slug>/theme/<section>/<key>/review", methods=["POST"])
@login_required
def review_theme(slug: str, section: str, key: str):
    """Mark a theme reviewed, or not (``reviewed=0``)."""
    consultation = _drafting(slug)
    theme = _theme(consultation, section, key)
    if not ConfirmForm().validate():
        abort(400)
    try:
        reviewed = request.form.get("reviewed", "1") == "1"
        editing.set_reviewed(theme, current_user, reviewed)
        db.session.commit()
        flash(_("Marked reviewed.") if reviewed else _("Marked not reviewed."), "success")
    except DomainError as error:
        _refused(error)
    return _back(slug) if request.form.get("back") == "themes" else _back(slug, theme)


@bp.route("/c/<slug>/theme/<section>/<key>/merge", methods=["POST"])
@login_required
def merge_theme(slug: str, section: str, key: str):
    """Merge this theme into another of the same question."""
    consultation = _drafting(slug)
    theme = _theme(consultation, section, key)
    form = _choice_form("merge", theme, [])
    if not form.validate():
        flash(_("Choose the theme to merge into."), "error")
        return _back(slug, theme)
    target = _target(theme, form.target.data)
    label = theme.label
    try:
        editing.merge_themes(theme, target, current_user)
        db.session.commit()
    except DomainError as error:
        _refused(error)
        return _back(slug, theme)
    flash(_("“%(source)s” is merged into “%(target)s”.", source=label, target=target.label), "success")
    return _back(slug, target)


@bp.route("/c/<slug>/theme/<section>/<key>/move", methods=["POST"])
@login_required
def move_submission(slug: str, section: str, key: str):
    """Move one submission of this theme to another theme."""
    consultation = _drafting(slug)
    theme = _theme(consultation, section, key)
    members = _members(theme)
    form = _choice_form("move", theme, members)
    if not form.validate() or not form.submission.data:
        flash(_("Choose a submission and the theme to move it to."), "error")
        return _back(slug, theme)
    submission = next(s for s, _text, _q in members if s.reference == form.submission.data)
    target = _target(theme, form.target.data)
    try:
        editing.move_submission(submission.id, theme, target, current_user)
        db.session.commit()
    except DomainError as error:
        _refused(error)
        return _back(slug, theme)
    flash(_("%(ref)s moved to “%(target)s”.", ref=submission.reference, target=target.label), "success")
    return _back(slug, theme)


@bp.route("/c/<slug>/theme/<section>/<key>/split", methods=["POST"])
@login_required
def split_theme(slug: str, section: str, key: str):
    """Split the chosen submissions off into a new theme."""
    consultation = _drafting(slug)
    theme = _theme(consultation, section, key)
    members = _members(theme)
    form = SplitForm()
    form.members.choices = [SelectChoice(s.id, s.reference) for s, _text, _q in members]
    if not form.validate():
        return _show_again(consultation, theme, split=form)
    try:
        new = editing.split_theme(theme, form.members.data or [], form.new_label.data, current_user)
        db.session.commit()
    except DomainError as error:
        _refused(error)
        return _back(slug, theme)
    flash(_("“%(label)s” is a new theme with %(n)s submissions.", label=new.label, n=len(form.members.data)), "success")
    return _back(slug, new)


@bp.route("/c/<slug>/theme/<section>/<key>/response", methods=["POST"])
@login_required
def respond_to_theme(slug: str, section: str, key: str):
    """Save the drafters' response to a theme (a private draft until published)."""
    consultation = _drafting(slug)
    theme = _theme(consultation, section, key)
    form = ResponseForm()
    if not form.validate():
        return _show_again(consultation, theme, answer=form)
    if not committed(form, lambda: responses.save_response(
            consultation, current_user, section=theme.section.key, theme_key=theme.engine_id,
            decision=form.decision.data, reason=form.reason.data, draft_reference=form.draft_reference.data,
            revised_wording=form.revised_wording.data)):
        return _show_again(consultation, theme, answer=form)
    flash(_("Response saved. Publish it from the responses page when it is ready."), "success")
    return _back(slug, theme)


@bp.route("/c/<slug>/submissions/<reference>/response", methods=["GET", "POST"])
@login_required
def respond_to_submission(slug: str, reference: str):
    """The drafters' response to one submission (for a position paper that needs its own answer)."""
    consultation = _drafting(slug)
    submission = db.session.scalar(select(Submission).where(
        Submission.consultation_id == consultation.id, Submission.reference == reference))
    if submission is None or not passes(submission, Audience.ANALYSIS):
        abort(404)
    response = db.session.scalar(select(Response).where(Response.submission_id == submission.id))
    form = ResponseForm(obj=response) if request.method == "GET" else ResponseForm()
    if request.method == "GET" and response is not None:
        form.decision.data = response.decision.value
    if request.method == "POST" and form.validate() and committed(form, lambda: responses.save_response(
            consultation, current_user, submission=submission, decision=form.decision.data, reason=form.reason.data,
            draft_reference=form.draft_reference.data, revised_wording=form.revised_wording.data)):
        flash(_("Response saved. Publish it from the responses page when it is ready."), "success")
        return redirect(url_for("analysis.list_responses", slug=slug))
    from ..moderation.services import submission_text

    return render_template("analysis/submission_response.html", consultation=consultation, submission=submission,
                           text=submission_text(submission), quotable=passes(submission, Audience.QUOTABLE), form=form,
                           response=response), 400 if request.method == "POST" else 200


@bp.route("/c/<slug>/themes/sections/<section>/<any('sign-off', 'reopen'):action>", methods=["POST"])
@login_required
def sign_off_section(slug: str, section: str, action: str):
    """Sign off a question's theme set, or reopen it."""
    consultation = _drafting(slug)
    section = _section(consultation, section)
    if not ConfirmForm().validate():
        abort(400)
    try:
        (editing.sign_off if action == "sign-off" else editing.reopen)(section, current_user)
        db.session.commit()
    except DomainError as error:
        _refused(error)
        return _back(slug)
    flash(_("The theme set is signed off.") if action == "sign-off" else _("The theme set is open for edits again."),
          "success")
    return _back(slug)


@bp.route("/c/<slug>/codebook", methods=["GET", "POST"])
@login_required
def codebook(slug: str):
    """The codebook: themes drafters define; the next analysis maps submissions to them."""
    consultation = _drafting(slug)
    form = CodebookForm()
    sections = [SelectChoice("general", str(GENERAL_TITLE))] + [
        SelectChoice(f"q{q.id}", q.text) for q in consultation.open_questions]
    form.section_key.choices = sections
    if request.method == "POST":
        if form.validate() and committed(form, lambda: editing.add_codebook_entry(
                consultation, current_user, label=form.label.data, section_key=form.section_key.data,
                description=form.description.data, keywords=form.keywords.data)):
            flash(_("Added. Run the analysis to map the submissions to it."), "success")
            return redirect(url_for("analysis.codebook", slug=slug))
    titles = {choice.value: choice.label for choice in sections}
    run = latest_run(consultation)
    found = {(s.key, t.engine_id): len(t.assignments) for s in (run.sections if run else []) for t in s.themes}
    return render_template("analysis/codebook.html", consultation=consultation, form=form, titles=titles,
                           entries=editing.codebook(consultation.id), confirm=ConfirmForm(), found=found,
                           analysed=run is not None), \
        400 if request.method == "POST" else 200


@bp.route("/c/<slug>/codebook/<int(max=2147483647):entry_id>/delete", methods=["POST"])
@login_required
def delete_codebook_entry(slug: str, entry_id: int):
    """Remove a codebook entry (themes already found keep their members)."""
    consultation = _drafting(slug)
    entry = db.session.get(CodebookEntry, entry_id)
    if entry is None or entry.consultation_id != consultation.id or not ConfirmForm().validate():
        abort(404)
    editing.remove_codebook_entry(entry, current_user)
    db.session.commit()
    flash(_("Removed from the codebook."), "success")
    return redirect(url_for("analysis.codebook", slug=slug))


def _response_rows(consultation):
    """Every response with what it answers: (response, section title, theme label or reference, voices)."""
    run = latest_run(consultation)
    themes = {}
    if run is not None:
        for section in run.sections:
            for theme in section.themes:
                themes[(section.key, theme.engine_id)] = (theme, _section_title(section))
    rows = []
    for response in responses.responses_of(consultation.id):
        if response.submission_id is not None:
            rows.append((response, "", response.submission.reference if response.submission else "—", None))
        else:
            theme, title = themes.get((response.section_key, response.theme_key), (None, ""))
            rows.append((response, title, theme.label if theme else _("(a theme no longer in the analysis)"), theme))
    return rows


@bp.route("/c/<slug>/responses")
@login_required
def list_responses(slug: str):
    """Every response, draft or published, with publish and unpublish buttons."""
    consultation = _drafting(slug)
    return render_template("analysis/responses.html", consultation=consultation, rows=_response_rows(consultation),
                           confirm=ConfirmForm())


def _send_response_mail(submission: Submission, answered: list[Response]) -> None:
    from ..common.mail import send_mail
    from ..submissions.services import receipt_token_for

    receipt_url = None
    if submission.client_token:
        receipt_url = url_for("submissions.show_receipt", _external=True,
                              token=receipt_token_for(submission.client_token, current_app.config["SECRET_KEY"]))
    with force_locale("en" if submission.language == "en" else current_app.config["BABEL_DEFAULT_LOCALE"]):
        send_mail(submission.email, _("The drafters answered: %(title)s", title=submission.consultation.title),
                  render_template("emails/response.txt", submission=submission, responses=answered,
                                  consultation=submission.consultation, receipt_url=receipt_url,
                                  page_url=url_for("consultations.show_consultation", slug=submission.consultation.slug,
                                                   _external=True)))


@bp.route("/c/<slug>/responses/<int(max=2147483647):response_id>/<any('publish', 'unpublish', 'delete'):action>", methods=["POST"])
@login_required
def change_response(slug: str, response_id: int, action: str):
    """Publish (and tell the respondents once), unpublish or delete a response."""
    consultation = _drafting(slug)
    response = db.session.get(Response, response_id)
    if response is None or response.consultation_id != consultation.id or not ConfirmForm().validate():
        abort(404)
    try:
        {"publish": responses.publish_response, "unpublish": responses.unpublish_response,
         "delete": responses.delete_response}[action](response, current_user)
        db.session.commit()
    except DomainError as error:
        _refused(error)
        return redirect(url_for("analysis.list_responses", slug=slug))
    if action == "publish":
        told = responses.notify_respondents(consultation, _send_response_mail)
        db.session.commit()
        flash(_("Published. %(n)s respondents were told by e-mail.", n=told), "success")
    else:
        flash(_("Unpublished.") if action == "unpublish" else _("Deleted."), "success")
    return redirect(url_for("analysis.list_responses", slug=slug))


@bp.route("/c/<slug>/themes/log")
@login_required
def edit_log(slug: str):
    """Who edited the themes and responses, when, and what."""
    consultation = _drafting(slug)
    titles = {"general": str(GENERAL_TITLE)} | {f"q{q.id}": q.text for q in consultation.questions}
    rows = [(edit, titles.get(edit.section_key, edit.section_key), _describe(edit))
            for edit in editing.edit_log(consultation.id)]
    return render_template("analysis/log.html", consultation=consultation, rows=rows, labels=EDIT_ACTIONS)


def _describe(edit) -> str:
    """What an edit changed, as a sentence in the page's language."""
    d = edit.detail or {}
    decision = (lambda code: decision_label(code) if code else "")
    texts = {
        "rename": lambda: _("“%(old)s” → “%(new)s”", old=d.get("old"), new=d.get("new")),
        "describe": lambda: _("new description: %(text)s", text=d.get("new") or "—"),
        "merge": lambda: _("“%(a)s” into “%(b)s” (%(n)s submissions)", a=d.get("merged_label"), b=d.get("into_label"),
                           n=d.get("submissions")),
        "split": lambda: _("%(n)s submissions into the new theme “%(label)s”", n=d.get("submissions"),
                           label=d.get("new_label")),
        "move": lambda: _("%(ref)s from “%(a)s” to “%(b)s”", ref=d.get("submission"), a=d.get("source_label"),
                          b=d.get("target_label")),
        "review": lambda: d.get("label") or "", "unreview": lambda: d.get("label") or "",
        "sign_off": lambda: _("%(n)s themes", n=d.get("themes")),
        "codebook_add": lambda: f"“{d.get('label')}” ({', '.join(d.get('keywords') or [])})",
        "codebook_remove": lambda: f"“{d.get('label')}”",
        "respond": lambda: (decision(d.get("decision")) + (f" · {d['submission']}" if d.get("submission") else "")),
    }
    try:
        return texts.get(edit.action, lambda: "")()
    except (KeyError, TypeError, ValueError):
        return ""


@bp.route("/c/<slug>/results/<any('publish', 'unpublish'):action>", methods=["POST"])
@login_required
def publish_results(slug: str, action: str):
    """Publish the public results page (themes, charts, closed questions, responses) or take it
    down; publishing also marks the consultation answered once it has closed."""
    from ..consultations.services import set_answered

    consultation = _drafting(slug)
    if not ConfirmForm().validate():
        abort(400)
    if consultation.answered != (action == "publish"):  # a second click changes (and logs) nothing
        set_answered(consultation, action == "publish", current_user)
        editing.log_edit(consultation.id, "general", "publish_results" if action == "publish" else "unpublish_results",
                         current_user)
        db.session.commit()
    flash(_("The results page is public.") if action == "publish" else _("The results page is taken down."), "success")
    return redirect(url_for("analysis.list_responses", slug=slug))
