"""Running the year: "no change since last year" on assessments.

Revision ID: 0007_running_year
Revises: 0006_calendar
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_running_year"
down_revision = '0006_calendar'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unchanged_comment", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("unchanged_comment")
