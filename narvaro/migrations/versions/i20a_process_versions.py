"""The process in the database, in versions (issue 20): every app server reads the same published process, the
team leader publishes and rolls back in the app, and a case remembers the version it was last worked under.

The first version is seeded from data/*.yaml when the app first reads the process (narvaro.core.versions), not
here: a migration must not depend on files a municipality may have edited.

Revision ID: i20a
Revises: i15a
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'i20a'
down_revision = 'i15a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('diff', sa.Text(), nullable=False),
    sa.Column('based_on', sa.Integer(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('process_version', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('process_version')
    op.drop_table('process_versions')
