"""One active analysis run per consultation; sections list unreadable submissions.

Revision ID: f433a17111a3
Revises: a8f014460704
Create Date: 2026-11-29 09:33:44.442082

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f433a17111a3'
down_revision = 'a8f014460704'
branch_labels = None
depends_on = None

ACTIVE = sa.text("state IN ('queued', 'running')")


def upgrade():
    # Older databases may hold several unfinished runs of one consultation (a crashed worker):
    # keep the newest, mark the others failed, so the unique index can be built.
    op.execute(
        "UPDATE analysis_runs SET state = 'failed', error = 'superseded when one active run became the rule' "
        "WHERE state IN ('queued', 'running') AND id NOT IN ("
        "SELECT MAX(id) FROM analysis_runs WHERE state IN ('queued', 'running') GROUP BY consultation_id)"
    )
    with op.batch_alter_table('analysis_runs', schema=None) as batch_op:
        batch_op.create_index('uq_analysis_runs_one_active', ['consultation_id'], unique=True,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    with op.batch_alter_table('analysis_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreadable_ids', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    # plain DROP COLUMN (SQLite >= 3.35): batch mode would rebuild analysis_sections, and with
    # foreign keys on, that cascades and deletes every stored theme
    op.drop_column('analysis_sections', 'unreadable_ids')

    with op.batch_alter_table('analysis_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_analysis_runs_one_active', sqlite_where=ACTIVE, postgresql_where=ACTIVE)
