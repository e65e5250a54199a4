"""custom routines: a person's own routines and their share links

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('custom_routines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('note', sa.String(length=280), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('prep_seconds', sa.Integer(), nullable=False),
    sa.Column('transition_seconds', sa.Integer(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('share_token', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_custom_routines_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_routines')),
    sa.UniqueConstraint('share_token', name=op.f('uq_custom_routines_share_token')),
    sa.UniqueConstraint('user_id', 'client_id', name=op.f('uq_custom_routines_user_id_client_id'))
    )
    op.create_index('ix_custom_routines_user_id', 'custom_routines', ['user_id'], unique=False)


def downgrade():
    op.drop_index('ix_custom_routines_user_id', table_name='custom_routines')
    op.drop_table('custom_routines')
