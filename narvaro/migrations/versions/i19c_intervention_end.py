"""The day an intervention ended (issue 19): set when its status becomes one that is not open (genomförd,
avbruten), so the case's attendance line can mark each intervention's start and end.

Revision ID: i19c
Revises: i19b
"""
import sqlalchemy as sa
from alembic import op


revision = 'i19c'
down_revision = 'i19b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_interventions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('case_interventions', schema=None) as batch_op:
        batch_op.drop_column('end_on')
