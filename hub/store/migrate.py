"""Run the state store's Alembic migrations from code; no alembic.ini is needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from hub.settings import get_settings, state_store_url
from hub.store.engine import make_engine
from hub.store.models import Base

SCRIPT_LOCATION: Final = Path(__file__).resolve().parent.parent / "migrations"
# Not Alembic's default name: the hub may share a PostgreSQL database with Airflow's own
# metadata, which keeps its revision in ``alembic_version``.
VERSION_TABLE: Final = "hub_alembic_version"
# Key of the PostgreSQL advisory lock that lets only one process migrate at a time.
MIGRATION_LOCK_KEY: Final = 0x6875_625F_6462  # "hub_db"


def _resolve(url: str | None) -> str:
    return url if url is not None else state_store_url(get_settings())


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for the state store at `url` (default: from settings)."""
    config = Config()
    # Config options go through configparser, where "%" starts an interpolation.
    config.set_main_option("script_location", str(SCRIPT_LOCATION).replace("%", "%%"))
    config.attributes["url"] = _resolve(url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the state store at `url` up to `revision`; a no-op when already there."""
    command.upgrade(alembic_config(url), revision)


def current(url: str | None = None) -> str | None:
    """The revision the state store at `url` is at, or None if never migrated."""
    engine = make_engine(_resolve(url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()
    finally:
        engine.dispose()


def head() -> str | None:
    """The newest revision shipped with this version of the hub."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _ours(name: str | None, type_: str, _parents: Any) -> bool:
    # Tables of others sharing the database (and our version table) are not our schema.
    return type_ != "table" or name in Base.metadata.tables


def schema_diff(url: str | None = None) -> list[Any]:
    """Differences between the database at `url` and the models; empty when they match."""
    engine = make_engine(_resolve(url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_name": _ours},
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()
