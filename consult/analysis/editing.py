"""Drafters' edits of a theme set: rename, describe, merge, split, move a submission, review,
sign off, and the codebook.

Every edit changes the stored themes of the run at once (what the drafter sees) and the section's
saved theme set (``AnalysisSection.model``) through the engine's edit markers (see
:mod:`consult.themes.model`): the edited theme's label is locked and its members are ``fixed``, a
submission moved out is ``excluded``. The next analysis starts from that set, so edits survive a
re-run while new submissions join the themes or form new, proposed ones. Every edit is logged in
:class:`~consult.analysis.models.ThemeEdit` (who, when, what). Functions flush; callers commit.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import Role
from ..errors import DomainError, NotAllowed, ValidationFailed
from ..common.types import utcnow
from ..extensions import db
from .models import AnalysisSection, CodebookEntry, Response, Theme, ThemeAssignment, ThemeEdit, ThemeQuote

MAX_LABEL = 300


class EditRefused(DomainError):
    """The edit does not apply (a signed-off set, a theme of another section, nothing chosen …)."""


def require_drafter(actor, consultation) -> None:
    """Raises :class:`NotAllowed` unless ``actor`` is admin or a drafter of ``consultation``."""
    if actor is None or not actor.has_role(Role.drafter, consultation.id):
        raise NotAllowed(_l("Only drafters of this consultation may edit its themes."))


def log_edit(consultation_id: int, section_key: str, action: str, actor, *, run_id: int | None = None,
             theme_key: str | None = None, **detail) -> ThemeEdit:
    """Append one entry to the theme edit log (flushed)."""
    edit = ThemeEdit(consultation_id=consultation_id, run_id=run_id, section_key=section_key, theme_key=theme_key,
                     action=action, detail=detail, actor_id=getattr(actor, "id", None))
    db.session.add(edit)
    db.session.flush()
    return edit


def _clean_label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ValidationFailed({"label": [_l("Give the theme a name.")]})
    if len(label) > MAX_LABEL:
        raise ValidationFailed({"label": [_l("A theme name has at most %(n)s characters.", n=MAX_LABEL)]})
    return label


def _editable(theme: Theme, actor) -> AnalysisSection:
    section = theme.section
    require_drafter(actor, section.run.consultation)
    if section.signed_off_at is not None:
        raise EditRefused(_l("This theme set is signed off. Reopen it to edit."))
    return section


def _members(theme: Theme) -> list[int]:
    return [a.submission_id for a in theme.assignments]


def _model_themes(section: AnalysisSection) -> list[dict]:
    """A copy of the section's saved themes (assign it back with :func:`_save_model`)."""
    model = section.model if isinstance(section.model, dict) else None
    return [dict(t) for t in (model or {}).get("themes") or []]


def _save_model(section: AnalysisSection, themes: list[dict]) -> None:
    model = dict(section.model) if isinstance(section.model, dict) else {"version": 1, "space": None}
    model["themes"] = themes
    section.model = model  # a new object, so the JSON column is written


def _model_entry(themes: list[dict], theme: Theme) -> dict:
    """The saved entry of ``theme`` in ``themes`` (created when the set has none)."""
    for entry in themes:
        if entry["id"] == theme.engine_id:
            return entry
    entry = {"id": theme.engine_id, "label": theme.label, "key_phrases": list(theme.key_phrases), "centroid": {},
             "threshold": 0.0, "document_ids": [str(s) for s in _members(theme)], "pinned": False,
             "label_locked": False, "fixed": [], "excluded": []}
    themes.append(entry)
    return entry


def _hold(entry: dict, theme: Theme, *, lock_label: bool = True) -> None:
    """Mark ``theme``'s current members fixed (and its label locked) in its saved entry."""
    members = [str(s) for s in _members(theme)]
    entry["document_ids"] = members
    entry["fixed"] = list(dict.fromkeys([*(d for d in entry.get("fixed") or [] if d in members), *members]))
    entry["excluded"] = [d for d in entry.get("excluded") or [] if d not in members]
    if lock_label:
        entry["label"], entry["label_locked"] = theme.label, True


def rename_theme(theme: Theme, actor, label: str, description: str | None = None) -> Theme:
    """Give ``theme`` the drafter's ``label`` (locked: later runs keep it) and ``description``.

    Raises:
        NotAllowed: ``actor`` is not a drafter of the consultation.
        EditRefused: the theme set is signed off.
        ValidationFailed: an empty or too long label.
    """
    section = _editable(theme, actor)
    label = _clean_label(label)
    description = (description or "").strip() or None
    old_label, old_description = theme.label, theme.description
    theme.label, theme.description, theme.label_locked = label, description, True
    themes = _model_themes(section)
    _hold(_model_entry(themes, theme), theme)
    _save_model(section, themes)
    if label != old_label:
        log_edit(section.run.consultation_id, section.key, "rename", actor, run_id=section.run_id,
                 theme_key=theme.engine_id, old=old_label, new=label)
    if description != old_description:
        log_edit(section.run.consultation_id, section.key, "describe", actor, run_id=section.run_id,
                 theme_key=theme.engine_id, old=old_description, new=description)
    return theme


def _move_rows(source: Theme, target: Theme, submission_ids: set[int]) -> None:
    """Move the assignments and excerpts of ``submission_ids`` from ``source`` to ``target``."""
    present = set(_members(target))
    position = max((a.position for a in target.assignments), default=-1) + 1
    for assignment in [a for a in source.assignments if a.submission_id in submission_ids]:
        source.assignments.remove(assignment)
        if assignment.submission_id not in present:
            target.assignments.append(ThemeAssignment(submission_id=assignment.submission_id, position=position))
            position += 1
    db.session.flush()
    db.session.execute(
        ThemeQuote.__table__.update()
        .where(ThemeQuote.theme_id == source.id, ThemeQuote.submission_id.in_(submission_ids))
        .values(theme_id=target.id, position=ThemeQuote.position + 1000))
    db.session.expire(source)
    db.session.expire(target)


def merge_themes(source: Theme, target: Theme, actor) -> Theme:
    """Merge ``source`` into ``target``: its submissions, quotes and summary sentences join
    ``target`` (which keeps its label); ``source`` is deleted. A response drafted for ``source``
    moves to ``target`` when ``target`` has none.

    Raises:
        NotAllowed, EditRefused (signed off, the same theme, themes of different sections, or
        both themes have a response).
    """
    section = _editable(source, actor)
    if source.id == target.id or source.section_id != target.section_id:
        raise EditRefused(_l("Choose another theme of the same question to merge with."))
    consultation_id = section.run.consultation_id
    responses = {r.theme_key: r for r in db.session.scalars(select(Response).where(
        Response.consultation_id == consultation_id, Response.section_key == section.key,
        Response.theme_key.in_((source.engine_id, target.engine_id))))}
    if source.engine_id in responses and target.engine_id in responses:
        raise EditRefused(_l("Both themes have a response. Delete one of the responses first."))
    if source.engine_id in responses and responses[source.engine_id].is_published:
        raise EditRefused(_l("This theme's response is published: the public would read it under the other "
                             "theme. Unpublish it first, or merge the other theme into this one."))
    moved = _members(source)
    _move_rows(source, target, set(moved))
    themes = [t for t in _model_themes(section) if t["id"] != source.engine_id]
    target_entry = _model_entry(themes, target)
    db.session.refresh(target)
    _hold(target_entry, target, lock_label=target.label_locked)
    for entry in themes:  # nothing stays excluded from the merged theme that the source held
        if entry is target_entry:
            entry["excluded"] = [d for d in entry.get("excluded") or [] if d not in {str(s) for s in moved}]
    _save_model(section, themes)
    if (response := responses.get(source.engine_id)) is not None:
        response.theme_key = target.engine_id  # a draft: the drafters review it before publishing
    target.reviewed_at = target.reviewed_by_id = None  # it has new members: review it again
    log_edit(consultation_id, section.key, "merge", actor, run_id=section.run_id, theme_key=target.engine_id,
             merged=source.engine_id, merged_label=source.label, into_label=target.label, submissions=len(moved))
    db.session.delete(source)
    db.session.flush()
    return target


def _new_engine_id(section: AnalysisSection) -> str:
    used = {t.engine_id for t in section.themes} | {t["id"] for t in _model_themes(section)}
    n = 1
    while f"d{n}" in used:
        n += 1
    return f"d{n}"


def split_theme(theme: Theme, submission_ids: list[int], label: str, actor, description: str | None = None) -> Theme:
    """Split the chosen ``submission_ids`` of ``theme`` off into a new theme named ``label``.

    Returns the new theme (origin ``"split"``, label locked, engine id ``d<n>``), placed right
    after ``theme``. Both parts keep their members across re-runs (fixed), and the chosen
    submissions are excluded from ``theme``.

    Raises:
        NotAllowed, EditRefused (signed off; none chosen, or all of them), ValidationFailed (label).
    """
    section = _editable(theme, actor)
    label = _clean_label(label)
    members = _members(theme)
    chosen = [s for s in dict.fromkeys(submission_ids) if s in set(members)]
    if not chosen or len(chosen) == len(members):
        raise EditRefused(_l("Choose some of the theme's submissions, but not all of them, for the new theme."))
    for later in section.themes:
        if later.position > theme.position:
            later.position += 1
    new = Theme(section_id=section.id, engine_id=_new_engine_id(section), position=theme.position + 1, label=label,
                description=(description or "").strip() or None, label_locked=True, origin="split",
                key_phrases=[p for p in theme.key_phrases
                             if any(s in chosen for s in theme.key_phrase_sources.get(p, []))],
                key_phrase_sources={p: [s for s in ids if s in chosen] for p, ids in theme.key_phrase_sources.items()
                                    if any(s in chosen for s in ids)})
    db.session.add(new)
    db.session.flush()
    _move_rows(theme, new, set(chosen))
    db.session.refresh(theme)
    db.session.refresh(new)
    themes = _model_themes(section)
    old_entry = _model_entry(themes, theme)
    _hold(old_entry, theme, lock_label=theme.label_locked)
    old_entry["excluded"] = list(dict.fromkeys([*(old_entry.get("excluded") or []), *(str(s) for s in chosen)]))
    new_entry = _model_entry(themes, new)
    _hold(new_entry, new)
    _save_model(section, themes)
    log_edit(section.run.consultation_id, section.key, "split", actor, run_id=section.run_id, theme_key=theme.engine_id,
             new_theme=new.engine_id, new_label=label, submissions=len(chosen))
    return new


def move_submission(submission_id: int, source: Theme, target: Theme, actor) -> None:
    """Move one submission from ``source`` to ``target`` (same section); it is excluded from
    ``source`` and fixed to ``target`` in later runs.

    Raises:
        NotAllowed, EditRefused (signed off; not a member of ``source``; another section).
    """
    section = _editable(source, actor)
    if source.id == target.id or source.section_id != target.section_id:
        raise EditRefused(_l("Choose another theme of the same question."))
    if submission_id not in set(_members(source)):
        raise EditRefused(_l("That submission is not in the theme."))
    _move_rows(source, target, {submission_id})
    db.session.refresh(source)
    db.session.refresh(target)
    themes = _model_themes(section)
    src, dst = _model_entry(themes, source), _model_entry(themes, target)
    sid = str(submission_id)
    src["document_ids"] = [d for d in src.get("document_ids") or [] if d != sid]
    src["fixed"] = [d for d in src.get("fixed") or [] if d != sid]
    src["excluded"] = list(dict.fromkeys([*(src.get("excluded") or []), sid]))
    dst["document_ids"] = list(dict.fromkeys([*(dst.get("document_ids") or []), sid]))
    dst["fixed"] = list(dict.fromkeys([*(dst.get("fixed") or []), sid]))
    dst["excluded"] = [d for d in dst.get("excluded") or [] if d != sid]
    _save_model(section, themes)
    from ..submissions.models import Submission

    reference = db.session.scalar(select(Submission.reference).where(Submission.id == submission_id))
    log_edit(section.run.consultation_id, section.key, "move", actor, run_id=section.run_id, theme_key=target.engine_id,
             submission=reference, source=source.engine_id, source_label=source.label, target_label=target.label)


def hold_theme(theme: Theme) -> None:
    """Keep ``theme`` with its members and label in later runs (e.g. once it has a response)."""
    section = theme.section
    themes = _model_themes(section)
    _hold(_model_entry(themes, theme), theme)
    theme.label_locked = True
    _save_model(section, themes)


def set_reviewed(theme: Theme, actor, reviewed: bool = True) -> Theme:
    """Mark ``theme`` reviewed (or not) by ``actor``; a reviewed theme keeps its members and label."""
    section = _editable(theme, actor)
    if reviewed:
        theme.reviewed_at, theme.reviewed_by_id = utcnow(), actor.id
        themes = _model_themes(section)
        _hold(_model_entry(themes, theme), theme, lock_label=True)
        theme.label_locked = True
        _save_model(section, themes)
    else:
        theme.reviewed_at = theme.reviewed_by_id = None
    log_edit(section.run.consultation_id, section.key, "review" if reviewed else "unreview", actor,
             run_id=section.run_id, theme_key=theme.engine_id, label=theme.label)
    return theme


def sign_off(section: AnalysisSection, actor) -> AnalysisSection:
    """Declare the section's theme set final: every theme keeps its label and members in later
    runs. Raises NotAllowed, or EditRefused when already signed off or a theme is unreviewed."""
    require_drafter(actor, section.run.consultation)
    if section.signed_off_at is not None:
        raise EditRefused(_l("This theme set is already signed off."))
    unreviewed = [t.label for t in section.themes if t.reviewed_at is None]
    if unreviewed:
        raise EditRefused(_l("Review every theme first. Not yet reviewed: %(labels)s", labels="; ".join(unreviewed)))
    themes = _model_themes(section)
    for theme in section.themes:
        _hold(_model_entry(themes, theme), theme)
    _save_model(section, themes)
    section.signed_off_at, section.signed_off_by_id = utcnow(), actor.id
    log_edit(section.run.consultation_id, section.key, "sign_off", actor, run_id=section.run_id,
             themes=len(section.themes))
    return section


def reopen(section: AnalysisSection, actor) -> AnalysisSection:
    """Undo a sign-off so the set can be edited again (logged)."""
    require_drafter(actor, section.run.consultation)
    if section.signed_off_at is None:
        raise EditRefused(_l("This theme set is not signed off."))
    section.signed_off_at = section.signed_off_by_id = None
    log_edit(section.run.consultation_id, section.key, "reopen", actor, run_id=section.run_id)
    return section


def _keywords(text: str | list[str] | None) -> list[str]:
    items = text if isinstance(text, list) else (text or "").replace("\n", ",").split(",")
    return list(dict.fromkeys(" ".join(k.split()).lower() for k in items if k.strip()))[:30]


def add_codebook_entry(consultation, actor, *, label: str, section_key: str = "general",
                       description: str | None = None, keywords: str | list[str] | None = None) -> CodebookEntry:
    """Define a codebook theme for a section (``"general"`` or ``"q<question id>"``); the next
    analysis maps submissions holding one of ``keywords`` (comma-separated) to it.

    Raises:
        NotAllowed; ValidationFailed: an empty label, or an unknown section.
    """
    require_drafter(actor, consultation)
    label = _clean_label(label)
    valid = {"general"} | {f"q{q.id}" for q in consultation.open_questions}
    if section_key not in valid:
        raise ValidationFailed({"section_key": [_l("Choose a question of this consultation.")]})
    duplicate = db.session.scalar(select(CodebookEntry.id).where(
        CodebookEntry.consultation_id == consultation.id, CodebookEntry.section_key == section_key,
        func.lower(CodebookEntry.label) == label.lower()))
    if duplicate is not None:
        raise ValidationFailed({"label": [_l("The codebook already has a theme of that name for this question.")]})
    position = (db.session.scalar(select(func.max(CodebookEntry.position)).where(
        CodebookEntry.consultation_id == consultation.id)) or 0) + 1
    entry = CodebookEntry(consultation_id=consultation.id, section_key=section_key, label=label,
                          description=(description or "").strip() or None, keywords=_keywords(keywords),
                          position=position, created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    log_edit(consultation.id, section_key, "codebook_add", actor, theme_key=entry.key, label=label,
             keywords=entry.keywords)
    return entry


def remove_codebook_entry(entry: CodebookEntry, actor) -> None:
    """Delete a codebook entry; themes already found keep their members (logged)."""
    from ..consultations.models import Consultation

    require_drafter(actor, db.session.get(Consultation, entry.consultation_id))
    log_edit(entry.consultation_id, entry.section_key, "codebook_remove", actor, theme_key=entry.key, label=entry.label)
    db.session.delete(entry)
    db.session.flush()


def codebook(consultation_id: int, section_key: str | None = None) -> list[CodebookEntry]:
    """The consultation's codebook entries (of one section when ``section_key`` is given)."""
    stmt = select(CodebookEntry).where(CodebookEntry.consultation_id == consultation_id)
    if section_key is not None:
        stmt = stmt.where(CodebookEntry.section_key == section_key)
    return list(db.session.scalars(stmt.order_by(CodebookEntry.position, CodebookEntry.id)))


def edit_log(consultation_id: int, limit: int = 200) -> list[ThemeEdit]:
    """The latest theme edits of a consultation, newest first."""
    return list(db.session.scalars(select(ThemeEdit).where(ThemeEdit.consultation_id == consultation_id)
                                   .order_by(ThemeEdit.id.desc()).limit(limit)))
