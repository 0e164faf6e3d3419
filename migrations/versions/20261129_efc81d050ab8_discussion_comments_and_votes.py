"""Discussion: comments (one level of replies) and agree/disagree/pass votes, one per account per
comment; the moderation log and flags name a submission or a comment (exactly one).

Revision ID: efc81d050ab8
Revises: facc021bbede
Create Date: 2026-11-29 17:19:25.775903

"""
import sqlalchemy as sa
from alembic import op

import consult.common.types

ONE_TARGET = "(submission_id IS NULL) <> (comment_id IS NULL)"

# revision identifiers, used by Alembic.
revision = 'efc81d050ab8'
down_revision = 'facc021bbede'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('stakeholder_type', sa.Enum('citizen', 'academic', 'professional_body', 'civil_servant', 'government_unit', 'other', name='stakeholder_type', native_enum=False, length=32), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('removed_at', consult.common.types.UTCDateTime(), nullable=True),
    sa.Column('published_at', consult.common.types.UTCDateTime(), nullable=True),
    sa.Column('client_token', sa.String(length=64), nullable=True),
    sa.Column('moderation_status', sa.Enum('pending', 'published', 'hidden', name='moderation_status', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_comments_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_comments_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments')),
    sa.UniqueConstraint('author_id', 'client_token', name='uq_comments_author_client_token')
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_moderation_status'), ['moderation_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_question_id'), ['question_id'], unique=False)

    op.create_table('comment_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', consult.common.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('value IN (-1, 0, 1)', name=op.f('ck_comment_votes_value')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_votes_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comment_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_votes')),
    sa.UniqueConstraint('comment_id', 'user_id', name='uq_comment_votes_comment_user')
    )
    with op.batch_alter_table('comment_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_votes_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_votes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.alter_column('submission_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_flags_comment_id'), ['comment_id'], unique=False)
        batch_op.create_unique_constraint('uq_flags_comment_visitor', ['comment_id', 'visitor'])
        batch_op.create_foreign_key(batch_op.f('fk_flags_comment_id_comments'), 'comments', ['comment_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_flags_one_target'), ONE_TARGET)

    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.alter_column('submission_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_moderation_actions_comment_id'), ['comment_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_moderation_actions_comment_id_comments'), 'comments', ['comment_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_moderation_actions_one_target'), ONE_TARGET)



def downgrade():
    op.execute("DELETE FROM moderation_actions WHERE submission_id IS NULL")
    op.execute("DELETE FROM flags WHERE submission_id IS NULL")
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_moderation_actions_one_target'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_moderation_actions_comment_id_comments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_moderation_actions_comment_id'))
        batch_op.alter_column('submission_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('comment_id')

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_flags_one_target'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_flags_comment_id_comments'), type_='foreignkey')
        batch_op.drop_constraint('uq_flags_comment_visitor', type_='unique')
        batch_op.drop_index(batch_op.f('ix_flags_comment_id'))
        batch_op.alter_column('submission_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('comment_id')

    with op.batch_alter_table('comment_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_votes_user_id'))
        batch_op.drop_index(batch_op.f('ix_comment_votes_comment_id'))

    op.drop_table('comment_votes')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_question_id'))
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))
        batch_op.drop_index(batch_op.f('ix_comments_moderation_status'))
        batch_op.drop_index(batch_op.f('ix_comments_consultation_id'))
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))

    op.drop_table('comments')
