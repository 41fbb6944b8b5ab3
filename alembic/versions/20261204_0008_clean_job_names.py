"""clean job names: company and title in the one stored form of domain.text.clean_name

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 09:00:00

Jobs written before names were cleaned may hold zero-width, bidirectional-control or fullwidth
characters. The "rejected before" lookup compares stored names with a cleaned one in SQL, so the
stored names are cleaned here once. The function is imported rather than copied: it is pure, and
a copy that drifted from it would leave names the lookup cannot match.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from peregrine.domain.text import clean_name

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    bind = op.get_bind()
    job = sa.table('job', sa.column('id', sa.Integer()), sa.column('company', sa.String()), sa.column('title', sa.String()))
    rows = bind.execute(sa.select(job.c.id, job.c.company, job.c.title).order_by(job.c.id)).all()
    changes = [change for row in rows if (change := _cleaned(row.id, row.company, row.title)) is not None]
    statement = (
        job.update()
        .where(job.c.id == sa.bindparam('job_id'))
        .values(company=sa.bindparam('new_company'), title=sa.bindparam('new_title'))
    )
    for start in range(0, len(changes), BATCH):
        bind.execute(statement, changes[start : start + BATCH])


def _cleaned(job_id: int, company: str, title: str) -> dict[str, object] | None:
    # A name with nothing visible in it keeps what it had: a job always has a company and a title.
    new_company = clean_name(company) or company
    new_title = clean_name(title) or title
    if (new_company, new_title) == (company, title):
        return None
    return {'job_id': job_id, 'new_company': new_company, 'new_title': new_title}


def downgrade() -> None:
    pass  # the characters removed were invisible or look-alikes; there is nothing to put back
