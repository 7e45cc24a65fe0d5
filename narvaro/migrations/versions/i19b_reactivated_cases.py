"""A case for a pupil who had a closed case before is marked återaktualiserat (issue 19): the earlier case's id.

Revision ID: i19b
Revises: i20a
"""
import sqlalchemy as sa
from alembic import op


revision = 'i19b'
down_revision = 'i20a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reactivated_from', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('reactivated_from')
