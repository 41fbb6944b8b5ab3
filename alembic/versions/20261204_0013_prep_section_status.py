"""prep made section by section: each section's failure and what its prompt left out

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:00:00

Prep is generated one section at a time, so one section can fail while the others are kept: the
section's reason is stored beside it (with its Retry), and so is what its prompt left out to fit
the model's context window. A task can make only some sections (a Retry of one), so it names them.
Existing rows have no failures and left nothing out; an existing task made everything.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sections', sa.JSON(), nullable=False, server_default='[]'))
    for table in ('prepbase', 'interviewprep'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('section_errors', sa.JSON(), nullable=False, server_default='{}'))
            batch_op.add_column(sa.Column('left_out', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    for table in ('interviewprep', 'prepbase'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('left_out')
            batch_op.drop_column('section_errors')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('sections')
