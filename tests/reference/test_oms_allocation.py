"""Reference OMS allocation rules, exercised through its HTTP API on loopback."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

KEY = {"X-API-Key": "oms-demo-key"}
BERLIN = {"city": "Berlin", "country": "DE", "latitude": 52.52, "longitude": 13.40}
AMSTERDAM = {"city": "Amsterdam", "country": "NL", "latitude": 52.37, "longitude": 4.90}
LYON = {"city": "Lyon", "country": "FR", "latitude": 45.76, "longitude": 4.84}


@pytest.fixture(scope="module")
def oms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    spec = get_spec("oms")
    url = f"sqlite:///{tmp_path_factory.mktemp('oms') / 'oms.db'}"
    spec.seed(url, World(seed=42, size="demo"))
    served = serve(spec.create_app(url), name="oms", port=0)
    yield served
    served.stop()


class Oms:
    """A thin client over the OMS API for these tests."""

    def __init__(self, served: ServedApp, session: requests.Session):
        self.base = served.base_url
        self.http = session
        self.seq = 0

    def warehouses(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.http.get(f"{self.base}/warehouses").json()
        return rows

    def stock(self, sku: str, **qty_by_warehouse: int) -> None:
        self.seq += 1
        updates = [
            {"warehouse": wh, "item_sku": sku, "qty_available": qty, "as_of_seq": self.seq}
            for wh, qty in qty_by_warehouse.items()
        ]
        r = self.http.post(f"{self.base}/inventory/batch", json={"updates": updates})
        assert r.status_code == 200, r.text

    def atp(self, warehouse: str, sku: str) -> int:
        qty: int = self.http.get(f"{self.base}/inventory/{warehouse}/{sku}").json()["qty_available"]
        return qty

    def order(
        self,
        lines: list[tuple[str, int]],
        *,
        priority: str = "NORMAL",
        tier: str = "silver",
        ship_to: dict[str, Any] | None = None,
        ordered_at: datetime | None = None,
    ) -> int:
        body: dict[str, Any] = {
            "channel": "MARKETPLACE",
            "channel_order_ref": f"MP-{uuid.uuid4().hex[:10]}",
            "customer_ref": f"C-{tier}",
            "customer_tier": tier,
            "priority": priority,
            "currency": "EUR",
            "ship_to": ship_to or BERLIN,
            "lines": [{"item_sku": sku, "qty": qty, "unit_price_minor": 999} for sku, qty in lines],
        }
        if ordered_at is not None:
            body["ordered_at"] = ordered_at.isoformat()
        r = self.http.post(f"{self.base}/orders", json=body)
        assert r.status_code == 201, r.text
        order_id: int = r.json()["id"]
        return order_id

    def run(self, order_ids: list[int], as_of: date | None = None) -> dict[int, dict[str, Any]]:
        body: dict[str, Any] = {"order_ids": order_ids}
        if as_of is not None:
            body["as_of_date"] = as_of.isoformat()
        r = self.http.post(f"{self.base}/allocation/run", json=body)
        assert r.status_code == 200, r.text
        return {row["order_id"]: row for row in r.json()["orders"]}

    def get(self, order_id: int) -> dict[str, Any]:
        order: dict[str, Any] = self.http.get(f"{self.base}/orders/{order_id}").json()
        return order


@pytest.fixture
def oms_api(oms: ServedApp) -> Iterator[Oms]:
    with requests.Session() as session:
        session.headers.update(KEY)
        yield Oms(oms, session)


def sku() -> str:
    return f"ALLOC-{uuid.uuid4().hex[:8]}"


def km(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Haversine, written again here so the test does not trust the system's own."""
    p1, p2 = math.radians(a["latitude"]), math.radians(b["latitude"])
    dp, dl = p2 - p1, math.radians(b["longitude"] - a["longitude"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def by_distance(oms_api: Oms, ship_to: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(oms_api.warehouses(), key=lambda w: km(ship_to, w))


def allocations(order: dict[str, Any], line: int = 0) -> dict[str, int]:
    return {a["warehouse"]: a["qty"] for a in order["lines"][line]["allocations"]}


def test_urgent_order_placed_later_gets_scarce_stock_first(oms_api: Oms) -> None:
    item = sku()
    oms_api.stock(item, **{"WH-BER": 5})
    t0 = datetime.now(UTC) - timedelta(hours=1)
    normal = oms_api.order([(item, 5)], priority="NORMAL", ordered_at=t0)
    urgent = oms_api.order([(item, 5)], priority="URGENT", ordered_at=t0 + timedelta(minutes=30))
    results = oms_api.run([normal, urgent])
    assert list(results) == [urgent, normal]
    assert results[urgent]["status"] == "ALLOCATED"
    assert results[normal]["status"] == "BACKORDERED"
    assert allocations(oms_api.get(urgent)) == {"WH-BER": 5}
    assert allocations(oms_api.get(normal)) == {}
    assert oms_api.get(normal)["lines"][0]["qty_backordered"] == 5


def test_gold_customer_beats_bronze_and_earlier_beats_later(oms_api: Oms) -> None:
    item = sku()
    oms_api.stock(item, **{"WH-BER": 4})
    t0 = datetime.now(UTC) - timedelta(hours=2)
    bronze = oms_api.order([(item, 2)], tier="bronze", ordered_at=t0)
    gold_late = oms_api.order([(item, 2)], tier="gold", ordered_at=t0 + timedelta(minutes=20))
    gold_early = oms_api.order([(item, 2)], tier="gold", ordered_at=t0 + timedelta(minutes=10))
    results = oms_api.run([bronze, gold_late, gold_early])
    assert list(results) == [gold_early, gold_late, bronze]
    assert results[gold_early]["status"] == "ALLOCATED"
    assert results[gold_late]["status"] == "ALLOCATED"
    assert results[bronze]["status"] == "BACKORDERED"


def test_line_is_split_across_two_warehouses_nearest_first(oms_api: Oms) -> None:
    near, second, far = (w["code"] for w in by_distance(oms_api, BERLIN))
    item = sku()
    oms_api.stock(item, **{near: 3, second: 4, far: 100})
    order_id = oms_api.order([(item, 6)], ship_to=BERLIN)
    assert oms_api.run([order_id])[order_id]["status"] == "ALLOCATED"
    assert allocations(oms_api.get(order_id)) == {near: 3, second: 3}
    assert oms_api.atp(near, item) == 0
    assert oms_api.atp(second, item) == 1
    assert oms_api.atp(far, item) == 100


def test_remainder_is_backordered_and_filled_by_a_later_run(oms_api: Oms) -> None:
    codes = [w["code"] for w in by_distance(oms_api, BERLIN)]
    item = sku()
    oms_api.stock(item, **{codes[0]: 3, codes[1]: 4})
    order_id = oms_api.order([(item, 10)], ship_to=BERLIN)
    result = oms_api.run([order_id])[order_id]
    assert result["status"] == "PARTIALLY_ALLOCATED"
    assert (result["qty_allocated"], result["qty_backordered"]) == (7, 3)
    line = oms_api.get(order_id)["lines"][0]
    assert (line["qty_allocated"], line["qty_backordered"]) == (7, 3)

    oms_api.stock(item, **{codes[2]: 5})
    again = oms_api.run([order_id])[order_id]
    assert again["status"] == "ALLOCATED"
    assert allocations(oms_api.get(order_id)) == {codes[0]: 3, codes[1]: 4, codes[2]: 3}
    assert oms_api.atp(codes[2], item) == 2


def test_nothing_in_stock_is_backordered_without_a_promise(oms_api: Oms) -> None:
    order_id = oms_api.order([(sku(), 2)])
    result = oms_api.run([order_id])[order_id]
    assert result["status"] == "BACKORDERED"
    assert result["promised_date"] is None


@pytest.mark.parametrize("ship_to", [BERLIN, AMSTERDAM, LYON], ids=["berlin", "amsterdam", "lyon"])
def test_nearest_warehouse_with_stock_is_preferred(oms_api: Oms, ship_to: dict[str, Any]) -> None:
    ranked = by_distance(oms_api, ship_to)
    item = sku()
    oms_api.stock(item, **{w["code"]: 50 for w in ranked})
    order_id = oms_api.order([(item, 5)], ship_to=ship_to)
    oms_api.run([order_id])
    assert allocations(oms_api.get(order_id)) == {ranked[0]["code"]: 5}


def test_nearest_warehouses_differ_by_destination(oms_api: Oms) -> None:
    nearest = {by_distance(oms_api, s)[0]["code"] for s in (BERLIN, AMSTERDAM, LYON)}
    assert len(nearest) == 3, "destinations must exercise different warehouses"


def test_promised_date_is_lead_time_plus_transit_of_the_slowest_warehouse(oms_api: Oms) -> None:
    ranked = by_distance(oms_api, LYON)
    item = sku()
    oms_api.stock(item, **{ranked[0]["code"]: 2, ranked[2]["code"]: 10})
    order_id = oms_api.order([(item, 6)], ship_to=LYON)
    as_of = date(2030, 3, 1)
    result = oms_api.run([order_id], as_of=as_of)[order_id]

    def ready(w: dict[str, Any]) -> int:
        return int(w["lead_time_days"]) + 1 + int(km(LYON, w) // 500)

    expected = as_of + timedelta(days=max(ready(ranked[0]), ready(ranked[2])))
    assert result["promised_date"] == expected.isoformat()
    order = oms_api.get(order_id)
    assert order["promised_date"] == expected.isoformat()
    by_code = {a["warehouse"]: a for a in order["lines"][0]["allocations"]}
    assert by_code[ranked[2]["code"]]["distance_km"] == round(km(LYON, ranked[2]))


def test_stale_inventory_push_is_ignored(oms_api: Oms) -> None:
    item = sku()
    url = f"{oms_api.base}/inventory/WH-RTM/{item}"
    first = oms_api.http.put(url, json={"qty_available": 10, "as_of_seq": 5}).json()
    assert first["applied"] is True
    stale = oms_api.http.put(url, json={"qty_available": 99, "as_of_seq": 4}).json()
    assert stale["applied"] is False
    assert stale["qty_available"] == 10
    batch = oms_api.http.post(
        f"{oms_api.base}/inventory/batch",
        json={
            "updates": [
                {"warehouse": "WH-RTM", "item_sku": item, "qty_available": 1, "as_of_seq": 5},
                {"warehouse": "WH-RTM", "item_sku": item, "qty_available": 7, "as_of_seq": 6},
            ]
        },
    ).json()
    assert (batch["applied"], batch["ignored_stale"]) == (1, 1)
    assert oms_api.atp("WH-RTM", item) == 7


def test_inventory_push_to_unknown_warehouse_is_rejected(oms_api: Oms) -> None:
    r = oms_api.http.put(
        f"{oms_api.base}/inventory/WH-NOPE/X-1", json={"qty_available": 1, "as_of_seq": 1}
    )
    assert r.status_code == 404
    r = oms_api.http.post(
        f"{oms_api.base}/inventory/batch",
        json={
            "updates": [
                {"warehouse": "WH-NOPE", "item_sku": "X", "qty_available": 1, "as_of_seq": 1}
            ]
        },
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "updates.0.warehouse"
    r = oms_api.http.put(
        f"{oms_api.base}/inventory/WH-BER/X-1", json={"qty_available": -1, "as_of_seq": 1}
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "qty_available"


def test_allocating_a_released_order_is_409(oms_api: Oms) -> None:
    item = sku()
    oms_api.stock(item, **{"WH-BER": 3})
    order_id = oms_api.order([(item, 3)])
    oms_api.run([order_id])
    oms_api.http.post(f"{oms_api.base}/orders/{order_id}/status", json={"status": "RELEASED"})
    r = oms_api.http.post(f"{oms_api.base}/orders/{order_id}/allocate")
    assert r.status_code == 409
    assert "RELEASED" in r.json()["error"]["message"]


def test_full_run_allocates_the_seeded_orders_deterministically(oms_api: Oms) -> None:
    seeded = oms_api.http.get(
        f"{oms_api.base}/orders", params={"status": "NEW", "limit": 500}
    ).json()
    seeded = [o for o in seeded if o["channel_order_ref"].startswith("SO-")]
    assert len(seeded) == 60
    r = oms_api.http.post(f"{oms_api.base}/allocation/run", json={})
    results = {row["order_id"]: row for row in r.json()["orders"]}
    assert {o["id"] for o in seeded} <= set(results)
    rank = {"URGENT": 0, "HIGH": 1, "NORMAL": 2, "LOW": 3}
    tiers = {"gold": 0, "silver": 1, "bronze": 2}
    expected = sorted(
        seeded,
        key=lambda o: (rank[o["priority"]], tiers[o["customer_tier"]], o["ordered_at"], o["id"]),
    )
    served_order = [oid for oid in results if oid in {o["id"] for o in seeded}]
    assert served_order == [o["id"] for o in expected]
    for order in seeded:
        after = oms_api.get(order["id"])
        assert after["status"] in ("ALLOCATED", "PARTIALLY_ALLOCATED", "BACKORDERED")
        assert (after["promised_date"] is None) == (after["status"] == "BACKORDERED")
    again = oms_api.http.post(f"{oms_api.base}/allocation/run", json={}).json()["orders"]
    assert all(row["status"] != "ALLOCATED" for row in again)
