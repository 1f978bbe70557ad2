"""Reference OMS through its HTTP API: auth, paging, idempotency, status machine, shipping."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

KEY = {"X-API-Key": "oms-demo-key"}
READONLY = {"X-API-Key": "oms-readonly-key"}


def http(method: str, url: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, url, timeout=10, **kwargs)


@pytest.fixture(scope="module")
def oms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    spec = get_spec("oms")
    url = f"sqlite:///{tmp_path_factory.mktemp('oms') / 'oms.db'}"
    spec.seed(url, World(seed=42, size="demo"))
    served = serve(spec.create_app(url), name="oms", port=0)
    yield served
    served.stop()


@pytest.fixture
def api(oms: ServedApp) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers.update(KEY)
        yield session


def new_order(ref: str | None = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "WEB",
        "channel_order_ref": ref or f"T-{uuid.uuid4().hex[:10]}",
        "customer_ref": "C999001",
        "customer_tier": "silver",
        "priority": "NORMAL",
        "currency": "EUR",
        "ship_to": {"city": "Berlin", "country": "DE"},
        "lines": [{"item_sku": f"SKU-{uuid.uuid4().hex[:8]}", "qty": 4, "unit_price_minor": 1250}],
    }
    body.update(overrides)
    return body


def create(api: requests.Session, oms: ServedApp, body: dict[str, Any]) -> dict[str, Any]:
    r = api.post(f"{oms.base_url}/orders", json=body)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def stock(api: requests.Session, oms: ServedApp, wh: str, sku: str, qty: int, seq: int) -> None:
    r = api.put(
        f"{oms.base_url}/inventory/{wh}/{sku}", json={"qty_available": qty, "as_of_seq": seq}
    )
    assert r.status_code == 200, r.text


# --- auth --------------------------------------------------------------------------------


def test_health_needs_no_key(oms: ServedApp) -> None:
    r = http("get", f"{oms.base_url}/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-the-key"}, {"X-API-Key": ""}])
def test_missing_or_wrong_key_is_401(oms: ServedApp, headers: dict[str, str]) -> None:
    for path in ("/orders", "/inventory", "/warehouses", "/customers"):
        r = http("get", f"{oms.base_url}{path}", headers=headers)
        assert r.status_code == 401, path
        assert r.json()["error"]["code"] == "unauthorized"
        assert "not-the-key" not in r.text
    r = http("post", f"{oms.base_url}/orders", json=new_order(), headers=headers)
    assert r.status_code == 401


def test_readonly_key_reads_but_gets_403_on_writes(oms: ServedApp) -> None:
    assert http("get", f"{oms.base_url}/orders", headers=READONLY).status_code == 200
    before = http("get", f"{oms.base_url}/orders/1", headers=KEY).json()
    total = http("get", f"{oms.base_url}/orders", headers=KEY).headers["X-Total-Count"]
    writes = [
        ("post", "/orders", new_order()),
        ("post", "/allocation/run", {}),
        ("put", "/inventory/WH-BER/X-1", {"qty_available": 1, "as_of_seq": 1}),
        ("post", "/orders/1/status", {"status": "CANCELLED"}),
    ]
    for method, path, body in writes:
        r = http(method, f"{oms.base_url}{path}", json=body, headers=READONLY)
        assert r.status_code == 403, path
        assert r.json()["error"]["code"] == "forbidden"
    # nothing was written
    assert http("get", f"{oms.base_url}/orders/1", headers=KEY).json() == before
    assert http("get", f"{oms.base_url}/orders", headers=KEY).headers["X-Total-Count"] == total


def test_api_key_can_be_overridden_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REF_OMS_API_KEY", "another-key-123")
    served = serve(get_spec("oms").create_app(f"sqlite:///{tmp_path / 'o.db'}"), name="oms")
    try:
        url = f"{served.base_url}/orders"
        assert http("get", url, headers=KEY).status_code == 401
        assert http("get", url, headers={"X-API-Key": "another-key-123"}).status_code == 200
    finally:
        served.stop()


# --- lists -------------------------------------------------------------------------------


def test_link_paging_reads_every_order_once_while_orders_arrive(
    api: requests.Session, oms: ServedApp
) -> None:
    first = api.get(f"{oms.base_url}/orders", params={"limit": 1})
    before = int(first.headers["X-Total-Count"])
    assert before >= 60
    existing_ids = set()
    offset = 0
    while offset < before:
        page = api.get(f"{oms.base_url}/orders", params={"limit": 100, "offset": offset}).json()
        existing_ids |= {o["id"] for o in page}
        offset += 100
    assert len(existing_ids) == before

    seen: list[int] = []
    url: str | None = f"{oms.base_url}/orders?limit=7"
    pages = 0
    while url:
        r = api.get(url)
        assert r.status_code == 200
        assert "first" in r.links
        assert "last" in r.links
        if pages > 0:
            assert "prev" in r.links
        seen.extend(o["id"] for o in r.json())
        # another channel keeps sending orders while we page
        create(api, oms, new_order())
        url = r.links.get("next", {}).get("url")
        pages += 1
    assert len(seen) == len(set(seen)), "an order was read twice"
    assert existing_ids <= set(seen), "an order was skipped"
    assert pages > before // 7


def test_list_is_ordered_by_updated_at_then_id(api: requests.Session, oms: ServedApp) -> None:
    rows = api.get(f"{oms.base_url}/orders", params={"limit": 500}).json()
    keys = [(datetime.fromisoformat(o["updated_at"]), o["id"]) for o in rows]
    assert keys == sorted(keys)
    assert all(k[0].tzinfo is not None for k in keys)


def test_updated_since_is_inclusive_and_finds_changes(
    api: requests.Session, oms: ServedApp
) -> None:
    rows = api.get(f"{oms.base_url}/orders", params={"limit": 500}).json()
    pivot = rows[10]
    r = api.get(
        f"{oms.base_url}/orders", params={"updated_since": pivot["updated_at"], "limit": 500}
    )
    since = r.json()
    assert since[0]["id"] == pivot["id"]
    assert [o["id"] for o in since] == [o["id"] for o in rows[10:]]
    assert int(r.headers["X-Total-Count"]) == len(rows) - 10

    mark = datetime.now(UTC).isoformat()
    changed = rows[0]["id"]
    assert (
        api.post(
            f"{oms.base_url}/orders/{changed}/status", json={"status": "CANCELLED"}
        ).status_code
        == 200
    )
    later = api.get(f"{oms.base_url}/orders", params={"updated_since": mark}).json()
    assert [o["id"] for o in later] == [changed]
    assert later[0]["version"] == rows[0]["version"] + 1


def test_updated_since_without_offset_is_422(api: requests.Session, oms: ServedApp) -> None:
    r = api.get(f"{oms.base_url}/orders", params={"updated_since": "2025-01-01T00:00:00"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "updated_since"


# --- create ------------------------------------------------------------------------------


def test_create_is_idempotent_by_channel_and_reference(
    api: requests.Session, oms: ServedApp
) -> None:
    body = new_order()
    first = api.post(f"{oms.base_url}/orders", json=body)
    again = api.post(f"{oms.base_url}/orders", json=body)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    total = api.get(
        f"{oms.base_url}/orders", params={"customer_ref": body["customer_ref"], "limit": 500}
    ).json()
    assert [o["channel_order_ref"] for o in total].count(body["channel_order_ref"]) == 1

    changed = {**body, "priority": "URGENT"}
    clash = api.post(f"{oms.base_url}/orders", json=changed)
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "idempotency_conflict"

    other_channel = api.post(f"{oms.base_url}/orders", json={**body, "channel": "EDI"})
    assert other_channel.status_code == 201
    assert other_channel.json()["id"] != first.json()["id"]


def test_created_order_has_native_shape(api: requests.Session, oms: ServedApp) -> None:
    body = new_order(ship_to={"city": "Lyon", "country": "FR", "postal_code": "69001"})
    order = create(api, oms, body)
    assert order["status"] == "NEW"
    assert order["lines"][0]["unit_price_minor"] == 1250
    assert order["total_minor"] == 4 * 1250
    assert order["ship_to"]["latitude"] == pytest.approx(45.76, abs=0.5)
    assert order["ship_to"]["longitude"] == pytest.approx(4.84, abs=0.5)
    assert "." in order["created_at"]
    assert order["created_at"].endswith("+00:00")
    by_ref = api.get(f"{oms.base_url}/orders/by-ref/WEB/{body['channel_order_ref']}")
    assert by_ref.json()["id"] == order["id"]


def test_tier_comes_from_the_customer_when_not_given(api: requests.Session, oms: ServedApp) -> None:
    ref = f"C-{uuid.uuid4().hex[:6]}"
    r = api.put(
        f"{oms.base_url}/customers/{ref}", json={"name": "Gold Co", "tier": "gold", "country": "DE"}
    )
    assert r.status_code == 200
    body = new_order(customer_ref=ref)
    del body["customer_tier"]
    assert create(api, oms, body)["customer_tier"] == "gold"


def test_seeded_orders_carry_the_world_customer_tier(api: requests.Session, oms: ServedApp) -> None:
    world = World(seed=42, size="demo")
    wanted = {o.number: o for o in world.orders()}
    rows = api.get(f"{oms.base_url}/orders", params={"limit": 500}).json()
    seeded = [o for o in rows if o["channel_order_ref"] in wanted]
    assert len(seeded) == len(wanted)
    for order in seeded[:10]:
        source = wanted[order["channel_order_ref"]]
        assert order["customer_ref"] == source.customer_number
        number = int(source.customer_number[1:]) - 100000
        assert order["customer_tier"] == world.customer(number).tier
        assert order["priority"] == source.priority.upper()
        assert [ln["item_sku"] for ln in order["lines"]] == [ln.sku for ln in source.lines]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"item_sku": "A-1", "qty": 0, "unit_price_minor": 1}]}, "lines.0.qty"),
        ({"channel": "FAX"}, "channel"),
        ({"currency": "euro"}, "currency"),
        ({"ship_to": {"city": "Nowhere", "country": "ZZ"}}, "ship_to.latitude"),
        ({"ordered_at": "2025-01-01T10:00:00"}, "ordered_at"),
    ],
)
def test_bad_order_is_422_naming_the_field(
    api: requests.Session, oms: ServedApp, change: dict[str, Any], field: str
) -> None:
    r = api.post(f"{oms.base_url}/orders", json=new_order(**change))
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["field"] == field


# --- status machine and fulfilment -------------------------------------------------------


def test_illegal_transition_is_409_naming_both_states(
    api: requests.Session, oms: ServedApp
) -> None:
    order = create(api, oms, new_order())
    r = api.post(f"{oms.base_url}/orders/{order['id']}/status", json={"status": "RELEASED"})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "illegal_transition"
    assert "NEW" in error["message"]
    assert "RELEASED" in error["message"]
    r = api.post(f"{oms.base_url}/orders/{order['id']}/status", json={"status": "CANCELLED"})
    assert r.json()["status"] == "CANCELLED"
    r = api.post(f"{oms.base_url}/orders/{order['id']}/status", json={"status": "CLOSED"})
    assert r.status_code == 409
    assert "CANCELLED" in r.json()["error"]["message"]
    assert "CLOSED" in r.json()["error"]["message"]
    r = api.post(f"{oms.base_url}/orders/{order['id']}/status", json={"status": "SHIPPED"})
    assert r.status_code == 422


def test_cancelling_an_allocated_order_gives_stock_back(
    api: requests.Session, oms: ServedApp
) -> None:
    body = new_order()
    sku = body["lines"][0]["item_sku"]
    stock(api, oms, "WH-BER", sku, 10, 1)
    order = create(api, oms, body)
    run = api.post(f"{oms.base_url}/allocation/run", json={"order_ids": [order["id"]]})
    assert run.json()["orders"][0]["status"] == "ALLOCATED"
    assert api.get(f"{oms.base_url}/inventory/WH-BER/{sku}").json()["qty_available"] == 6
    api.post(f"{oms.base_url}/orders/{order['id']}/status", json={"status": "CANCELLED"})
    assert api.get(f"{oms.base_url}/inventory/WH-BER/{sku}").json()["qty_available"] == 10


def test_shipment_confirmation_moves_order_to_shipped_then_invoiced(
    api: requests.Session, oms: ServedApp
) -> None:
    body = new_order()
    body["lines"][0]["qty"] = 5
    sku = body["lines"][0]["item_sku"]
    stock(api, oms, "WH-BER", sku, 5, 1)
    order = create(api, oms, body)
    oid = order["id"]
    ship: dict[str, Any] = {
        "shipment_ref": f"SH-{uuid.uuid4().hex[:8]}",
        "order_id": oid,
        "warehouse": "WH-BER",
        "tracking": "1Z999",
        "lines": [{"line_no": 1, "qty": 2}],
    }
    # not yet released to the warehouse: cannot have shipped
    early = api.post(f"{oms.base_url}/shipments", json=ship)
    assert early.status_code == 409
    assert "NEW" in early.json()["error"]["message"]

    api.post(f"{oms.base_url}/orders/{oid}/allocate")
    released = api.post(f"{oms.base_url}/orders/{oid}/status", json={"status": "RELEASED"})
    assert released.json()["status"] == "RELEASED"

    r = api.post(f"{oms.base_url}/shipments", json=ship)
    assert r.status_code == 201, r.text
    assert r.json()["order_status"] == "PARTIALLY_SHIPPED"
    replay = api.post(f"{oms.base_url}/shipments", json=ship)
    assert replay.status_code == 200
    assert api.get(f"{oms.base_url}/orders/{oid}").json()["lines"][0]["qty_shipped"] == 2

    too_many = {
        **ship,
        "shipment_ref": "SH-X" + ship["shipment_ref"],
        "lines": [{"line_no": 1, "qty": 4}],
    }
    r = api.post(f"{oms.base_url}/shipments", json=too_many)
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "lines.0.qty"

    rest = {
        **ship,
        "shipment_ref": ship["shipment_ref"] + "-2",
        "lines": [{"line_no": 1, "qty": 3}],
    }
    r = api.post(f"{oms.base_url}/shipments", json=rest)
    assert r.json()["order_status"] == "SHIPPED"
    shipped = api.get(f"{oms.base_url}/orders/{oid}").json()
    assert shipped["status"] == "SHIPPED"
    assert shipped["lines"][0]["qty_shipped"] == 5
    assert len(api.get(f"{oms.base_url}/orders/{oid}/shipments").json()) == 2

    invoiced = api.post(f"{oms.base_url}/orders/{oid}/invoice", json={"invoice_number": "INV-1"})
    assert invoiced.json()["status"] == "INVOICED"
    again = api.post(f"{oms.base_url}/orders/{oid}/invoice", json={"invoice_number": "INV-1"})
    assert again.status_code == 200
    closed = api.post(f"{oms.base_url}/orders/{oid}/status", json={"status": "CLOSED"})
    assert closed.json()["status"] == "CLOSED"


def test_invoice_before_shipping_is_409(api: requests.Session, oms: ServedApp) -> None:
    order = create(api, oms, new_order())
    r = api.post(f"{oms.base_url}/orders/{order['id']}/invoice", json={"invoice_number": "I-9"})
    assert r.status_code == 409
    assert "INVOICED" in r.json()["error"]["message"]


def test_unknown_order_is_404(api: requests.Session, oms: ServedApp) -> None:
    r = api.get(f"{oms.base_url}/orders/99999999")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
