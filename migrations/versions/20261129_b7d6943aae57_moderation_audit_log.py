"""The moderation audit log: one append-only row per action (hold, approve, hide, restore).

Revision ID: b7d6943aae57
Revises: 0ca95414e00f
Create Date: 2026-11-29 11:44:07.873040

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = 'b7d6943aae57'
down_revision = '0ca95414e00f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderation_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('hold', 'approve', 'hide', 'restore', name='moderation_action', native_enum=False, length=16), nullable=False),
    sa.Column('before', sa.String(length=16), nullable=False),
    sa.Column('after', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('public_note', sa.Text(), nullable=True),
    sa.Column('rule_hits', sa.JSON(), nullable=False),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_moderation_actions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_moderation_actions_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_moderation_actions_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_actions'))
    )
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_actions_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_actions_submission_id'), ['submission_id'], unique=False)



def downgrade():
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_actions_submission_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_actions_consultation_id'))

    op.drop_table('moderation_actions')
