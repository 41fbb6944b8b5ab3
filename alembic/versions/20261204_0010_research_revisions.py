"""research revisions: every brief a job's research showed, for History and Restore

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:00:00

A run used to replace the brief in place, so a worse brief (a small model's empty answer, say)
cost the user the one they had. Each brief that becomes a job's research is now kept as a
revision, as prep sections are. The brief a job already has becomes its first revision, so its
History starts with what the user has seen.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'researchrevision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('brief', sa.JSON(), nullable=False),
        sa.Column('generated_at', sa.DateTime(), nullable=False),
        sa.Column('made_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('researchrevision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_researchrevision_job_id'), ['job_id'], unique=False)
    op.execute(
        "INSERT INTO researchrevision (job_id, brief, generated_at, made_by, created_at) "
        "SELECT job_id, brief, generated_at, 'research', generated_at FROM companyresearch"
    )


def downgrade() -> None:
    with op.batch_alter_table('researchrevision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_researchrevision_job_id'))
    op.drop_table('researchrevision')
