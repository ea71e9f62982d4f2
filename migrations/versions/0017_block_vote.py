"""block vote: one vote the council took on several items together, kept on each item's vote

Revision ID: 0017_block_vote
Revises: 0016_ops
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_block_vote'
down_revision = '0016_ops'
branch_labels = None
depends_on = None

GUARD = ("BEGIN SELECT RAISE(ABORT, 'recorded votes and decisions are append-only; record a "
         "correction instead'); END")


def _guard_votes_again():
    """SQLite rebuilds council_votes to change it, which drops its append-only triggers
    (0004_council): put them back. PostgreSQL alters the table in place and keeps them."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    for event in ('UPDATE', 'DELETE'):
        name = f"council_votes_no_{event.lower()}"
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON council_votes {GUARD}")


def upgrade():
    op.create_table(
        'council_vote_blocks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['council_cases.id'],
                                name=op.f('fk_council_vote_blocks_case_id_council_cases')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_council_vote_blocks_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_council_vote_blocks')),
    )
    op.create_index(op.f('ix_council_vote_blocks_case_id'), 'council_vote_blocks', ['case_id'])
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('block_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_council_votes_block_id'), ['block_id'])
        batch_op.create_foreign_key(batch_op.f('fk_council_votes_block_id_council_vote_blocks'),
                                    'council_vote_blocks', ['block_id'], ['id'])
    _guard_votes_again()


def downgrade():
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_council_votes_block_id_council_vote_blocks'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_council_votes_block_id'))
        batch_op.drop_column('block_id')
    _guard_votes_again()
    op.drop_index(op.f('ix_council_vote_blocks_case_id'), table_name='council_vote_blocks')
    op.drop_table('council_vote_blocks')
