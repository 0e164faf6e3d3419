"""Campaigns and the saved theme set per section; distinct texts, campaigns, emphasis and summary sentences per theme.

Revision ID: 0ca95414e00f
Revises: f433a17111a3
Create Date: 2026-11-29 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0ca95414e00f'
down_revision = 'f433a17111a3'
branch_labels = None
depends_on = None


def upgrade():
    # Every change adds a column with a constant default: batch mode emits plain ADD COLUMN on
    # SQLite (no table rebuild), so existing runs keep their themes.
    with op.batch_alter_table('analysis_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaigns', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('model', sa.JSON(), nullable=True))

    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('distinct_texts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('campaign_ids', sa.JSON(), nullable=False, server_default='[]'))
        # stakeholder type -> ratio; JSON has no infinity, so null stands for the engine's inf
        batch_op.add_column(sa.Column('stakeholder_emphasis', sa.JSON(), nullable=False, server_default='{}'))

    # Runs stored before campaigns were detected: every member was a text of its own.
    op.execute("UPDATE themes SET distinct_texts = "
               "(SELECT COUNT(*) FROM theme_assignments WHERE theme_assignments.theme_id = themes.id)")

    with op.batch_alter_table('theme_quotes', schema=None) as batch_op:
        # "quote" | "summary" (a sentence of the theme's extractive summary)
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='quote'))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), not batch mode: batch mode would rebuild analysis_sections
    # and themes, and dropping the old table with foreign keys on cascades to every theme,
    # assignment and quote of every run.
    # Summary sentences have no place in the older schema: drop them before the column.
    op.execute("DELETE FROM theme_quotes WHERE kind = 'summary'")
    op.drop_column('theme_quotes', 'kind')
    op.drop_column('themes', 'stakeholder_emphasis')
    op.drop_column('themes', 'campaign_ids')
    op.drop_column('themes', 'distinct_texts')
    op.drop_column('analysis_sections', 'model')
    op.drop_column('analysis_sections', 'campaigns')
