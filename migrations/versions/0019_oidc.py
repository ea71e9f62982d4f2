"""single sign-on: the provider's subject on users, and the group → role mapping

Revision ID: 0019_oidc
Revises: 0018_statistics
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019_oidc'
down_revision = '0018_statistics'
branch_labels = None
depends_on = None

ROLES = ('contact', 'commissioner', 'council_office', 'council_secretary', 'admin')


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_users_oidc_subject'), ['oidc_subject'])
    op.create_table(
        'oidc_group_mappings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.String(length=255), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('role', sa.Enum(*ROLES, name='role', native_enum=False, create_constraint=True,
                                  length=32), nullable=False),
        sa.Column('is_just_in_time', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_group_mappings')),
        sa.UniqueConstraint('group_id', 'role', name='uq_oidc_group_mappings_group_role'),
    )
    op.create_table(
        'oidc_group_mapping_portfolios',
        sa.Column('mapping_id', sa.Integer(), nullable=False),
        sa.Column('portfolio_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['mapping_id'], ['oidc_group_mappings.id'], ondelete='CASCADE',
                                name=op.f('fk_oidc_group_mapping_portfolios_mapping_id_oidc_group_mappings')),
        sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'],
                                name=op.f('fk_oidc_group_mapping_portfolios_portfolio_id_portfolios')),
        sa.PrimaryKeyConstraint('mapping_id', 'portfolio_id',
                                name=op.f('pk_oidc_group_mapping_portfolios')),
    )


def downgrade():
    op.drop_table('oidc_group_mapping_portfolios')
    op.drop_table('oidc_group_mappings')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_users_oidc_subject'), type_='unique')
        batch_op.drop_column('oidc_subject')
