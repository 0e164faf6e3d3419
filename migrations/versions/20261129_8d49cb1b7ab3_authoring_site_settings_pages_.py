"""Authoring and administration: consultation topic and event log, document versions, site
settings, editable legal and help pages, account suspensions and bans; a session token per account.

Revision ID: 8d49cb1b7ab3
Revises: 7d51b92d88cc
Create Date: 2026-11-29 12:35:50.026500

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = '8d49cb1b7ab3'
down_revision = '7d51b92d88cc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_email', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('until', consult.common.types.UTCDateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_account_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events'))
    )
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_events_user_id'), ['user_id'], unique=False)

    op.create_table('consultation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_consultation_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_events_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_events'))
    )
    with op.batch_alter_table('consultation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_events_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('pages',
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title_id', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('body_id', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_pages_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_pages'))
    )
    op.create_table('site_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_site_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_settings'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=120), nullable=True))

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('version_date', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_series_id'), ['series_id'], unique=False)
    op.execute("UPDATE documents SET series_id = id")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_until', consult.common.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('banned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('suspension_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('session_token', sa.String(length=32), nullable=False, server_default=''))
    # every existing account gets its own random session token (old cookies stop working once)
    random_token = ("lower(hex(randomblob(16)))" if op.get_bind().dialect.name == "sqlite"
                    else "md5(random()::text || clock_timestamp()::text)")
    op.execute(f"UPDATE users SET session_token = {random_token}")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
        batch_op.drop_column('suspension_reason')
        batch_op.drop_column('banned')
        batch_op.drop_column('suspended_until')

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_series_id'))
        batch_op.drop_column('version_date')
        batch_op.drop_column('version')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_column('topic')

    op.drop_table('site_settings')
    op.drop_table('pages')
    with op.batch_alter_table('consultation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_events_consultation_id'))

    op.drop_table('consultation_events')
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_events_user_id'))

    op.drop_table('account_events')
