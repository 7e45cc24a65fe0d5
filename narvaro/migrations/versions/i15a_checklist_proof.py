"""No double entry (issue 15): a checklist mark remembers the action that ticked it (the hand-out, the first contact
with the rector, the rector's answer, the EHT meeting with its division of responsibility, the booked follow-up).

Revision ID: i15a
Revises: i19a
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'i15a'
down_revision = 'i19a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('checklist_marks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proof', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('checklist_marks', schema=None) as batch_op:
        batch_op.drop_column('proof')
