"""analytics at scale: rounds carry their candidate, moves the stay they ended

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 04:30:00
"""

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATS_COLUMNS = [
    'candidate_id', 'kind', 'outcome', 'overall_rating', 'technical_rating', 'culture_fit_rating',
    'communication_rating', 'job_id',
]


def upgrade() -> None:
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('candidate_id', sa.Integer(), nullable=True))
    op.execute('UPDATE interview SET candidate_id = (SELECT job.candidate_id FROM job WHERE job.id = interview.job_id)')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.alter_column('candidate_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_interview_candidate_id', 'candidate', ['candidate_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_interview_candidate_kind_stats', STATS_COLUMNS, unique=False)

    with op.batch_alter_table('stageevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_entered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    _backfill_stays()


def _backfill_stays() -> None:
    """Replay each job's history as `move_job` and `undo_last_move` now record it: a move stores when
    its job entered the stage it leaves; an undo and the move it took back store nothing."""
    bind = op.get_bind()
    event = sa.table(
        'stageevent',
        sa.column('id', sa.Integer()),
        sa.column('job_id', sa.Integer()),
        sa.column('source', sa.String()),
        sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column('from_entered_at', sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    job = sa.table('job', sa.column('id', sa.Integer()), sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    rows = bind.execute(
        sa.select(event.c.id, event.c.job_id, event.c.source, event.c.at, job.c.created_at)
        .join(job, job.c.id == event.c.job_id)
        .order_by(event.c.job_id, event.c.at, event.c.id)
    ).all()
    updates: list[dict[str, object]] = []
    for _, history in groupby(rows, key=lambda row: row.job_id):
        entered: datetime | None = None
        kept: list[tuple[dict[str, object], datetime | None]] = []  # each move, and the entry it replaced
        for row in history:
            entered = row.created_at if entered is None else entered
            if row.source == 'undo' and kept:
                undone, entered = kept.pop()
                undone['entered'] = None
                updates.append({'event_id': row.id, 'entered': None})
                continue
            change: dict[str, object] = {'event_id': row.id, 'entered': entered}
            updates.append(change)
            kept.append((change, entered))
            entered = row.at
    if updates:
        bind.execute(
            event.update().where(event.c.id == sa.bindparam('event_id')).values(from_entered_at=sa.bindparam('entered')),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table('stageevent', schema=None) as batch_op:
        batch_op.drop_column('from_entered_at')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_index('ix_interview_candidate_kind_stats')
        batch_op.drop_constraint('fk_interview_candidate_id', type_='foreignkey')
        batch_op.drop_column('candidate_id')
