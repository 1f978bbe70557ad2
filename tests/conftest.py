"""Fixtures shared by the whole suite: local services and their per-run databases.

A test that needs PostgreSQL, Redis or sshd is skipped with a reason when the service is
absent, unless ``HUB_REQUIRE_SERVICES=1`` (as CI sets), which turns the skip into a failure
so that CI can never pass by quietly not running them.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_HOST = os.environ.get("HUB_TEST_PG_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("HUB_TEST_PG_PORT", "5432"))
POSTGRES_ADMIN_DB = os.environ.get("HUB_TEST_PG_DB", "test")
REDIS_PORT = int(os.environ.get("HUB_TEST_REDIS_PORT", "6379"))


def services_required() -> bool:
    return os.environ.get("HUB_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def need_service(name: str, available: bool, how: str) -> None:
    """Skip (or, under HUB_REQUIRE_SERVICES, fail) when a service is missing."""
    if available:
        return
    message = f"{name} is not available ({how})"
    if services_required():
        pytest.fail(f"{message}, and HUB_REQUIRE_SERVICES is set")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """Admin URL of the local PostgreSQL server, or skip."""
    need_service(
        "PostgreSQL",
        port_open(POSTGRES_HOST, POSTGRES_PORT),
        f"nothing listens on {POSTGRES_HOST}:{POSTGRES_PORT}",
    )
    return f"postgresql+psycopg2://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{POSTGRES_ADMIN_DB}"


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa

    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    need_service("Redis", port_open("127.0.0.1", REDIS_PORT), f"nothing listens on :{REDIS_PORT}")
    return f"redis://127.0.0.1:{REDIS_PORT}/15"


@pytest.fixture
def hub_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty hub data directory, with HUB_DATA_DIR pointing at it."""
    path = str(tmp_path)
    monkeypatch.setenv("HUB_DATA_DIR", path)
    monkeypatch.delenv("HUB_DATABASE_URL", raising=False)
    return path
