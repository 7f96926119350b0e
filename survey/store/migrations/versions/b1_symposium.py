"""symposium sessions: sessions with a join code, their rounds, and shared partnerships

A session groups open rounds of several partnerships behind a six-character code; a
partnership's owner may share it with another facilitator for their sessions
(docs/decisions/0007-symposium-sessions.md). Three new tables, nothing else changes.

Revision ID: b1_symposium
Revises: a1_paper_import
Create Date: 2026-11-22 04:54:40

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b1_symposium"
down_revision = "a1_paper_import"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('symposium_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['facilitator.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('symposium_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_symposium_session_owner_id'), ['owner_id'], unique=False)

    op.create_table('partnership_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partnership_id', 'facilitator_id')
    )
    with op.batch_alter_table('partnership_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_share_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_share_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('session_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['symposium_session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'round_id')
    )
    with op.batch_alter_table('session_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_round_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_round_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_round_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_round_round_id'))

    op.drop_table('session_round')
    with op.batch_alter_table('partnership_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_share_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_share_facilitator_id'))

    op.drop_table('partnership_share')
    with op.batch_alter_table('symposium_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_symposium_session_owner_id'))

    op.drop_table('symposium_session')
