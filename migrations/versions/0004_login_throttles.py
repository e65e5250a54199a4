"""sign-in throttles keyed by a hash of the name

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:12:04.118530

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index('ix_login_throttles_updated_at', ['updated_at'], unique=False)

    # The per-account counts and locks go without being carried over: the new rows are keyed
    # by an HMAC under the app's secret key, which a migration cannot compute. Throttle state
    # is short-lived, so the upgrade loses at most one lock period.
    #
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

    # Every account comes back with no failures and no lock: the throttle rows are keyed by
    # an HMAC of the name, which cannot be matched to an account here (see upgrade).
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index('ix_login_throttles_updated_at')

    op.drop_table('login_throttles')
