"""Alembic environment: Peregrine's tables, Peregrine's database URL."""

from __future__ import annotations

from logging.config import fileConfig

from sqlmodel import SQLModel

import peregrine.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from alembic import context
from peregrine import config as peregrine_config
from peregrine.db import engine_for

alembic_config = context.config
if alembic_config.config_file_name is not None and not alembic_config.attributes.get("quiet"):
    fileConfig(alembic_config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def database_url() -> str:
    return alembic_config.get_main_option("sqlalchemy.url") or peregrine_config.database_url()


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with engine_for(database_url()).connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
