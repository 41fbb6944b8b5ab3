"""next steps: what the user did to the rules' steps on a job, and the steps they wrote

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:00:00

Every open job gets a next step. The rules' steps (follow up, thank-you note, prepare, the offer's
deadline) are worked out when read, so only what the user does is stored: a step marked done,
snoozed or edited, a quiet job snoozed, and a step written by hand. One row per job and step key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'nextstep',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('rule_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        sa.Column('snoozed_until', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_nextstep_candidate_id', 'nextstep', ['candidate_id'], unique=False)
    op.create_index('ux_nextstep_job_key', 'nextstep', ['job_id', 'rule_key'], unique=True)


def downgrade() -> None:
    op.drop_index('ux_nextstep_job_key', table_name='nextstep')
    op.drop_index('ix_nextstep_candidate_id', table_name='nextstep')
    op.drop_table('nextstep')
