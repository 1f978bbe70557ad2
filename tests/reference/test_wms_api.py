"""The reference WMS through its HTTP API: auth, items, ledger, inbound, outbound, paging."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World
from reference.wms.sscc import build_sscc

OPERATOR = ("hub", "wms-demo-secret")
VIEWER = ("viewer", "wms-viewer")


@pytest.fixture(scope="module")
def wms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    spec = get_spec("wms")
    url = f"sqlite:///{tmp_path_factory.mktemp('wms') / 'wms.db'}"
    spec.seed(url, World(seed=42, size="demo"))
    served = serve(spec.create_app(url), name="wms", port=0)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def api(wms: ServedApp) -> Iterator[Api]:
    with requests.Session() as session:
        session.auth = OPERATOR
        yield Api(wms.base_url, session)


class Api:
    """A thin client: ``api.post("/x", json=...)`` against the served WMS."""

    def __init__(self, base_url: str, session: requests.Session) -> None:
        self.base_url = base_url
        self.session = session

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=10, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.post(self.base_url + path, timeout=10, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.put(self.base_url + path, timeout=10, **kwargs)

    def all_pages(self, path: str, page_size: int = 100, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.get(path, params={**params, "page": page, "page_size": page_size}).json()
            items.extend(body["items"])
            if page >= body["total_pages"]:
                return items
            page += 1


def new_code(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def gs1_ok(number: str) -> bool:
    """Independent GS1 mod-10 check: weights 3,1,3,... from the right, excluding the check."""
    digits = [int(d) for d in number]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


def make_item(api: Api, *, lot_tracked: bool) -> str:
    code = new_code("T")
    r = api.put(f"/items/{code}", json={"descr": f"test item {code}", "lot_tracked": lot_tracked})
    assert r.status_code == 201, r.text
    return code


def receive(
    api: Api,
    item: str,
    qty: int,
    *,
    whse: str = "WH-BER",
    loc: str = "BER-A05-1",
    lot: str | None = None,
    expiry: date | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": new_code("rcv"),
        "type": "receipt",
        "reason_code": "RCV",
        "whse": whse,
        "loc": loc,
        "item_code": item,
        "lot_no": lot,
        "qty": qty,
    }
    if expiry is not None:
        body["expiry_date"] = expiry.isoformat()
    r = api.post("/movements", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def stock_of(api: Api, item: str, whse: str | None = None) -> dict[tuple[str, str, Any], dict]:
    params = {"item_code": item} | ({"whse": whse} if whse else {})
    return {(s["whse"], s["loc"], s["lot_no"]): s for s in api.all_pages("/stock", **params)}


SHIP_TO = {
    "name": "Acme GmbH",
    "line1": "Hauptstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


# --- auth ----------------------------------------------------------------------------------


def test_health_is_open_but_data_needs_credentials(wms: ServedApp) -> None:
    assert requests.get(wms.base_url + "/health", timeout=5).json()["status"] == "ok"
    r = requests.get(wms.base_url + "/stock", timeout=5)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    wrong = requests.get(wms.base_url + "/stock", auth=("hub", "not-the-password"), timeout=5)
    assert wrong.status_code == 401
    assert "not-the-password" not in wrong.text
    assert requests.post(wms.base_url + "/movements", json={}, timeout=5).status_code == 401


def test_viewer_reads_but_every_write_is_forbidden(wms: ServedApp, api: Api) -> None:
    base = wms.base_url
    assert requests.get(base + "/stock/summary", auth=VIEWER, timeout=5).status_code == 200
    before = api.get("/stock/summary", params={"whse": "WH-BER"}).json()
    movement = {
        "idempotency_key": new_code("v"),
        "type": "adjust",
        "reason_code": "FND",
        "whse": "WH-BER",
        "loc": "BER-A01-1",
        "item_code": "CMP-1020",
        "qty": 5,
    }
    writes = [
        requests.post(base + "/movements", json=movement, auth=VIEWER, timeout=5),
        requests.put(base + "/items/VX-1", json={"descr": "x"}, auth=VIEWER, timeout=5),
        requests.post(base + "/shipments/SHP0000001/cancel", auth=VIEWER, timeout=5),
    ]
    assert [w.status_code for w in writes] == [403, 403, 403]
    assert writes[0].json()["code"] == "forbidden"
    assert api.get("/stock/summary", params={"whse": "WH-BER"}).json() == before


# --- items and validation ------------------------------------------------------------------


def test_item_put_creates_then_updates_and_keeps_stamp_when_unchanged(api: Api) -> None:
    code = new_code("ITM")
    body = {"descr": "Hex bolt M8", "gtin": "4006381333931", "weight_kg": "0.125"}
    created = api.put(f"/items/{code}", json=body)
    assert created.status_code == 201
    assert created.json()["weight_kg"] == "0.125"
    again = api.put(f"/items/{code}", json=body)
    assert again.status_code == 200
    assert again.json()["updated_at"] == created.json()["updated_at"]
    changed = api.put(f"/items/{code}", json={**body, "descr": "Hex bolt M8 zinc"})
    assert changed.json()["updated_at"] > created.json()["updated_at"]
    assert api.get(f"/items/{code}").json()["descr"] == "Hex bolt M8 zinc"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"descr": "x", "gtin": "4006381333932"}, "gtin"),
        ({"descr": "x", "shelf_life_days": 0}, "shelf_life_days"),
        ({"descr": "x", "surprise": 1}, "surprise"),
        ({}, "descr"),
    ],
)
def test_bad_item_is_refused_naming_the_field(api: Api, body: dict, field: str) -> None:
    r = api.put("/items/BAD-1", json=body)
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert api.get("/items/BAD-1").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"qty": 2.5}, "qty"),
        ({"qty": "3"}, "qty"),
        ({"qty": 0}, "qty"),
        ({"item_code": "NO-SUCH-ITEM"}, "item_code"),
        ({"loc": "BER-NOWHERE"}, "loc"),
        ({"reason_code": "OPEN", "type": "adjust"}, "reason_code"),
        ({"type": "allocate"}, "type"),
    ],
)
def test_bad_movement_is_refused_naming_the_field(api: Api, change: dict, field: str) -> None:
    body = {
        "idempotency_key": new_code("bad"),
        "type": "receipt",
        "reason_code": "RCV",
        "whse": "WH-BER",
        "loc": "BER-A01-1",
        "item_code": "CMP-1020",
        "qty": 3,
    } | change
    before = stock_of(api, "CMP-1020", "WH-BER")
    r = api.post("/movements", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert stock_of(api, "CMP-1020", "WH-BER") == before


# --- ledger --------------------------------------------------------------------------------


def test_replaying_a_movement_key_changes_nothing(api: Api) -> None:
    item = make_item(api, lot_tracked=False)
    body = {
        "idempotency_key": new_code("idem"),
        "type": "receipt",
        "reason_code": "RCV",
        "whse": "WH-RTM",
        "loc": "RTM-A01-2",
        "item_code": item,
        "qty": 12,
    }
    first = api.post("/movements", json=body)
    replay = api.post("/movements", json=body)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert stock_of(api, item)[("WH-RTM", "RTM-A01-2", None)]["on_hand"] == 12
    assert len(api.all_pages("/movements", item_code=item)) == 1
    reused = api.post("/movements", json=body | {"qty": 13})
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert stock_of(api, item)[("WH-RTM", "RTM-A01-2", None)]["on_hand"] == 12


def test_negative_on_hand_is_refused_naming_item_location_and_lot(api: Api) -> None:
    item = make_item(api, lot_tracked=True)
    receive(api, item, 5, loc="BER-A03-1", lot="LOT-NEG")
    r = api.post(
        "/movements",
        json={
            "idempotency_key": new_code("neg"),
            "type": "adjust",
            "reason_code": "LOS",
            "whse": "WH-BER",
            "loc": "BER-A03-1",
            "item_code": item,
            "lot_no": "LOT-NEG",
            "qty": -6,
        },
    )
    assert r.status_code == 409
    error = r.json()
    assert error["code"] == "negative_stock"
    for part in (item, "BER-A03-1", "LOT-NEG"):
        assert part in error["message"]
    assert stock_of(api, item)[("WH-BER", "BER-A03-1", "LOT-NEG")]["on_hand"] == 5


def test_lot_tracked_item_needs_a_lot(api: Api) -> None:
    item = make_item(api, lot_tracked=True)
    r = api.post(
        "/movements",
        json={
            "idempotency_key": new_code("nolot"),
            "type": "receipt",
            "reason_code": "RCV",
            "whse": "WH-BER",
            "loc": "BER-A03-1",
            "item_code": item,
            "qty": 1,
        },
    )
    assert r.status_code == 422
    assert r.json()["field"] == "lot_no"


def test_movements_since_is_inclusive_and_ordered(api: Api) -> None:
    item = make_item(api, lot_tracked=False)
    first = receive(api, item, 1)
    receive(api, item, 2)
    since = api.all_pages("/movements", since=first["created_at"], item_code=item)
    assert [m["qty"] for m in since] == [1, 2]
    naive = api.get("/movements", params={"since": "2020-01-01T00:00:00"})
    assert naive.status_code == 422
    assert naive.json()["field"] == "since"


# --- outbound ------------------------------------------------------------------------------


def test_shipment_runs_request_allocate_pick_pack_ship(api: Api) -> None:
    item = make_item(api, lot_tracked=True)
    today = datetime.now(UTC).date()
    # Received later-expiring first, so FEFO must not simply follow the receipt order.
    receive(api, item, 10, loc="BER-A04-1", lot="LATE", expiry=today + timedelta(days=200))
    receive(api, item, 4, loc="BER-A06-1", lot="EARLY", expiry=today + timedelta(days=20))
    order_ref = new_code("SO")
    request = {
        "order_ref": order_ref,
        "whse": "WH-BER",
        "ship_to": SHIP_TO,
        "lines": [{"line_no": 1, "item_code": item, "qty": 7}],
    }
    created = api.post("/shipments", json=request)
    assert created.status_code == 201, created.text
    shp = created.json()
    assert shp["status"] == "REQUESTED"
    assert api.post("/shipments", json=request).json()["shp_no"] == shp["shp_no"]
    path = f"/shipments/{shp['shp_no']}"

    early = api.post(path + "/ship", json={"carrier": "DHL", "tracking_no": "X1"})
    assert early.status_code == 409
    assert early.json()["code"] == "illegal_transition"

    allocated = api.post(path + "/allocate").json()
    assert allocated["status"] == "ALLOCATED"
    tasks = [(t["lot_no"], t["loc"], t["qty"]) for t in allocated["pick_tasks"]]
    assert tasks == [("EARLY", "BER-A06-1", 4), ("LATE", "BER-A04-1", 3)]
    stock = stock_of(api, item)
    assert stock[("WH-BER", "BER-A04-1", "LATE")]["allocated"] == 3
    assert stock[("WH-BER", "BER-A04-1", "LATE")]["available"] == 7

    picked = api.post(path + "/pick").json()
    assert picked["status"] == "PICKED"
    assert {t["status"] for t in picked["pick_tasks"]} == {"PICKED"}
    stock = stock_of(api, item)
    assert ("WH-BER", "BER-A06-1", "EARLY") not in stock
    assert stock[("WH-BER", "BER-A04-1", "LATE")] | {"updated_at": None} == {
        **stock[("WH-BER", "BER-A04-1", "LATE")],
        "on_hand": 7,
        "allocated": 0,
        "available": 7,
        "updated_at": None,
    }

    wrong = api.post(
        path + "/pack",
        json={"packages": [{"contents": [{"item_code": item, "lot_no": "LATE", "qty": 7}]}]},
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "packages"
    packages = {
        "packages": [
            {"contents": [{"item_code": item, "lot_no": "EARLY", "qty": 4}]},
            {"contents": [{"item_code": item, "lot_no": "LATE", "qty": 3}]},
        ]
    }
    packed = api.post(path + "/pack", json=packages).json()
    assert packed["status"] == "PACKED"
    ssccs = [p["sscc"] for p in packed["packages"]]
    assert len(ssccs) == 2
    assert len(set(ssccs)) == 2
    for sscc in ssccs:
        assert len(sscc) == 18
        assert sscc.isdigit()
        assert gs1_ok(sscc)

    shipped = api.post(path + "/ship", json={"carrier": "DHL", "tracking_no": "JD0146000012345"})
    assert shipped.status_code == 200
    body = shipped.json()
    assert (body["status"], body["carrier"], body["tracking_no"]) == (
        "SHIPPED",
        "DHL",
        "JD0146000012345",
    )
    assert body["ship_date"] == today.isoformat()
    assert api.post(path + "/cancel").status_code == 409
    assert api.get("/shipments", params={"order_ref": order_ref}).json()["total_items"] == 1
    picks = api.all_pages("/movements", item_code=item, type="pick")
    assert sorted(m["qty"] for m in picks) == [-4, -3]


def test_allocation_short_is_refused_and_cancel_releases(api: Api) -> None:
    item = make_item(api, lot_tracked=False)
    receive(api, item, 5, loc="BER-A07-1")
    request = {
        "order_ref": new_code("SO"),
        "whse": "WH-BER",
        "ship_to": SHIP_TO,
        "lines": [{"line_no": 1, "item_code": item, "qty": 6}],
    }
    shp = api.post("/shipments", json=request).json()["shp_no"]
    short = api.post(f"/shipments/{shp}/allocate")
    assert short.status_code == 409
    assert short.json()["code"] == "insufficient_stock"
    assert item in short.json()["message"]
    assert api.get(f"/shipments/{shp}").json()["status"] == "REQUESTED"
    assert api.all_pages("/movements", item_code=item, type="allocate") == []

    request = request | {
        "order_ref": new_code("SO"),
        "lines": [{"line_no": 1, "item_code": item, "qty": 5}],
    }
    shp = api.post("/shipments", json=request).json()["shp_no"]
    assert api.post(f"/shipments/{shp}/allocate").status_code == 200
    assert stock_of(api, item)[("WH-BER", "BER-A07-1", None)]["available"] == 0
    cancelled = api.post(f"/shipments/{shp}/cancel").json()
    assert cancelled["status"] == "CANCELLED"
    row = stock_of(api, item)[("WH-BER", "BER-A07-1", None)]
    assert (row["on_hand"], row["allocated"], row["available"]) == (5, 0, 5)


# --- inbound, transfers, counts ------------------------------------------------------------


def test_receipt_against_asn_records_discrepancies(api: Api) -> None:
    item_a = make_item(api, lot_tracked=True)
    item_b = make_item(api, lot_tracked=False)
    item_c = make_item(api, lot_tracked=False)
    pallet = build_sscc("4012345", 990001)
    asn_no = new_code("ASN")
    expiry = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()
    asn = {
        "asn_no": asn_no,
        "po_ref": "PO-4711",
        "supplier_code": "S5000",
        "whse": "WH-RTM",
        "lines": [
            {
                "line_no": 1,
                "item_code": item_a,
                "qty": 10,
                "lot_no": "A1",
                "expiry_date": expiry,
                "sscc": pallet,
            },
            {"line_no": 2, "item_code": item_b, "qty": 20},
            {"line_no": 3, "item_code": item_c, "qty": 5},
        ],
    }
    bad = asn | {
        "asn_no": new_code("ASN"),
        "lines": [asn["lines"][0] | {"sscc": pallet[:-1] + str((int(pallet[-1]) + 1) % 10)}],
    }
    refused = api.post("/asns", json=bad)
    assert refused.status_code == 422
    assert refused.json()["field"] == "lines[0].sscc"
    created = api.post("/asns", json=asn)
    assert created.status_code == 201, created.text
    assert created.json()["lines"][0]["sscc"] == pallet

    receipt = {
        "receipt_no": new_code("RC"),
        "loc": "RTM-RCV",
        "lines": [
            {"line_no": 1, "received_qty": 10},
            {"line_no": 2, "received_qty": 17, "reason_code": "SHT"},
            {"line_no": 3, "received_qty": 4, "damaged_qty": 2, "reason_code": "OVR"},
        ],
    }
    r = api.post(f"/asns/{asn_no}/receipts", json=receipt)
    assert r.status_code == 201, r.text
    found = {
        (d["line_no"], d["kind"], d["qty"], d["reason_code"]) for d in r.json()["discrepancies"]
    }
    assert found == {(2, "SHORT", 3, "SHT"), (3, "OVER", 1, "OVR"), (3, "DAMAGED", 2, "DMG")}
    assert stock_of(api, item_a)[("WH-RTM", "RTM-RCV", "A1")]["on_hand"] == 10
    assert stock_of(api, item_a)[("WH-RTM", "RTM-RCV", "A1")]["expiry_date"] == expiry
    assert stock_of(api, item_b)[("WH-RTM", "RTM-RCV", None)]["on_hand"] == 17
    assert stock_of(api, item_c)[("WH-RTM", "RTM-RCV", None)]["on_hand"] == 4  # damaged refused
    assert api.get(f"/asns/{asn_no}").json()["status"] == "RECEIVED"

    assert api.post(f"/asns/{asn_no}/receipts", json=receipt).status_code == 200
    again = api.post(f"/asns/{asn_no}/receipts", json=receipt | {"receipt_no": new_code("RC")})
    assert again.status_code == 409
    assert stock_of(api, item_b)[("WH-RTM", "RTM-RCV", None)]["on_hand"] == 17
    assert api.get(f"/receipts/{receipt['receipt_no']}").json()["asn_no"] == asn_no


def test_transfer_leaves_on_dispatch_and_arrives_on_receipt(api: Api) -> None:
    item = make_item(api, lot_tracked=True)
    receive(api, item, 8, loc="BER-A08-1", lot="TX1")
    xfer_no = new_code("TR")
    body = {
        "xfer_no": xfer_no,
        "from_whse": "WH-BER",
        "to_whse": "WH-LYS",
        "lines": [
            {"line_no": 1, "item_code": item, "from_loc": "BER-A08-1", "lot_no": "TX1", "qty": 5}
        ],
    }
    assert api.post("/transfers", json=body).json()["status"] == "IN_TRANSIT"
    assert stock_of(api, item)[("WH-BER", "BER-A08-1", "TX1")]["on_hand"] == 3
    assert ("WH-LYS", "LYS-RCV", "TX1") not in stock_of(api, item)
    too_much = body | {"xfer_no": new_code("TR"), "lines": [body["lines"][0] | {"qty": 4}]}
    assert api.post("/transfers", json=too_much).status_code == 409
    received = api.post(f"/transfers/{xfer_no}/receive", json={"loc": "LYS-RCV"})
    assert received.json()["status"] == "RECEIVED"
    assert stock_of(api, item)[("WH-LYS", "LYS-RCV", "TX1")]["on_hand"] == 5
    assert api.post(f"/transfers/{xfer_no}/receive", json={"loc": "LYS-RCV"}).status_code == 200
    assert stock_of(api, item)[("WH-LYS", "LYS-RCV", "TX1")]["on_hand"] == 5
    kinds = sorted(m["type"] for m in api.all_pages("/movements", item_code=item))
    assert kinds == ["receipt", "transfer_in", "transfer_out"]


def test_cycle_count_posts_the_variance(api: Api) -> None:
    item = make_item(api, lot_tracked=False)
    receive(api, item, 30, loc="BER-A09-1")
    body = {
        "count_no": new_code("CC"),
        "whse": "WH-BER",
        "loc": "BER-A09-1",
        "item_code": item,
        "counted_qty": 26,
        "reason_code": "LOS",
    }
    count = api.post("/cycle-counts", json=body).json()
    assert (count["system_qty"], count["counted_qty"], count["variance"]) == (30, 26, -4)
    movement = api.get(f"/movements/{count['movement_id']}").json()
    assert (movement["type"], movement["qty"], movement["reason_code"]) == (
        "cycle_count",
        -4,
        "LOS",
    )
    assert stock_of(api, item)[("WH-BER", "BER-A09-1", None)]["on_hand"] == 26
    bad_reason = body | {"count_no": new_code("CC"), "reason_code": "RCV"}
    assert api.post("/cycle-counts", json=bad_reason).status_code == 422


# --- paging --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/items", "/stock", "/movements", "/locations"])
def test_page_number_paging_reads_every_record_once(api: Api, path: str) -> None:
    first = api.get(path, params={"page": 1, "page_size": 7}).json()
    total = first["total_items"]
    assert total > 7
    assert first["total_pages"] == -(-total // 7)
    records = api.all_pages(path, page_size=7)
    keys = [tuple(sorted((k, str(v)) for k, v in r.items() if k != "updated_at")) for r in records]
    assert len(keys) == total
    assert len(set(keys)) == total
    beyond = api.get(path, params={"page": first["total_pages"] + 1, "page_size": 7}).json()
    assert beyond["items"] == []
    assert api.get(path, params={"page": 0}).json()["field"] == "page"


def test_items_updated_since_is_inclusive(api: Api) -> None:
    code = make_item(api, lot_tracked=False)
    stamp = api.get(f"/items/{code}").json()["updated_at"]
    assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0)
    codes = [i["item_code"] for i in api.all_pages("/items", updated_since=stamp)]
    assert code in codes
    later = (datetime.fromisoformat(stamp) + timedelta(microseconds=1)).isoformat()
    assert code not in [i["item_code"] for i in api.all_pages("/items", updated_since=later)]


def test_seeded_world_stock_matches_the_world(api: Api) -> None:
    world = World(seed=42, size="demo")
    opening = next(s for s in world.stock if s.lot is not None and s.quantity > 0)
    rows = stock_of(api, opening.sku, opening.warehouse)
    row = rows[(opening.warehouse, opening.location, opening.lot)]
    assert row["on_hand"] >= 0
    seed_moves = api.all_pages("/movements", item_code=opening.sku, whse=opening.warehouse)
    assert any(m["reason_code"] == "OPEN" and m["qty"] == opening.quantity for m in seed_moves)
    assert len(api.all_pages("/warehouses")) == len(world.warehouses)


def test_sscc_matches_the_gs1_worked_example() -> None:
    # GS1 General Specifications: SSCC (00) 1 0614141 123456789 7.
    assert build_sscc("0614141", 123456789, extension=1) == "106141411234567897"


def test_concurrent_picks_never_oversell(api: Api, wms: ServedApp) -> None:
    from concurrent.futures import ThreadPoolExecutor

    item = make_item(api, lot_tracked=False)
    receive(api, item, 10, loc="BER-A10-1")

    def take_one(n: int) -> int:
        body = {
            "idempotency_key": f"{item}-pick-{n}",
            "type": "pick",
            "reason_code": "ISS",
            "whse": "WH-BER",
            "loc": "BER-A10-1",
            "item_code": item,
            "qty": 1,
        }
        url = wms.base_url + "/movements"
        return requests.post(url, json=body, auth=OPERATOR, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(take_one, range(16)))
    assert codes == [201] * 10 + [409] * 6
    assert stock_of(api, item, "WH-BER") == {}


def test_openapi_describes_the_api(wms: ServedApp) -> None:
    spec = requests.get(wms.base_url + "/openapi.json", timeout=10).json()
    assert {"/stock", "/stock/summary", "/movements", "/shipments/{shp_no}/pack"} <= set(
        spec["paths"]
    )
    garbled = requests.get(
        wms.base_url + "/stock", headers={"Authorization": "Basic !!!"}, timeout=5
    )
    assert garbled.status_code == 401
