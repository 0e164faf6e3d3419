"""A withdrawn submission keeps an empty record (reference and receipt, never reused): when it was withdrawn.

Revision ID: de2b0f598b44
Revises: 25f16124fecf
Create Date: 2026-11-29 18:30:09.504299

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = 'de2b0f598b44'
down_revision = '25f16124fecf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', consult.common.types.UTCDateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')

