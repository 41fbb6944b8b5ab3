"""the reflection after a round, kept beside its notes

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-04 19:00:00

After a round the user writes what went well, where they were unsure and a 1-5 confidence per
topic. It is stored as a structure (not appended to the hand-written notes, which stay as they
are) so the next round's prep can name the weak spots, and the progress charts can read the
confidence per topic across rounds. Existing rounds have no reflection.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reflection', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_column('reflection')
