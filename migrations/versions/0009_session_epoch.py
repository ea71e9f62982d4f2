"""session epoch: a counter in every session cookie, raised at logout to end all sessions

Revision ID: 0009_session_epoch
Revises: 0008_api_tokens
Create Date: 2026-11-27 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_session_epoch'
down_revision = '0008_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0",
                                      nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
