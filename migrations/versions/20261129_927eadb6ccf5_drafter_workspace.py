"""Drafter workspace: theme descriptions, locked labels, origin, proposals and reviews; section
sign-off; the append-only theme edit log; codebook entries; responses ("you said, we did") per
theme or submission; when a respondent was told of a response; offline forums and the forum of
each contribution made there.

Revision ID: 927eadb6ccf5
Revises: 8d49cb1b7ab3
Create Date: 2026-11-29 14:55:47.393614

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types


# revision identifiers, used by Alembic.
revision = '927eadb6ccf5'
down_revision = '8d49cb1b7ab3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offline_forums',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('consent_publish', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_offline_forums_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_offline_forums_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_forums'))
    )
    with op.batch_alter_table('offline_forums', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_forums_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('codebook_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_codebook_entries_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_codebook_entries_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codebook_entries'))
    )
    with op.batch_alter_table('codebook_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codebook_entries_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('theme_edits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('section_key', sa.String(length=20), nullable=False),
    sa.Column('theme_key', sa.String(length=20), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_theme_edits_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_theme_edits_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['analysis_runs.id'], name=op.f('fk_theme_edits_run_id_analysis_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_edits'))
    )
    with op.batch_alter_table('theme_edits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_edits_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=20), nullable=False),
    sa.Column('theme_key', sa.String(length=20), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.Enum('accepted', 'partly_accepted', 'not_accepted', 'outside_scope', name='response_decision', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('draft_reference', sa.String(length=200), nullable=True),
    sa.Column('revised_wording', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', consult.common.types.UTCDateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_responses_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_responses_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_responses_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_responses_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index('uq_responses_submission', ['submission_id'], unique=True, sqlite_where=sa.text('submission_id IS NOT NULL'), postgresql_where=sa.text('submission_id IS NOT NULL'))
        batch_op.create_index('uq_responses_theme', ['consultation_id', 'section_key', 'theme_key'], unique=True, sqlite_where=sa.text('theme_key IS NOT NULL'), postgresql_where=sa.text('theme_key IS NOT NULL'))

    with op.batch_alter_table('analysis_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_off_at', consult.common.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('signed_off_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_analysis_sections_signed_off_by_id_users'), 'users', ['signed_off_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_notified_at', consult.common.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('forum_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_forum_id'), ['forum_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_submissions_forum_id_offline_forums'), 'offline_forums', ['forum_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('label_locked', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='engine', nullable=False))
        batch_op.add_column(sa.Column('proposed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('reviewed_at', consult.common.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_themes_reviewed_by_id_users'), 'users', ['reviewed_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_themes_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('proposed')
        batch_op.drop_column('origin')
        batch_op.drop_column('label_locked')
        batch_op.drop_column('description')

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submissions_forum_id_offline_forums'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_submissions_forum_id'))
        batch_op.drop_column('forum_id')
        batch_op.drop_column('response_notified_at')

    with op.batch_alter_table('analysis_sections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_analysis_sections_signed_off_by_id_users'), type_='foreignkey')
        batch_op.drop_column('signed_off_by_id')
        batch_op.drop_column('signed_off_at')

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('uq_responses_theme', sqlite_where=sa.text('theme_key IS NOT NULL'), postgresql_where=sa.text('theme_key IS NOT NULL'))
        batch_op.drop_index('uq_responses_submission', sqlite_where=sa.text('submission_id IS NOT NULL'), postgresql_where=sa.text('submission_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_responses_consultation_id'))

    op.drop_table('responses')
    with op.batch_alter_table('theme_edits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_edits_consultation_id'))

    op.drop_table('theme_edits')
    with op.batch_alter_table('codebook_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codebook_entries_consultation_id'))

    op.drop_table('codebook_entries')
    with op.batch_alter_table('offline_forums', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_forums_consultation_id'))

    op.drop_table('offline_forums')
