"""paper import: one response per (round, label)

A paper respondent's id (the response's label) is unique within its round, so that importing
the same file twice stores nothing new, even when two imports run at once. Web responses have
no label; NULLs never collide in SQLite or PostgreSQL.

Revision ID: a1_paper_import
Revises: 82732f5c8429
Create Date: 2026-11-23 10:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "a1_paper_import"
down_revision = "82732f5c8429"
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite cannot add a constraint to an existing table without rebuilding it.
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_response_round_label", ["round_id", "label"])


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_constraint("uq_response_round_label", type_="unique")
