"""plans: enrolments and quiet nights

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('plan_slug', sa.String(length=80), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('paused_on', sa.Date(), nullable=True),
    sa.Column('pauses', sa.String(length=500), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plan_enrolments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_enrolments'))
    )
    op.create_index('ix_plan_enrolments_user_id_status', 'plan_enrolments', ['user_id', 'status'], unique=False)
    op.create_table('quiet_nights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiet_nights_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiet_nights')),
    sa.UniqueConstraint('user_id', 'night', name=op.f('uq_quiet_nights_user_id_night'))
    )


def downgrade():
    op.drop_table('quiet_nights')
    op.drop_index('ix_plan_enrolments_user_id_status', table_name='plan_enrolments')
    op.drop_table('plan_enrolments')
