"""Flags: one per visitor per submission; a per-consultation number of flags that holds an item;
the hashed source of each submission (flood rule).

Revision ID: b1925a7af42e
Revises: 709c3725316f
Create Date: 2026-11-29 12:06:10.588270

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = 'b1925a7af42e'
down_revision = '709c3725316f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('visitor', sa.String(length=80), nullable=False),
    sa.Column('address_hash', sa.String(length=40), nullable=True),
    sa.Column('category', sa.Enum('spam', 'abusive', 'off_topic', 'personal_data', 'other', name='flag_category', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_flags_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags')),
    sa.UniqueConstraint('submission_id', 'visitor', name='uq_flags_submission_visitor')
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag_threshold', sa.Integer(), nullable=True))
    op.add_column('submissions', sa.Column('source_hash', sa.String(length=40), nullable=True))
    op.create_index(op.f('ix_submissions_source_hash'), 'submissions', ['source_hash'], unique=False)



def downgrade():
    op.drop_index(op.f('ix_submissions_source_hash'), table_name='submissions')
    op.drop_column('submissions', 'source_hash')
    op.drop_column('consultations', 'flag_threshold')

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_submission_id'))

    op.drop_table('flags')
