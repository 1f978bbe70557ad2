"""The sync engine's bulk state writes, on SQLite and PostgreSQL: intents, links, keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.store.hashes import get_hashes, set_hashes
from hub.store.intents import PlannedCreate, add_intents, close_intents, open_intents
from hub.sync.matchindex import candidates_by_key, replace_many
from hub.sync.xrefs import canonical_ids, link_many, system_ids

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def plan(cid: str, key: str, *tax: str) -> PlannedCreate:
    return PlannedCreate(cid, key, {"tax_id": list(tax)})


def test_intents_open_keep_their_age_and_close(sessions) -> None:
    where = {"flow": "f", "entity": "Customer", "target_system": "erp", "target_entity": "c"}
    with sessions.begin() as session:
        add_intents(session, partition="", creates=[plan("c1", "k1", "de1")], now=T0, **where)
    with sessions.begin() as session:
        later = T0 + timedelta(minutes=1)
        creates = [plan("c1", "k1b", "de1x"), plan("c2", "k2", "de2")]
        add_intents(session, partition="", creates=creates, now=later, **where)
        add_intents(session, partition="1/2", creates=[plan("c3", "k3")], now=later, **where)
    with sessions() as session:
        rows = open_intents(session, "f", "")
        assert [(r.canonical_id, r.idempotency_key, r.created_at) for r in rows] == [
            ("c1", "k1b", T0),
            ("c2", "k2", T0 + timedelta(minutes=1)),
        ]
        assert rows[0].keys == {"tax_id": ["de1x"]}
    with sessions.begin() as session:
        close_intents(session, "f", "", ["c1", "c2", "c3"])
    with sessions() as session:
        assert open_intents(session, "f", "") == []
        assert [r.canonical_id for r in open_intents(session, "f", "1/2")] == ["c3"]


def test_links_in_bulk_report_each_clash(sessions) -> None:
    with sessions.begin() as session:
        assert link_many(session, "Customer", "erp", [("c1", "E1"), ("c2", "E2")]) == {}
    with sessions.begin() as session:
        clashes = link_many(
            session,
            "Customer",
            "erp",
            [("c1", "E1"), ("c3", "E1"), ("c2", "E9"), ("c4", "E4"), ("c5", "E4")],
        )
        assert sorted(clashes) == [("c2", "E9"), ("c3", "E1"), ("c5", "E4")]
        assert clashes[("c3", "E1")].existing_canonical_id == "c1"
        assert clashes[("c2", "E9")].existing_system_id == "E2"
    with sessions() as session:
        assert canonical_ids(session, "Customer", "erp", ["E1", "E4", "E9"]) == {
            "E1": "c1",
            "E4": "c4",
        }
        assert system_ids(session, "Customer", "erp", ["c1", "c2", "c5"]) == {
            "c1": "E1",
            "c2": "E2",
        }


def test_match_keys_are_replaced_per_record(sessions) -> None:
    with sessions.begin() as session:
        replace_many(
            session, "Customer", {"c1": {"tax_id": {"de1", "de2"}}, "c2": {"tax_id": {"de2"}}}
        )
    with sessions.begin() as session:
        replace_many(session, "Customer", {"c1": {"tax_id": {"de3"}}})
    with sessions() as session:
        found = candidates_by_key(session, "Customer", "tax_id", ["de1", "de2", "de3"])
    assert found == {"de2": {"c2"}, "de3": {"c1"}}


def test_hashes_of_a_batch_are_upserted(sessions) -> None:
    with sessions.begin() as session:
        set_hashes(session, "erp", "Customer", {"c1": "sha256:a", "c2": "sha256:b"})
    with sessions.begin() as session:
        set_hashes(session, "erp", "Customer", {"c1": "sha256:c"})
    with sessions() as session:
        assert get_hashes(session, "erp", "Customer", ["c1", "c2", "c3"]) == {
            "c1": "sha256:c",
            "c2": "sha256:b",
        }
