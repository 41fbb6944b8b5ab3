"""job details and notes: date applied, work mode, salary range, tags, notes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 03:00:00

The date applied is a real date column: a spreadsheet import will set it for jobs applied to
long before they were added. A job already here was applied to, as far as anyone knows, the day
it was added, so that is its date. Tags are one comma-joined text (see domain.job_details).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applied_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('work_mode', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('salary_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('salary_max', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('salary_currency', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default='')
        )
        batch_op.add_column(sa.Column('tags', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("UPDATE job SET applied_on = date(created_at)")
    else:
        op.execute("UPDATE job SET applied_on = CAST(created_at AS DATE)")


def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        for name in ('notes', 'tags', 'salary_currency', 'salary_max', 'salary_min', 'work_mode', 'applied_on'):
            batch_op.drop_column(name)
