"""Keep the search index in step with what the public may read, and search it.

Every commit that changed a consultation, a submission, an answer or a discussion comment
re-indexes those items (:func:`_reindex`, run from the session's ``before_commit``): published
consultations, quotable submissions and published comments get their current text, everything
else is removed. Searching uses SQLite FTS5
(``MATCH``, bm25 ranking, ``snippet()``) or PostgreSQL full text (``to_tsvector('simple')``,
``plainto_tsquery``, ``ts_rank``, ``ts_headline``); the ``simple`` configuration and FTS5's
``unicode61`` tokenizer both work for Bahasa Indonesia and English alike (no stemming). Results
pass the visibility gate again when read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import delete, event, insert, select, text
from sqlalchemy.orm import Session

from ..common.mixins import ModerationStatus
from ..extensions import db
from .models import SearchEntry

MAX_QUERY_WORDS = 8
_START, _END = "\x02", "\x03"  # highlight markers, turned into <mark> after escaping
_WORD = re.compile(r"\w+", re.UNICODE)


def _submission_text(connection, submission_id: int) -> tuple[int, str] | None:
    """``(consultation id, text)`` of a submission the public may quote now, else ``None``."""
    from ..submissions.models import Answer, Submission

    row = connection.execute(select(Submission.consultation_id, Submission.moderation_status,
                                    Submission.consent_publish, Submission.body)
                             .where(Submission.id == submission_id)).first()
    if row is None or ModerationStatus(row.moderation_status) is not ModerationStatus.published \
            or not row.consent_publish:
        return None
    answers = connection.execute(select(Answer.text).where(Answer.submission_id == submission_id,
                                                           Answer.text.is_not(None))).scalars().all()
    return row.consultation_id, "\n".join(t for t in [row.body, *answers] if t)


def _comment_text(connection, comment_id: int) -> tuple[int, str] | None:
    """``(consultation id, text)`` of a discussion comment the public may read now, else ``None``."""
    from ..discussion.models import Comment

    row = connection.execute(select(Comment.consultation_id, Comment.moderation_status, Comment.removed_at,
                                    Comment.body).where(Comment.id == comment_id)).first()
    if row is None or ModerationStatus(row.moderation_status) is not ModerationStatus.published \
            or row.removed_at is not None:
        return None
    return row.consultation_id, row.body


def _consultation_text(connection, consultation_id: int) -> str | None:
    from ..consultations.models import Consultation, Lifecycle

    row = connection.execute(select(Consultation.lifecycle, Consultation.title, Consultation.summary,
                                    Consultation.body).where(Consultation.id == consultation_id)).first()
    if row is None or row.lifecycle not in (Lifecycle.published, Lifecycle.published.value):
        return None
    return "\n".join(t for t in (row.title, row.summary, _plain(row.body)) if t)


def _plain(markdown: str | None) -> str:
    """The background's Markdown as plain text (so snippets show no ``**`` or ``#``)."""
    import html

    import nh3

    from ..text.markdown import render_markdown

    return html.unescape(nh3.clean(str(render_markdown(markdown or "")), tags=set())).strip()


def _put(connection, kind: str, ref_id: int, found) -> None:
    connection.execute(delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id == ref_id))
    if found is not None:
        consultation_id, body = found
        if body.strip():
            connection.execute(insert(SearchEntry).values(kind=kind, ref_id=ref_id, consultation_id=consultation_id,
                                                          text=body))


def reindex(connection, *, submissions=(), consultations=(), comments=()) -> None:
    """Re-index the given submission, consultation and comment ids on ``connection`` (Core statements)."""
    for sid in set(submissions):
        _put(connection, "submission", sid, _submission_text(connection, sid))
    for cid in set(comments):
        _put(connection, "comment", cid, _comment_text(connection, cid))
    for cid in set(consultations):
        body = _consultation_text(connection, cid)
        _put(connection, "consultation", cid, (cid, body) if body else None)


def rebuild() -> int:
    """Re-index everything (``flask consult reindex``); returns how many entries there are."""
    from ..consultations.models import Consultation
    from ..discussion.models import Comment
    from ..submissions.models import Submission

    connection = db.session.connection()
    connection.execute(delete(SearchEntry))
    reindex(connection, submissions=db.session.scalars(select(Submission.id)).all(),
            consultations=db.session.scalars(select(Consultation.id)).all(),
            comments=db.session.scalars(select(Comment.id)).all())
    db.session.commit()
    return db.session.scalar(select(db.func.count()).select_from(SearchEntry))


def _touched(session: Session, _context) -> None:
    """after_flush: remember which submissions, consultations and comments this transaction changed."""
    from ..consultations.models import Consultation
    from ..discussion.models import Comment
    from ..submissions.models import Answer, Submission

    pending = session.info.setdefault("search_touched", {"submissions": set(), "consultations": set(),
                                                         "comments": set()})
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Comment) and obj.id is not None:
            pending["comments"].add(obj.id)
        elif isinstance(obj, Submission) and obj.id is not None:
            pending["submissions"].add(obj.id)
        elif isinstance(obj, Answer) and obj.submission_id is not None:
            pending["submissions"].add(obj.submission_id)
        elif isinstance(obj, Consultation) and obj.id is not None:
            pending["consultations"].add(obj.id)


def _before_commit(session: Session) -> None:
    """before_commit: re-index what this transaction changed, inside the same transaction."""
    session.flush()
    pending = session.info.pop("search_touched", None)
    if pending and any(pending.values()):
        reindex(session.connection(), **pending)


def _rolled_back(session: Session) -> None:
    session.info.pop("search_touched", None)


def init_app(app) -> None:
    """Keep the index in step with every commit (listeners on SQLAlchemy's ``Session`` class,
    so Flask-SQLAlchemy's session and any other the app opens are covered; registered once)."""
    for name, listener in (("after_flush", _touched), ("before_commit", _before_commit),
                           ("after_rollback", _rolled_back)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@dataclass
class Hit:
    """One search result: ``kind`` ("consultation", "submission" or "comment"), the
    consultation, the submission reference (submissions only), a snippet with the matches in
    ``<mark>``, and for a comment its id and its question's key (``None``: the consultation's
    own discussion)."""

    kind: str
    consultation: object
    reference: str | None
    snippet: Markup
    comment_id: int | None = None
    question_key: str | None = None


def words_of(query: str) -> list[str]:
    """The words a query searches for (lower case, at most MAX_QUERY_WORDS)."""
    return _WORD.findall(query.lower())[:MAX_QUERY_WORDS]


def _marked(snippet: str) -> Markup:
    return Markup(str(escape(snippet)).replace(_START, "<mark>").replace(_END, "</mark>"))


def search(query: str, *, limit: int = 30) -> list[Hit]:
    """Public items matching every word of ``query`` (a word also matches as a prefix on SQLite),
    best first; ``[]`` for a query without words. Each hit passes the visibility gate again."""
    from ..common.visibility import Audience, passes
    from ..consultations.models import Consultation, Lifecycle
    from ..submissions.models import Submission

    words = words_of(query)
    if not words:
        return []
    if db.engine.dialect.name == "sqlite":
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        rows = db.session.execute(text(
            "SELECT e.kind, e.ref_id, e.consultation_id, "
            "snippet(search_fts, 0, :s, :e, '…', 16) AS snippet "
            "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
            "WHERE search_fts MATCH :q ORDER BY bm25(search_fts) LIMIT :n"),
            {"q": match, "s": _START, "e": _END, "n": limit * 2}).all()
    else:
        rows = db.session.execute(text(
            "SELECT e.kind, e.ref_id, e.consultation_id, "
            "ts_headline('simple', e.text, q, :opts) AS snippet "
            "FROM search_entries e, plainto_tsquery('simple', :q) q "
            "WHERE to_tsvector('simple', e.text) @@ q "
            "ORDER BY ts_rank(to_tsvector('simple', e.text), q) DESC LIMIT :n"),
            {"q": " ".join(words), "n": limit * 2,
             "opts": f"StartSel={_START}, StopSel={_END}, MaxWords=30, MinWords=10"}).all()
    consultations = {c.id: c for c in db.session.scalars(select(Consultation).where(
        Consultation.id.in_({r.consultation_id for r in rows}), Consultation.lifecycle == Lifecycle.published))}
    subs = {s.id: s for s in db.session.scalars(select(Submission).where(
        Submission.id.in_({r.ref_id for r in rows if r.kind == "submission"})))}
    from ..consultations.models import Question
    from ..discussion.models import Comment

    comments = {c.id: c for c in db.session.scalars(select(Comment).where(
        Comment.id.in_({r.ref_id for r in rows if r.kind == "comment"})))}
    keys = dict(db.session.execute(select(Question.id, Question.key).where(
        Question.id.in_({c.question_id for c in comments.values() if c.question_id}))).all())
    hits = []
    for row in rows:
        consultation = consultations.get(row.consultation_id)
        if consultation is None:
            continue
        if row.kind == "submission":
            sub = subs.get(row.ref_id)
            if sub is None or not passes(sub, Audience.QUOTABLE):
                continue
            hits.append(Hit("submission", consultation, sub.reference, _marked(row.snippet)))
        elif row.kind == "comment":
            comment = comments.get(row.ref_id)
            if comment is None or not passes(comment, Audience.PUBLIC) or comment.removed_at is not None:
                continue
            hits.append(Hit("comment", consultation, None, _marked(row.snippet), comment_id=comment.id,
                            question_key=keys.get(comment.question_id)))
        else:
            hits.append(Hit("consultation", consultation, None, _marked(row.snippet)))
        if len(hits) == limit:
            break
    return hits
