"""sign-in throttles keyed by name

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:12:04.118530

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('login', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('login', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index('ix_login_throttles_updated_at', ['updated_at'], unique=False)

    # Counts and locks in force carry over, so an upgrade in the middle of an attack does not
    # give the attacker a fresh set of attempts. Account names are already normalised.
    op.execute(sa.text(
        "INSERT INTO login_throttles (login, failures, locked_until, updated_at) "
        "SELECT login, failed_logins, locked_until, :now FROM users "
        "WHERE failed_logins > 0 OR locked_until IS NOT NULL"
    ).bindparams(sa.bindparam("now", _utcnow(), type_=sa.DateTime)))

    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), never batch's copy-and-rename: with
    # foreign keys enforced, dropping the old users table would cascade to every row that
    # refers to it (completions, days off, diary, runs).
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    # With a server default, which revision 0003 did not have, so that existing rows get a
    # count: removing it again would take batch's copy of the users table (see upgrade).
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))

    # Names that are accounts keep their counts and locks; unknown names had none before.
    op.execute(sa.text(
        "UPDATE users SET "
        "failed_logins = (SELECT t.failures FROM login_throttles AS t WHERE t.login = users.login), "
        "locked_until = (SELECT t.locked_until FROM login_throttles AS t WHERE t.login = users.login) "
        "WHERE login IN (SELECT login FROM login_throttles)"
    ))

    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index('ix_login_throttles_updated_at')

    op.drop_table('login_throttles')


def _utcnow():
    """Return the current instant as a naive UTC datetime (the storage convention)."""
    return datetime.now(UTC).replace(tzinfo=None)
