"""Process items: created once per key, advanced by stage, found by stage."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from hub.store.process_items import advance, get_item, items_at, track_item


def test_an_item_is_created_once_and_advanced(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        _item, created = track_item(
            session, "p2p", "REQ-1", stage="proposed", run_key="r1", data={"qty": "5"}
        )
        assert created
    with sessions.begin() as session:
        again, created = track_item(session, "p2p", "REQ-1", stage="proposed", run_key="r2")
        assert not created
        assert again.run_key == "r1"
        advance(again, "approved", approval_id="A-9")
    with sessions.begin() as session:
        stored = get_item(session, "p2p", "REQ-1")
        assert stored is not None
        assert stored.stage == "approved"
        assert stored.data == {"qty": "5", "approval_id": "A-9"}
        assert [i.item_key for i in items_at(session, "p2p", ["approved"])] == ["REQ-1"]
        assert items_at(session, "p2p", "proposed") == []
        advance(stored, "closed", status="done")
    with sessions.begin() as session:
        assert items_at(session, "p2p", "closed") == []
        assert [i.item_key for i in items_at(session, "p2p", "closed", status=None)] == ["REQ-1"]


def test_concurrent_discovery_creates_one_item(sessions: sessionmaker[Session]) -> None:
    def discover(n: int) -> bool:
        with sessions.begin() as session:
            return track_item(session, "o2c", "ORDER-7", stage="new", run_key=f"r{n}")[1]

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(discover, range(8)))
    assert created.count(True) == 1
