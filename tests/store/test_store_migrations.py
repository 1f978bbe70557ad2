"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.store import make_engine, make_session_factory, migrate, populate_or_lookup


def test_upgrade_reaches_head_and_matches_models(store_url: str) -> None:
    assert migrate.head() is not None
    assert migrate.current(store_url) == migrate.head()
    assert migrate.schema_diff(store_url) == []


def test_upgrade_again_is_a_no_op_that_keeps_data(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        with make_session_factory(engine).begin() as session:
            before = populate_or_lookup(session, "customer", "crm", "C-1")
        migrate.upgrade(store_url)
        migrate.upgrade(store_url)
        with make_session_factory(engine).begin() as session:
            after = populate_or_lookup(session, "customer", "crm", "C-1")
    finally:
        engine.dispose()
    assert after == before
    assert migrate.current(store_url) == migrate.head()


def test_schema_diff_reports_drift(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP INDEX ix_runs_flow_started_at"))
    finally:
        engine.dispose()
    diffs = migrate.schema_diff(store_url)
    assert any(
        diff[0] == "add_index" and diff[1].name == "ix_runs_flow_started_at" for diff in diffs
    )


def test_unmigrated_database_has_no_revision(tmp_path: Path) -> None:
    assert migrate.current(f"sqlite:///{tmp_path / 'empty.db'}") is None


def test_upgrade_without_url_uses_sqlite_in_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "not" / "yet" / "there"
    monkeypatch.setenv("HUB_DATA_DIR", str(data_dir))
    monkeypatch.delenv("HUB_DATABASE_URL", raising=False)
    migrate.upgrade()
    assert (data_dir / "hub.db").is_file()
    assert migrate.current() == migrate.head()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(hub_data_dir: str) -> None:
    engine = make_engine(f"sqlite:///{hub_data_dir}/hub.db", busy_timeout_ms=1234)
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA busy_timeout").scalar() == 1234
            assert pragma("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_bare_postgresql_url_uses_psycopg2(postgres_url: str) -> None:
    bare = postgres_url.replace("postgresql+psycopg2://", "postgresql://")
    engine = make_engine(bare)
    try:
        assert engine.dialect.driver == "psycopg2"
        migrate.upgrade(bare)
        assert migrate.current(postgres_url) == migrate.head()
    finally:
        engine.dispose()


def test_other_databases_are_refused() -> None:
    from hub.store import UnsupportedDatabaseError

    with pytest.raises(UnsupportedDatabaseError, match="mysql"):
        make_engine("mysql://user@localhost/hub")
