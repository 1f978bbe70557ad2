"""Identity and control numbers stay exact when many workers hit the same keys at once."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.store import Xref, current_control_number, next_control_number, populate_or_lookup


def hammer(
    sessions: sessionmaker[Session], workers: int, calls: int, keys: int
) -> tuple[list[tuple[str, str]], list[int]]:
    """Each worker asks for the identity of the same keys in the same order, and numbers."""
    start = threading.Barrier(workers)

    def work(worker: int) -> tuple[list[tuple[str, str]], list[int]]:
        identities: list[tuple[str, str]] = []
        numbers: list[int] = []
        start.wait()
        for call in range(calls):
            key = f"C-{call % keys}"
            with sessions.begin() as session:
                identities.append((key, populate_or_lookup(session, "customer", "crm", key)))
            with sessions.begin() as session:
                numbers.append(next_control_number(session, "acme", "interchange"))
        return identities, numbers

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = [future.result() for future in [pool.submit(work, w) for w in range(workers)]]
    identities = [pair for found, _ in results for pair in found]
    numbers = [number for _, found in results for number in found]
    return identities, numbers


def check(
    engine: Engine,
    sessions: sessionmaker[Session],
    identities: list[tuple[str, str]],
    numbers: list[int],
    keys: int,
) -> None:
    by_key: defaultdict[str, set[str]] = defaultdict(set)
    for key, canonical_id in identities:
        by_key[key].add(canonical_id)
    assert len(by_key) == keys
    assert all(len(ids) == 1 for ids in by_key.values()), "a key got two canonical ids"
    assert len({ids.pop() for ids in by_key.values()}) == keys
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Xref)) == keys
        assert current_control_number(session, "acme", "interchange") == len(numbers)
    assert sorted(numbers) == list(range(1, len(numbers) + 1)), "duplicate or missing number"


@pytest.mark.postgres
@pytest.mark.slow
def test_eight_workers_on_postgresql(postgres_url: str) -> None:
    from hub.store import make_engine, make_session_factory, migrate

    migrate.upgrade(postgres_url)
    engine = make_engine(postgres_url)
    try:
        sessions = make_session_factory(engine)
        # Every worker races to create each of 250 keys, then looks each up once more.
        identities, numbers = hammer(sessions, workers=8, calls=500, keys=250)
        check(engine, sessions, identities, numbers, keys=250)
    finally:
        engine.dispose()


def test_four_workers_on_sqlite(hub_data_dir: str) -> None:
    from hub.store import make_engine, make_session_factory, migrate

    url = f"sqlite:///{hub_data_dir}/hub.db"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        sessions = make_session_factory(engine)
        identities, numbers = hammer(sessions, workers=4, calls=100, keys=40)
        check(engine, sessions, identities, numbers, keys=40)
    finally:
        engine.dispose()
