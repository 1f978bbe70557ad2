"""Alembic environment of the state store, driven by `hub.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from hub.settings import get_settings, state_store_url
from hub.store.engine import make_engine
from hub.store.migrate import MIGRATION_LOCK_KEY, VERSION_TABLE
from hub.store.models import Base

config = context.config


def _url() -> str:
    url = config.attributes.get("url")
    return str(url) if url is not None else state_store_url(get_settings())


def run_offline() -> None:
    """Emit the migration SQL without connecting."""
    context.configure(
        url=_url(),
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate a live database in one transaction."""
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                version_table=VERSION_TABLE,
                render_as_batch=sqlite,
                # SQLite runs DDL inside transactions too; all-or-nothing beats half a schema.
                transactional_ddl=True,
                compare_type=True,
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    # Workers starting together must not both run the same migration.
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
