"""Alembic driven from code, so `credit db upgrade` works from any working directory."""
from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata

from config import PROJECT_ROOT
from credit.db import import_models, make_engine


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def new_revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)


def schema_differences(url: str) -> list:
    """What autogenerate would change: empty when the migrated schema matches the models."""
    metadata = import_models()
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        return compare_metadata(context, metadata)
