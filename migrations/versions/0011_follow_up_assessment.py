"""follow-up assessment: a follow-up belongs to the decided assessment; the case item is optional

A termination the council office lets stand without the council still needs its notice sent;
such a follow-up has no council case item.

Revision ID: 0011_follow_up_assessment
Revises: 0010_decision_outcome_index
Create Date: 2026-11-27 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_follow_up_assessment'
down_revision = '0010_decision_outcome_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('council_follow_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE council_follow_ups SET assessment_id = (SELECT assessment_id "
        "FROM council_case_items WHERE council_case_items.id = council_follow_ups.item_id)")
    with op.batch_alter_table('council_follow_ups', schema=None) as batch_op:
        batch_op.alter_column('assessment_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('uq_council_follow_ups_item_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_council_follow_ups_assessment_id'),
                                          ['assessment_id', 'kind'])
        batch_op.create_foreign_key(batch_op.f('fk_council_follow_ups_assessment_id_assessments'),
                                    'assessments', ['assessment_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_council_follow_ups_assessment_id'),
                              ['assessment_id'], unique=False)


def downgrade():
    # Follow-ups without a council case item cannot go back to the old shape.
    op.execute("DELETE FROM council_follow_ups WHERE item_id IS NULL")
    with op.batch_alter_table('council_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_follow_ups_assessment_id'))
        batch_op.drop_constraint(batch_op.f('fk_council_follow_ups_assessment_id_assessments'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_council_follow_ups_assessment_id'),
                                 type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_council_follow_ups_item_id'),
                                          ['item_id', 'kind'])
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('assessment_id')
