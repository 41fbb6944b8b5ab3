"""the reflection after a round, kept beside its notes; the question bank

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:00:00

After a round the user writes what went well, where they were unsure and a 1-5 confidence per
topic. It is stored as a structure (not appended to the hand-written notes, which stay as they
are) so the next round's prep can name the weak spots, and the progress charts can read the
confidence per topic across rounds. Existing rounds have no reflection.

The question bank keeps one row per question predicted or asked in a round, with its tag and the
user's best answer, so a search over every job is one indexed query. It is filled from the preps
and rounds when the bank is opened, so existing questions arrive then.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reflection', sa.JSON(), nullable=False, server_default='{}'))
    op.create_table(
        'bankquestion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('interview_id', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('best_answer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_bankquestion_candidate_tag', 'bankquestion', ['candidate_id', 'tag'], unique=False)
    op.create_index(op.f('ix_bankquestion_interview_id'), 'bankquestion', ['interview_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_bankquestion_interview_id'), table_name='bankquestion')
    op.drop_index('ix_bankquestion_candidate_tag', table_name='bankquestion')
    op.drop_table('bankquestion')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_column('reflection')
