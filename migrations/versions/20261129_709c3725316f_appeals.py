"""Appeals: an author's one appeal against hiding, decided by another moderator.

Revision ID: 709c3725316f
Revises: fbbfe64e1bfb
Create Date: 2026-11-29 11:53:47.030716

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = '709c3725316f'
down_revision = 'fbbfe64e1bfb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', consult.common.types.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_appeals_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_appeals_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_appeals_submission_id'))
    )


def downgrade():
    op.drop_table('appeals')
