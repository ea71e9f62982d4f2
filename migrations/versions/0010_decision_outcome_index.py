"""decision outcome index: the scheduler finds the few decisions that take effect quickly

Revision ID: 0010_decision_outcome_index
Revises: 0009_session_epoch
Create Date: 2026-11-27 19:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_decision_outcome_index'
down_revision = '0009_session_epoch'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_assessments_decision_outcome", "assessments", ["decision_outcome"])


def downgrade():
    op.drop_index("ix_assessments_decision_outcome", table_name="assessments")
