"""Submission drafts: a half-filled form saved and resumed from a private link.

Revision ID: bd0728ae2918
Revises: 54ee9c05188f
Create Date: 2026-11-29 16:09:42.606260

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = 'bd0728ae2918'
down_revision = '54ee9c05188f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('expires_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('sent_reference', sa.String(length=40), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_submission_drafts_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_drafts')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_submission_drafts_token_hash'))
    )
    with op.batch_alter_table('submission_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_drafts_consultation_id'), ['consultation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('submission_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_drafts_consultation_id'))

    op.drop_table('submission_drafts')
