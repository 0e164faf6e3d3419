"""The search index: searchable text of published consultations and quotable submissions, with
an FTS5 table (SQLite) or a GIN full-text index (PostgreSQL); filled from the existing rows.

Revision ID: 54ee9c05188f
Revises: 927eadb6ccf5
Create Date: 2026-11-29 15:56:34.481075

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = '54ee9c05188f'
down_revision = '927eadb6ccf5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_search_entries_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    sa.UniqueConstraint('kind', 'ref_id', name='uq_search_entries_kind_ref')
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entries_consultation_id'), ['consultation_id'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_entries', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER search_fts_ai AFTER INSERT ON search_entries BEGIN "
                   "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END")
        op.execute("CREATE TRIGGER search_fts_ad AFTER DELETE ON search_entries BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END")
        op.execute("CREATE TRIGGER search_fts_au AFTER UPDATE ON search_entries BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
                   "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END")
    else:
        op.execute("CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (to_tsvector('simple', text))")
    _fill(bind)


def _fill(bind) -> None:
    """Index the rows that exist already (published consultations, quotable submissions)."""
    rows = []
    for cid, title, summary, body in bind.execute(sa.text(
            "SELECT id, title, summary, body FROM consultations WHERE lifecycle = 'published'")):
        rows.append({"kind": "consultation", "ref_id": cid, "consultation_id": cid,
                     "text": "\n".join(t for t in (title, summary, body) if t)})
    answers: dict[int, list[str]] = {}
    for sid, text in bind.execute(sa.text(
            "SELECT a.submission_id, a.text FROM answers a JOIN submissions s ON s.id = a.submission_id "
            "WHERE s.moderation_status = 'published' AND s.consent_publish AND a.text IS NOT NULL ORDER BY a.id")):
        answers.setdefault(sid, []).append(text)
    for sid, cid, body in bind.execute(sa.text(
            "SELECT id, consultation_id, body FROM submissions WHERE moderation_status = 'published' "
            "AND consent_publish")):
        text = "\n".join(t for t in [body, *answers.get(sid, [])] if t)
        if text.strip():
            rows.append({"kind": "submission", "ref_id": sid, "consultation_id": cid, "text": text})
    now = consult.common.types.utcnow().replace(tzinfo=None)  # naive UTC, as UTCDateTime stores it
    if rows:
        bind.execute(sa.text("INSERT INTO search_entries (kind, ref_id, consultation_id, text, updated_at) "
                             "VALUES (:kind, :ref_id, :consultation_id, :text, :updated_at)"),
                     [{**r, "updated_at": now} for r in rows])



def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entries_tsv")
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entries_consultation_id'))

    op.drop_table('search_entries')
