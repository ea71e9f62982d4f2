"""mail: a message whose reason went away before it could be sent is 'dropped', not sent

Revision ID: 0016_ops
Revises: 0015_sign_in_throttle
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_ops'
down_revision = '0015_sign_in_throttle'
branch_labels = None
depends_on = None

OLD = ('queued', 'sending', 'sent', 'failed', 'console')
NEW = OLD + ('dropped',)
CHECK = 'ck_outbox_messages_message_status'


def _statuses(values):
    return sa.Enum(*values, name='message_status', native_enum=False, create_constraint=True,
                   length=32)


def _replace_check(values):
    listed = ", ".join(f"'{v}'" for v in values)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot change a constraint in place: batch mode copies the table.
        with op.batch_alter_table('outbox_messages', recreate='always') as batch_op:
            batch_op.drop_constraint(op.f(CHECK), type_='check')
            batch_op.create_check_constraint(op.f(CHECK), sa.text(f"status IN ({listed})"))
    else:
        op.drop_constraint(op.f(CHECK), 'outbox_messages', type_='check')
        op.create_check_constraint(op.f(CHECK), 'outbox_messages', f"status IN ({listed})")


def upgrade():
    _replace_check(NEW)


def downgrade():
    op.execute("UPDATE outbox_messages SET status = 'failed' WHERE status = 'dropped'")
    _replace_check(OLD)
