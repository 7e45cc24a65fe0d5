"""True to the seeds (issue 17): what a follow-up meeting decided and which actors took part, the school contact,
a confirmed "återgått" without Steg 4, survey sendings and the rector having seen the school's answers, transitions
between schools, the pupil's and guardians' voice, and work with schools that is not a case.

Consent stops being a prerequisite of a request (003:491 asks for it in Steg 1), so cases flagged "komplettering
behövs" only for missing consent lose the flag.

Revision ID: i17a
Revises: 0003
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'i17a'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('school_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('school_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_activities_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_activities_school_id'), ['school_id'], unique=False)

    op.create_table('case_voices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('speaker', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_voices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_voices_case_id'), ['case_id'], unique=False)

    op.create_table('school_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('from_school_id', sa.Integer(), nullable=True),
    sa.Column('to_school_id', sa.Integer(), nullable=True),
    sa.Column('from_school_form', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('to_school_form', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('from_provider', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('to_provider', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['from_school_id'], ['schools.id'], ),
    sa.ForeignKeyConstraint(['to_school_id'], ['schools.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('school_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_transitions_case_id'), ['case_id'], unique=False)

    op.create_table('survey_sendings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('survey_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sent_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey_sendings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_sendings_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_sendings_sent_on'), ['sent_on'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_contact', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('school_contact_info', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('return_confirmed_unmet', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('actor_types', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))

    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rector_seen_on', sa.Date(), nullable=True))

    _drop_consent_prerequisite()


# The text intake wrote (narvaro.casework.intake before issue 17) and its separator.
_CONSENT_MISSING = 'samtycke är inte inhämtat'


def _drop_consent_prerequisite() -> None:
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('missing_prerequisites', sa.String),
                     sa.column('needs_completion', sa.Boolean))
    conn = op.get_bind()
    rows = conn.execute(sa.select(cases.c.id, cases.c.missing_prerequisites)
                        .where(cases.c.missing_prerequisites.like(f'%{_CONSENT_MISSING}%'))).all()
    for case_id, missing in rows:
        left = [p for p in missing.split('; ') if p != _CONSENT_MISSING]
        conn.execute(cases.update().where(cases.c.id == case_id)
                     .values(missing_prerequisites='; '.join(left) or None, needs_completion=bool(left)))


def downgrade() -> None:
    # The consent flags taken away in upgrade are not put back: consent is asked for in Steg 1.
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_column('rector_seen_on')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('actor_types')
        batch_op.drop_column('outcome')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('return_confirmed_unmet')
        batch_op.drop_column('school_contact_info')
        batch_op.drop_column('school_contact')

    with op.batch_alter_table('survey_sendings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_sendings_sent_on'))
        batch_op.drop_index(batch_op.f('ix_survey_sendings_case_id'))

    op.drop_table('survey_sendings')
    with op.batch_alter_table('school_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_transitions_case_id'))

    op.drop_table('school_transitions')
    with op.batch_alter_table('case_voices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_voices_case_id'))

    op.drop_table('case_voices')
    with op.batch_alter_table('school_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_activities_school_id'))
        batch_op.drop_index(batch_op.f('ix_school_activities_held_on'))

    op.drop_table('school_activities')
