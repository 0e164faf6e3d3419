"""Accounts: e-mail verification, the role log, consent records, organisations and their
representatives; per-consultation participation, deletion rule and retention; submissions linked
to an account and to an organisation claim.

Revision ID: 7d51b92d88cc
Revises: b1925a7af42e
Create Date: 2026-11-29 12:16:33.378349

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = '7d51b92d88cc'
down_revision = 'b1925a7af42e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('government_unit', 'university', 'professional_body', 'union', 'ngo', 'business', 'community', 'other', name='organisation_kind', native_enum=False, length=24), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name_key', name=op.f('uq_organisations_name_key'))
    )
    op.create_table('representative_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('pending', 'verified', 'refused', name='claim_status', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', consult.common.types.UTCDateTime(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_representative_claims_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_representative_claims_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_representative_claims_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representative_claims')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_representative_claims_stored_name')),
    sa.UniqueConstraint('user_id', 'organisation_id', name='uq_representative_claims_user_org')
    )
    with op.batch_alter_table('representative_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_representative_claims_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representative_claims_user_id'), ['user_id'], unique=False)

    op.create_table('role_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_email', sa.String(length=254), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_role_changes_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_role_changes_consultation_id_consultations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_changes_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_changes'))
    )
    with op.batch_alter_table('role_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_changes_user_id'), ['user_id'], unique=False)

    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_consent_records_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consent_records_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_records_user_id'), ['user_id'], unique=False)

    op.add_column('consultations', sa.Column('participation', sa.Enum('anonymous_allowed', 'registered_only', name='participation', native_enum=False, length=20), nullable=False, server_default='anonymous_allowed'))
    op.add_column('consultations', sa.Column('deletion_rule', sa.Enum('anonymise', 'remove', name='deletion_rule', native_enum=False, length=12), nullable=False, server_default='anonymise'))
    op.add_column('consultations', sa.Column('retention_days', sa.Integer(), nullable=True))

    with op.batch_alter_table('submissions', schema=None) as batch_op:  # foreign keys off on SQLite: env.py
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('representative_claim_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', consult.common.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_representative_claim_id'), ['representative_claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_submissions_representative_claim_id_representative_claims'), 'representative_claims', ['representative_claim_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_submissions_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')

    op.add_column('users', sa.Column('email_verified_at', consult.common.types.UTCDateTime(), nullable=True))
    op.add_column('flags', sa.Column('account', sa.String(length=40), nullable=True))
    op.create_index(op.f('ix_flags_account'), 'flags', ['account'], unique=False)
    # accounts made before verification existed were made by an admin or the CLI: verified
    op.execute("UPDATE users SET email_verified_at = created_at")


def downgrade():
    op.drop_index(op.f('ix_flags_account'), table_name='flags')
    op.drop_column('flags', 'account')
    op.drop_column('users', 'email_verified_at')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submissions_user_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_submissions_representative_claim_id_representative_claims'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_submissions_user_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_representative_claim_id'))
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('representative_claim_id')
        batch_op.drop_column('user_id')
    op.drop_column('consultations', 'retention_days')
    op.drop_column('consultations', 'deletion_rule')
    op.drop_column('consultations', 'participation')

    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_records_user_id'))
        batch_op.drop_index(batch_op.f('ix_consent_records_submission_id'))

    op.drop_table('consent_records')
    with op.batch_alter_table('role_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_changes_user_id'))

    op.drop_table('role_changes')
    with op.batch_alter_table('representative_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representative_claims_user_id'))
        batch_op.drop_index(batch_op.f('ix_representative_claims_organisation_id'))

    op.drop_table('representative_claims')
    op.drop_table('organisations')
