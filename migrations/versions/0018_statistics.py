"""statistics in the appendix: a document setting that puts the statistics page's charts and
tables into the review's appendix (off by default)

Revision ID: 0018_statistics
Revises: 0017_block_vote
Create Date: 2026-12-04 03:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_statistics'
down_revision = '0017_block_vote'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_statistics', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.drop_column('show_statistics')
