"""Fixtures for sync engine tests: a migrated SQLite state store and flow builders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from sync_fakes import NOW, clock_at

from hub.settings import get_settings, state_store_url
from hub.store import make_engine, make_session_factory, migrate
from hub.sync import FlowContext, RunOptions, RunResult, run_flow


@pytest.fixture
def sessions(hub_data_dir: str) -> Iterator[sessionmaker[Session]]:
    url = state_store_url(get_settings())
    migrate.upgrade(url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def run(sessions: sessionmaker[Session]) -> Callable[..., RunResult]:
    """Run a flow context with a fixed clock well after the fake records' timestamps."""

    def _run(ctx: FlowContext, **options: Any) -> RunResult:
        options.setdefault("clock", clock_at(NOW))
        return run_flow(sessions, ctx, RunOptions(**options))

    return _run
