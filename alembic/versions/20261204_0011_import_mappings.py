"""import mappings: a spreadsheet's column and status mapping, remembered per candidate and headers

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:00:00

Someone who exports from Huntr or Teal every few weeks imports files with the same headers each
time; the mapping they corrected once is offered again, keyed by a hash of the normalised headers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'importmapping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('headers_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('statuses', sa.JSON(), nullable=False),
        sa.Column('date_order', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('importmapping', schema=None) as batch_op:
        batch_op.create_index('ux_importmapping_candidate_headers', ['candidate_id', 'headers_key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('importmapping', schema=None) as batch_op:
        batch_op.drop_index('ux_importmapping_candidate_headers')
    op.drop_table('importmapping')
