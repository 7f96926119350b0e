"""roster: partners' representatives and their personal invitations to rounds

Two new tables (survey/store/roster.py); nothing else changes. A personal invitation records
that its representative submitted; no response refers to it.

Revision ID: e1_roster
Revises: d1_outbox
Create Date: 2026-12-03 09:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e1_roster"
down_revision = "d1_outbox"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "representative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("reminders_off", sa.Boolean(), nullable=False),
        sa.Column("unsubscribe_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partner_id", "email"),
        sa.UniqueConstraint("unsubscribe_token"),
    )
    with op.batch_alter_table("representative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_representative_partner_id"), ["partner_id"])
    op.create_table(
        "personal_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bounced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["representative_id"], ["representative.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "representative_id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("personal_invite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personal_invite_round_id"), ["round_id"])
        batch_op.create_index(
            batch_op.f("ix_personal_invite_representative_id"), ["representative_id"]
        )


def downgrade():
    op.drop_table("personal_invite")
    op.drop_table("representative")
