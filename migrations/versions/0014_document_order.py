"""document order and front matter: the office's arena order, edited paragraphs, title,
reference label and the basis for the council's treatment, per cycle

Revision ID: 0014_document_order
Revises: 0013_council_no_change
Create Date: 2026-12-04 00:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_document_order'
down_revision = '0013_council_no_change'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=300), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('reference_label', sa.String(length=100),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('council_basis', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('show_council_details', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('arena_order', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('paragraph_edits', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('document_settings', schema=None) as batch_op:
        for name in ('paragraph_edits', 'arena_order', 'show_council_details',
                     'council_basis', 'reference_label', 'title'):
            batch_op.drop_column(name)
