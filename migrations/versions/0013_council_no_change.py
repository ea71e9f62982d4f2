"""council no change: a decision when every proposal fell

The council's decision can be "no change" (the arena keeps its status); such a decision
follows no adopted proposal, so its proposal is optional.

Revision ID: 0013_council_no_change
Revises: 0011_follow_up_assessment
Create Date: 2026-12-04 00:50:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_council_no_change'
down_revision = '0011_follow_up_assessment'
branch_labels = None
depends_on = None

OLD = ("continue", "continue_and_strengthen", "terminate", "join", "consider_joining")
NEW = (*OLD, "no_change")
CHECKS = (("council_decisions", "council_outcome", "outcome"),
          ("assessments", "decision_outcome", "decision_outcome"))


def _check(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _sqlite_schema(values, proposal_nullable):
    """SQLite: rewrite the stored table definitions in place.

    SQLite's documented way to loosen a CHECK or NOT NULL constraint: the rows on disk are
    unchanged, so no table is rebuilt (a rebuild would drop tables other rows refer to, and the
    append-only triggers on council_decisions with them).
    """
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    for table, name, column in CHECKS:
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type='table' AND "
                                   "name=?", (table,)).scalar()
        sql = re.sub(rf"CONSTRAINT ck_{table}_{name} CHECK \({column} IN \([^)]*\)\)",
                     f"CONSTRAINT ck_{table}_{name} CHECK ({_check(column, values)})", sql)
        if table == "council_decisions":
            sql = re.sub(r"proposal_id INTEGER( NOT NULL)?,",
                         "proposal_id INTEGER," if proposal_nullable
                         else "proposal_id INTEGER NOT NULL,", sql)
        bind.exec_driver_sql("UPDATE sqlite_master SET sql=? WHERE type='table' AND name=?",
                             (sql, table))
    bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def _outcomes(values, proposal_nullable):
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_schema(values, proposal_nullable)
        return
    for table, name, column in CHECKS:
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, _check(column, values))
    op.alter_column("council_decisions", "proposal_id", existing_type=sa.Integer(),
                    nullable=proposal_nullable)


def upgrade():
    _outcomes(NEW, True)


def downgrade():
    # A "no change" decision has no place in the old shape; recorded decisions are
    # append-only, so their guard is lifted for this one delete.
    op.execute("UPDATE assessments SET decision_outcome = NULL "
               "WHERE decision_outcome = 'no_change'")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS council_decisions_no_delete")
        op.execute("DELETE FROM council_decisions WHERE outcome = 'no_change'")
        op.execute("CREATE TRIGGER council_decisions_no_delete BEFORE DELETE ON "
                   "council_decisions BEGIN SELECT RAISE(ABORT, 'recorded votes and decisions "
                   "are append-only; record a correction instead'); END")
    else:
        op.execute("ALTER TABLE council_decisions DISABLE TRIGGER council_decisions_no_delete")
        op.execute("DELETE FROM council_decisions WHERE outcome = 'no_change'")
        op.execute("ALTER TABLE council_decisions ENABLE TRIGGER council_decisions_no_delete")
    _outcomes(OLD, False)
