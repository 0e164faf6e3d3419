"""Originals of redacted text, kept apart from the audit log so they can be erased (UU PDP).

Revision ID: fbbfe64e1bfb
Revises: b7d6943aae57
Create Date: 2026-11-29 11:51:15.350725

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = 'fbbfe64e1bfb'
down_revision = 'b7d6943aae57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('redacted_originals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('original', sa.Text(), nullable=True),
    sa.Column('erased_at', consult.common.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_redacted_originals_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redacted_originals'))
    )
    with op.batch_alter_table('redacted_originals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redacted_originals_submission_id'), ['submission_id'], unique=False)



def downgrade():
    with op.batch_alter_table('redacted_originals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redacted_originals_submission_id'))

    op.drop_table('redacted_originals')
