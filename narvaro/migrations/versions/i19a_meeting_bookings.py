"""Booked meetings with day, time and place (issue 19), so each can be downloaded as an .ics file whose UID stays
the same and whose SEQUENCE goes up when the meeting is moved.

Revision ID: i19a
Revises: i17a
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'i19a'
down_revision = 'i17a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meeting_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('uid', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uid')
    )
    with op.batch_alter_table('meeting_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_bookings_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_bookings_case_id'))
    op.drop_table('meeting_bookings')
