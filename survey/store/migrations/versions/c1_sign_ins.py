"""sign-ins kept on the server; temporary passwords must be changed

Each facilitator sign-in is a row that the session and remember-me cookies name by a hashed
random key, so that signing out, "sign out everywhere", a new password and deactivation end it
on the server (docs/decisions/0014-server-side-sign-ins.md). Accounts get a flag set when an
administrator issues a temporary password. Cookies made before this revision name no sign-in:
everyone signs in once more.

Revision ID: c1_sign_ins
Revises: b1_symposium
Create Date: 2026-12-03 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c1_sign_ins"
down_revision = "b1_symposium"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["facilitator_id"], ["facilitator.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_facilitator_id"), ["facilitator_id"], unique=False
        )
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): a batch rebuild of facilitator would
    # drop a table that others reference, which SQLite refuses with foreign keys on.
    op.add_column(
        "facilitator",
        sa.Column("must_change_password", sa.Boolean(), server_default="0", nullable=False),
    )


def downgrade():
    op.drop_column("facilitator", "must_change_password")
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_facilitator_id"))
    op.drop_table("sign_in")
