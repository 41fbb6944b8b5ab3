"""resume, interview prep and practice

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 01:45:52.025303
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table('preprevision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('was_edited', sa.Boolean(), nullable=False),
    sa.Column('replaced_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('preprevision', schema=None) as batch_op:
        batch_op.create_index('ix_preprevision_owner_section', ['owner', 'owner_id', 'section'], unique=False)

    op.create_table('experienceproject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('company', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('situation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('actions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('results', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('metrics', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stack', sa.JSON(), nullable=False),
    sa.Column('decisions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('experienceproject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experienceproject_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('prepbase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('formatted_jd', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('company_context', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('primary_drivers', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('background_narrative', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('edited', sa.JSON(), nullable=False),
    sa.Column('generated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('job_id')
    )
    op.create_table('resumebullet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['experienceproject.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('resumebullet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resumebullet_project_id'), ['project_id'], unique=False)

    op.create_table('interviewprep',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('prep_plan', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('predicted_questions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('interviewer_questions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('resume_defense_prep', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('technical_deep_dives', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('predicted', sa.JSON(), nullable=False),
    sa.Column('edited', sa.JSON(), nullable=False),
    sa.Column('generated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('interview_id')
    )
    op.create_table('practicesession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('appended_to_notes', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('practicesession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practicesession_interview_id'), ['interview_id'], unique=False)

    op.create_table('practicemessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stopped', sa.Boolean(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['practicesession.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('practicemessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practicemessage_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions_asked', sa.JSON(), nullable=False, server_default='[]'))

    # A task now targets a job or one interview of it: one active task per kind and target.
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interview_id', sa.Integer(), nullable=True))
        batch_op.drop_index('ux_task_active_per_job', sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.create_index(batch_op.f('ix_task_interview_id'), ['interview_id'], unique=False)
        batch_op.create_foreign_key('fk_task_interview_id', 'interview', ['interview_id'], ['id'], ondelete='CASCADE')
    op.create_index(
        'ux_task_active_per_target',
        'task',
        ['kind', 'job_id', sa.text('coalesce(interview_id, 0)')],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )



def downgrade() -> None:
    op.drop_index('ux_task_active_per_target', table_name='task')
    op.execute("DELETE FROM task WHERE interview_id IS NOT NULL")
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_constraint('fk_task_interview_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_task_interview_id'))
        batch_op.drop_column('interview_id')
        batch_op.create_index('ux_task_active_per_job', ['kind', 'job_id'], unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_column('questions_asked')

    with op.batch_alter_table('practicemessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practicemessage_session_id'))

    op.drop_table('practicemessage')
    with op.batch_alter_table('practicesession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practicesession_interview_id'))

    op.drop_table('practicesession')
    op.drop_table('interviewprep')
    with op.batch_alter_table('resumebullet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resumebullet_project_id'))

    op.drop_table('resumebullet')
    op.drop_table('prepbase')
    with op.batch_alter_table('experienceproject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experienceproject_candidate_id'))

    op.drop_table('experienceproject')
    with op.batch_alter_table('preprevision', schema=None) as batch_op:
        batch_op.drop_index('ix_preprevision_owner_section')

    op.drop_table('preprevision')
