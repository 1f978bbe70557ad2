"""Random operation sequences through the WMS API: stock always equals the ledger's sum.

Each example runs a few receipts, adjustments, shipments (allocate, then pick/pack/ship or
cancel or leave allocated), transfers, cycle counts and deliberately invalid requests.
Each operation's outcome is predicted from the stock the API showed just before it; after
the sequence, /stock must equal the sum of /movements per (whse, loc, item, lot), with
nothing negative and available = on hand - allocated.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

OPERATOR = ("hub", "wms-demo-secret")
WAREHOUSES = {"WH-BER": ["BER-A11-1", "BER-A12-1"], "WH-RTM": ["RTM-A11-2", "RTM-A12-2"]}
DOCK = {"WH-BER": "BER-RCV", "WH-RTM": "RTM-RCV"}
LOT_ITEM, PLAIN_ITEM = "PROP-LOT-1", "PROP-EA-1"
ITEMS = {LOT_ITEM: ["LA", "LB"], PLAIN_ITEM: [None]}
SHIP_TO = {
    "name": "Prop Test",
    "line1": "Kade 1",
    "city": "Rotterdam",
    "postal_code": "3011",
    "country": "NL",
}


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.auth = OPERATOR

    def get(self, path: str, **params: Any) -> Any:
        r = self.http.get(self.base_url + path, params=params, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def post(self, path: str, body: Any = None) -> requests.Response:
        return self.http.post(self.base_url + path, json=body, timeout=10)

    def all_pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.get(path, **params, page=page, page_size=1000)
            items.extend(body["items"])
            if page >= body["total_pages"]:
                return items
            page += 1

    def row(self, whse: str, loc: str, item: str, lot: str | None) -> tuple[int, int]:
        """(on_hand, allocated) the API shows for one stock key (0, 0 when absent)."""
        for s in self.get("/stock", whse=whse, item_code=item, loc=loc)["items"]:
            if s["lot_no"] == lot:
                return s["on_hand"], s["allocated"]
        return 0, 0


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    spec = get_spec("wms")
    url = f"sqlite:///{tmp_path_factory.mktemp('wms-prop') / 'wms.db'}"
    spec.seed(url, World(seed=42, size="demo"))
    served: ServedApp = serve(spec.create_app(url), name="wms", port=0)
    c = Client(served.base_url)
    for item, lots in ITEMS.items():
        body = {"descr": f"property test {item}", "lot_tracked": lots != [None]}
        assert c.http.put(f"{c.base_url}/items/{item}", json=body, timeout=10).ok
        for lot in lots:
            # A lot comes into being with its first receipt; later steps may then name it.
            first = movement("receipt", "RCV", ("WH-BER", DOCK["WH-BER"], item, lot), 1)
            assert c.post("/movements", first).status_code == 201
    yield c
    c.http.close()
    served.stop()


def key() -> str:
    return uuid.uuid4().hex


# --- operations ----------------------------------------------------------------------------

whses = st.sampled_from(sorted(WAREHOUSES))
slot = st.integers(0, 1)


@st.composite
def stock_key(draw: st.DrawFn) -> tuple[str, str, str, str | None]:
    whse = draw(whses)
    item = draw(st.sampled_from(sorted(ITEMS)))
    return whse, WAREHOUSES[whse][draw(slot)], item, draw(st.sampled_from(ITEMS[item]))


operations = st.one_of(
    st.tuples(st.just("receipt"), stock_key(), st.integers(1, 30)),
    st.tuples(st.just("adjust"), stock_key(), st.integers(-40, -1) | st.integers(1, 40)),
    st.tuples(
        st.just("ship"),
        whses,
        st.sampled_from(sorted(ITEMS)),
        st.integers(1, 40),
        st.sampled_from(["ship", "cancel", "hold"]),
    ),
    st.tuples(st.just("transfer"), stock_key(), st.integers(1, 30), st.booleans()),
    st.tuples(st.just("count"), stock_key(), st.integers(0, 50)),
    st.tuples(st.just("invalid"), st.sampled_from(["unknown_item", "lot_missing", "zero"])),
    st.tuples(st.just("replay")),
)


def movement(kind: str, reason: str, k: tuple[str, str, str, str | None], qty: int) -> dict:
    whse, loc, item, lot = k
    return {
        "idempotency_key": key(),
        "type": kind,
        "reason_code": reason,
        "whse": whse,
        "loc": loc,
        "item_code": item,
        "lot_no": lot,
        "qty": qty,
    }


def run(c: Client, op: tuple[Any, ...], posted: list[tuple[dict, dict]]) -> None:
    """Apply one operation and check its status against the stock seen just before."""
    kind = op[0]
    if kind == "receipt":
        body = movement("receipt", "RCV", op[1], op[2])
        r = c.post("/movements", body)
        assert r.status_code == 201, r.text
        posted.append((body, r.json()))
    elif kind == "adjust":
        on_hand, allocated = c.row(*op[1])
        body = movement("adjust", "COR", op[1], op[2])
        r = c.post("/movements", body)
        ok = on_hand - allocated + op[2] >= 0
        assert r.status_code == (201 if ok else 409), r.text
        if ok:
            posted.append((body, r.json()))
        else:
            assert op[1][2] in r.json()["message"]
    elif kind == "ship":
        _, whse, item, qty, finish = op
        available = sum(
            s["available"] for s in c.get("/stock/summary", whse=whse, item_code=item)["items"]
        )
        request = {
            "order_ref": key(),
            "whse": whse,
            "ship_to": SHIP_TO,
            "lines": [{"line_no": 1, "item_code": item, "qty": qty}],
        }
        shp = c.post("/shipments", request).json()["shp_no"]
        r = c.post(f"/shipments/{shp}/allocate")
        assert r.status_code == (200 if available >= qty else 409), r.text
        if r.status_code != 200:
            return
        if finish == "cancel":
            assert c.post(f"/shipments/{shp}/cancel").json()["status"] == "CANCELLED"
        elif finish == "ship":
            assert c.post(f"/shipments/{shp}/pick").status_code == 200
            packed = c.post(f"/shipments/{shp}/pack").json()
            assert packed["status"] == "PACKED"
            shipped = c.post(f"/shipments/{shp}/ship", {"carrier": "UPS", "tracking_no": key()})
            assert shipped.json()["status"] == "SHIPPED"
    elif kind == "transfer":
        _, (whse, loc, item, lot), qty, arrive = op
        on_hand, allocated = c.row(whse, loc, item, lot)
        target = next(w for w in WAREHOUSES if w != whse)
        xfer = key()[:20]
        body = {
            "xfer_no": xfer,
            "from_whse": whse,
            "to_whse": target,
            "lines": [
                {"line_no": 1, "item_code": item, "from_loc": loc, "lot_no": lot, "qty": qty}
            ],
        }
        r = c.post("/transfers", body)
        assert r.status_code == (201 if on_hand - allocated >= qty else 409), r.text
        if r.status_code == 201 and arrive:
            r = c.post(f"/transfers/{xfer}/receive", {"loc": DOCK[target]})
            assert r.json()["status"] == "RECEIVED"
    elif kind == "count":
        _, (whse, loc, item, lot), counted = op
        _on_hand, allocated = c.row(whse, loc, item, lot)
        body = {
            "count_no": key()[:30],
            "whse": whse,
            "loc": loc,
            "item_code": item,
            "lot_no": lot,
            "counted_qty": counted,
        }
        r = c.post("/cycle-counts", body)
        assert r.status_code == (201 if counted >= allocated else 409), r.text
    elif kind == "invalid":
        k = ("WH-BER", "BER-A11-1", PLAIN_ITEM, None)
        body = {
            "unknown_item": movement("receipt", "RCV", ("WH-BER", "BER-A11-1", "NOPE", None), 1),
            "lot_missing": movement("receipt", "RCV", ("WH-BER", "BER-A11-1", LOT_ITEM, None), 1),
            "zero": movement("adjust", "COR", k, 0),
        }[op[1]]
        assert c.post("/movements", body).status_code == 422
    elif kind == "replay" and posted:
        body, original = posted[-1]
        r = c.post("/movements", body)
        assert r.status_code == 200
        assert r.json() == original


def ledger_totals(c: Client) -> dict[tuple[str, str, str, str | None], tuple[int, int]]:
    sums: dict[tuple[str, str, str, str | None], list[int]] = defaultdict(lambda: [0, 0])
    for item in ITEMS:
        for m in c.all_pages("/movements", item_code=item):
            row = sums[(m["whse"], m["loc"], m["item_code"], m["lot_no"])]
            row[0] += m["qty"]
            row[1] += m["alloc_qty"]
    return {k: (v[0], v[1]) for k, v in sums.items() if v != [0, 0]}


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ops=st.lists(operations, min_size=1, max_size=6))
def test_stock_always_equals_the_ledger(client: Client, ops: list[tuple[Any, ...]]) -> None:
    posted: list[tuple[dict, dict]] = []
    for op in ops:
        run(client, op, posted)

    stock: dict[tuple[str, str, str, str | None], tuple[int, int]] = {}
    for item in ITEMS:
        for s in client.all_pages("/stock", item_code=item, include_zero="true"):
            assert s["on_hand"] >= 0
            assert 0 <= s["allocated"] <= s["on_hand"]
            assert s["available"] == s["on_hand"] - s["allocated"]
            if (s["on_hand"], s["allocated"]) != (0, 0):
                stock[(s["whse"], s["loc"], s["item_code"], s["lot_no"])] = (
                    s["on_hand"],
                    s["allocated"],
                )
    assert stock == ledger_totals(client)

    summary = {
        (s["whse"], s["item_code"]): s["on_hand"]
        for item in ITEMS
        for s in client.all_pages("/stock/summary", item_code=item)
    }
    per_whse: dict[tuple[str, str], int] = defaultdict(int)
    for (whse, _loc, item, _lot), (on_hand, _) in stock.items():
        per_whse[(whse, item)] += on_hand
    assert {k: v for k, v in summary.items() if v} == dict(per_whse)
