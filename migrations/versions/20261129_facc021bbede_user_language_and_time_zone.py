"""Each account's chosen interface language and display time zone (NULL: the site's).

Revision ID: facc021bbede
Revises: bd0728ae2918
Create Date: 2026-11-29 16:41:27.356811

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'facc021bbede'
down_revision = 'bd0728ae2918'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=40), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('language')

