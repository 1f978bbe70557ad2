"""The reference SRM portal, exercised only through its HTTP API on loopback."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from reference.kit.server import serve
from reference.registry import get_spec
from reference.seed.world import World

KEY = "srm-demo-key"
_numbers = itertools.count(1)


class Portal:
    """A thin client that puts the API key in the query string, as the portal wants."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()

    def call(
        self, method: str, path: str, *, key: str | None = KEY, **kw: Any
    ) -> requests.Response:
        params = dict(kw.pop("params", {}) or {})
        if key is not None:
            params["apikey"] = key
        return self.http.request(method, self.base + path, params=params, timeout=10, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        resp = self.call(method, path, **kw)
        assert resp.status_code == status, resp.text
        return resp.json()


@pytest.fixture(scope="module")
def srm(tmp_path_factory: pytest.TempPathFactory, demo_world: World) -> Iterator[Portal]:
    url = f"sqlite:///{tmp_path_factory.mktemp('srm') / 'srm.db'}"
    spec = get_spec("srm")
    spec.seed(url, demo_world)
    served = serve(spec.create_app(url), name="srm", port=0)
    yield Portal(served.base_url)
    served.stop()


@pytest.fixture(scope="module")
def by_ref(srm: Portal) -> dict[str, dict[str, Any]]:
    """Seeded vendors keyed by the buyer's supplier number (S5000...)."""
    page = srm.ok("GET", "/vendors", params={"limit": 500})
    return {v["buyer_ref"]: v for v in page["data"]}


def po_body(vendor_id: str, *lines: tuple[int, str], number: str | None = None) -> dict[str, Any]:
    return {
        "po_number": number or f"PO-T{next(_numbers):05d}",
        "vendor_id": vendor_id,
        "order_date": date.today().isoformat(),
        "currency": "EUR",
        "lines": [
            {"line_no": i + 1, "sku": f"CMP-{1000 + i}", "quantity": qty, "unit_price": price}
            for i, (qty, price) in enumerate(lines or ((10, "2.50"),))
        ],
    }


def new_vendor(srm: Portal, name: str) -> dict[str, Any]:
    body = {"name": name, "country": "DE", "currency": "EUR", "email": "x@vendor.example"}
    return srm.ok("POST", "/vendors", 201, json=body)


def test_every_data_endpoint_needs_the_api_key(srm: Portal) -> None:
    assert srm.call("GET", "/health", key=None).json()["status"] == "ok"
    for path in ("/vendors", "/purchase-orders", "/statements", "/vendors/V-000001/scorecard"):
        missing = srm.call("GET", path, key=None)
        wrong = srm.call("GET", path, key="not-the-key")
        assert missing.status_code == 401
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "unauthorized"
        assert "not-the-key" not in wrong.text
    assert srm.call("GET", "/vendors").status_code == 200


def test_seed_brings_vendors_in_native_shape(by_ref: dict[str, dict[str, Any]]) -> None:
    assert len(by_ref) == 20
    assert all(
        v["vendor_id"].startswith("V-") and len(v["vendor_id"]) == 8 for v in by_ref.values()
    )
    statuses = {ref: by_ref[ref]["status"] for ref in ("S5000", "S5017", "S5018", "S5019")}
    assert statuses == {
        "S5000": "APPROVED",
        "S5017": "PROSPECT",
        "S5018": "SUSPENDED",
        "S5019": "BLOCKED",
    }
    assert by_ref["S5003"]["certificates"][0]["expired"] is True
    assert by_ref["S5000"]["certificates"][0]["expired"] is False


def test_onboarding_follows_the_state_machine_and_keeps_history(srm: Portal) -> None:
    vid = new_vendor(srm, "Onboarding GmbH")["vendor_id"]

    def move(status: str, expect: int = 200) -> requests.Response:
        body = {"status": status, "reason": f"to {status}", "actor": "qa.lead"}
        resp = srm.call("POST", f"/vendors/{vid}/status", json=body)
        assert resp.status_code == expect, resp.text
        return resp

    refused = move("SUSPENDED", 409).json()["error"]
    assert refused["code"] == "illegal_transition"
    assert "PROSPECT" in refused["message"]
    assert "SUSPENDED" in refused["message"]
    move("APPROVED")
    move("SUSPENDED")
    move("APPROVED")
    move("BLOCKED")
    final = move("APPROVED", 409).json()["error"]["message"]
    assert "BLOCKED" in final
    assert "APPROVED" in final

    history = srm.ok("GET", f"/vendors/{vid}/status-history")
    steps = [(h["from_status"], h["to_status"]) for h in history]
    assert steps == [
        (None, "PROSPECT"),
        ("PROSPECT", "APPROVED"),
        ("APPROVED", "SUSPENDED"),
        ("SUSPENDED", "APPROVED"),
        ("APPROVED", "BLOCKED"),
    ]
    assert history[-1]["actor"] == "qa.lead"
    assert history[-1]["reason"] == "to BLOCKED"
    assert history[-1]["changed_at"].endswith("+00:00")


def test_bad_status_is_rejected_naming_the_field(srm: Portal) -> None:
    vid = new_vendor(srm, "Typo AG")["vendor_id"]
    resp = srm.call(
        "POST", f"/vendors/{vid}/status", json={"status": "OK", "reason": "r", "actor": "a"}
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "body.status"


def test_expired_certificate_blocks_ordering_until_renewed(
    srm: Portal, by_ref: dict[str, dict[str, Any]]
) -> None:
    vendor = by_ref["S5003"]
    vid = vendor["vendor_id"]
    resp = srm.call("POST", "/purchase-orders", json=po_body(vid))
    assert resp.status_code == 409
    error = resp.json()["error"]
    assert error["code"] == "certificate_expired"
    assert "ISO9001" in error["message"]

    cert = vendor["certificates"][0]
    renewed = {
        "type": "ISO9001",
        "number": cert["number"],
        "issued": date.today().isoformat(),
        "valid_until": (date.today() + timedelta(days=365)).isoformat(),
    }
    certs = srm.ok("PUT", f"/vendors/{vid}/certificates", json=renewed)
    assert [c["expired"] for c in certs] == [False]
    srm.ok("POST", "/purchase-orders", 201, json=po_body(vid))


@pytest.mark.parametrize(
    ("ref", "status"), [("S5017", "PROSPECT"), ("S5018", "SUSPENDED"), ("S5019", "BLOCKED")]
)
def test_vendor_not_approved_cannot_receive_orders(
    srm: Portal, by_ref: dict[str, dict[str, Any]], ref: str, status: str
) -> None:
    resp = srm.call("POST", "/purchase-orders", json=po_body(by_ref[ref]["vendor_id"]))
    assert resp.status_code == 409
    error = resp.json()["error"]
    assert error["code"] == "vendor_not_approved"
    assert status in error["message"]


def test_publishing_is_idempotent_by_po_number(
    srm: Portal, by_ref: dict[str, dict[str, Any]]
) -> None:
    body = po_body(by_ref["S5000"]["vendor_id"], (3, "19.99"), (2, "0.05"))
    first = srm.ok("POST", "/purchase-orders", 201, json=body)
    again = srm.ok("POST", "/purchase-orders", 200, json=body)
    assert again == first
    assert first["status"] == "SENT"
    assert first["total_amount"] == "60.07"
    other_vendor = dict(body, vendor_id=by_ref["S5002"]["vendor_id"])
    clash = srm.call("POST", "/purchase-orders", json=other_vendor)
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "po_number_conflict"


def test_money_as_json_float_is_refused(srm: Portal, by_ref: dict[str, dict[str, Any]]) -> None:
    body = po_body(by_ref["S5000"]["vendor_id"])
    body["lines"][0]["unit_price"] = 2.5
    resp = srm.call("POST", "/purchase-orders", json=body)
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "body.lines.0.unit_price"


def test_po_moves_through_its_supplier_side_lifecycle(
    srm: Portal, by_ref: dict[str, dict[str, Any]]
) -> None:
    po = srm.ok(
        "POST",
        "/purchase-orders",
        201,
        json=po_body(by_ref["S5000"]["vendor_id"], (10, "4.00"), (5, "1.00")),
    )
    path = f"/purchase-orders/{po['po_number']}"
    early = srm.call("POST", path + "/status", json={"status": "SHIPPED"})
    assert early.status_code == 409
    assert "SENT" in early.json()["error"]["message"]

    ack = {
        "lines": [
            {"line_no": 1, "status": "ACCEPTED", "confirmed_date": "2030-01-10"},
            {"line_no": 2, "status": "CHANGED", "confirmed_qty": 3},
        ]
    }
    acked = srm.ok("POST", path + "/acknowledgement", json=ack)
    assert acked["status"] == "ACKNOWLEDGED"
    assert [(ln["ack_status"], ln["confirmed_qty"]) for ln in acked["lines"]] == [
        ("ACCEPTED", 10),
        ("CHANGED", 3),
    ]
    assert (
        srm.ok("POST", path + "/status", json={"status": "PARTIALLY_SHIPPED"})["status"]
        == "PARTIALLY_SHIPPED"
    )
    assert srm.ok("POST", path + "/status", json={"status": "SHIPPED"})["status"] == "SHIPPED"
    incomplete = srm.call(
        "POST", path + "/status", json={"status": "INVOICED", "invoice_amount": "43.00"}
    )
    assert incomplete.status_code == 422
    invoiced = srm.ok(
        "POST",
        path + "/status",
        json={"status": "INVOICED", "invoice_number": "INV-1", "invoice_amount": "43.00"},
    )
    assert (invoiced["status"], invoiced["invoiced_amount"]) == ("INVOICED", "43.00")
    assert srm.ok("POST", path + "/status", json={"status": "CLOSED"})["status"] == "CLOSED"
    assert srm.ok("GET", path)["status"] == "CLOSED"


def test_scorecard_is_recomputed_from_delivery_events(
    srm: Portal, by_ref: dict[str, dict[str, Any]]
) -> None:
    vid = by_ref["S5004"]["vendor_id"]
    assert srm.ok("GET", f"/vendors/{vid}/scorecard")["current"] is None
    po = srm.ok("POST", "/purchase-orders", 201, json=po_body(vid, (100, "1.00")))
    promised = date(2030, 3, 10)
    on_time = {
        "po_number": po["po_number"],
        "promised_date": promised.isoformat(),
        "delivered_date": (promised - timedelta(days=1)).isoformat(),
        "ordered_qty": 100,
        "delivered_qty": 100,
        "rejected_qty": 0,
    }
    card = srm.ok("POST", f"/vendors/{vid}/delivery-events", 201, json=on_time)["current"]
    assert (card["on_time_pct"], card["fill_rate_pct"], card["quality_ppm"]) == (
        "100.0",
        "100.0",
        0,
    )

    late = dict(
        on_time,
        delivered_date=(promised + timedelta(days=4)).isoformat(),
        delivered_qty=50,
        rejected_qty=1,
    )
    srm.ok("POST", f"/vendors/{vid}/delivery-events", 201, json=late)
    scorecard = srm.ok("GET", f"/vendors/{vid}/scorecard")
    card = scorecard["current"]
    assert card["period"] == "2030-03"
    assert card["deliveries"] == 2
    assert card["on_time_pct"] == "50.0"
    assert card["fill_rate_pct"] == "75.0"
    assert card["quality_ppm"] == 1_000_000 // 150
    assert [h["period"] for h in scorecard["history"]] == ["2030-03"]

    unknown = dict(on_time, po_number="PO-NOT-THERE")
    resp = srm.call("POST", f"/vendors/{vid}/delivery-events", json=unknown)
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "po_number"


def _statement_for(srm: Portal, vid: str) -> dict[str, Any]:
    a = srm.ok("POST", "/purchase-orders", 201, json=po_body(vid, (10, "10.00")))
    b = srm.ok("POST", "/purchase-orders", 201, json=po_body(vid, (1, "99.99")))
    path = f"/purchase-orders/{a['po_number']}"
    srm.ok(
        "POST", path + "/acknowledgement", json={"lines": [{"line_no": 1, "status": "ACCEPTED"}]}
    )
    srm.ok("POST", path + "/status", json={"status": "SHIPPED"})
    srm.ok(
        "POST",
        path + "/status",
        json={"status": "INVOICED", "invoice_number": "I-9", "invoice_amount": "95.00"},
    )
    today = date.today().isoformat()
    body = {"vendor_id": vid, "period_from": today, "period_to": today}
    statement = srm.ok("POST", "/statements", 201, json=body)
    assert {ln["po_number"] for ln in statement["lines"]} == {a["po_number"], b["po_number"]}
    return statement


def test_statement_confirmed_by_supplier(srm: Portal, by_ref: dict[str, dict[str, Any]]) -> None:
    statement = _statement_for(srm, by_ref["S5005"]["vendor_id"])
    assert statement["status"] == "OPEN"
    assert statement["ordered_total"] == "199.99"
    assert statement["invoiced_total"] == "95.00"
    assert statement["open_total"] == "104.99"
    path = f"/statements/{statement['statement_no']}"
    done = srm.ok("POST", path + "/confirm", json={"actor": "supplier.clerk"})
    assert (done["status"], done["supplier_actor"]) == ("CONFIRMED", "supplier.clerk")
    again = srm.call(
        "POST",
        path + "/dispute",
        json={"actor": "x", "comment": "c", "lines": [{"po_number": "P", "comment": "c"}]},
    )
    assert again.status_code == 409


def test_statement_disputed_then_resolved(srm: Portal, by_ref: dict[str, dict[str, Any]]) -> None:
    statement = _statement_for(srm, by_ref["S5006"]["vendor_id"])
    path = f"/statements/{statement['statement_no']}"
    disputed_po = statement["lines"][0]["po_number"]
    bad = {"actor": "s", "comment": "c", "lines": [{"po_number": "NOPE", "comment": "x"}]}
    resp = srm.call("POST", path + "/dispute", json=bad)
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "lines.0.po_number"
    early = srm.call(
        "POST",
        path + "/resolution",
        json={"actor": "b", "outcome": "BUYER_AMOUNTS_STAND", "comment": "c"},
    )
    assert early.status_code == 409

    body = {
        "actor": "supplier.clerk",
        "comment": "one invoice amount differs",
        "lines": [
            {"po_number": disputed_po, "supplier_amount": "100.00", "comment": "we invoiced 100"}
        ],
    }
    disputed = srm.ok("POST", path + "/dispute", json=body)
    assert disputed["status"] == "DISPUTED"
    line = next(ln for ln in disputed["lines"] if ln["po_number"] == disputed_po)
    assert (line["supplier_amount"], line["dispute_comment"]) == ("100.00", "we invoiced 100")
    resolved = srm.ok(
        "POST",
        path + "/resolution",
        json={
            "actor": "buyer.ap",
            "outcome": "SUPPLIER_AMOUNTS_ACCEPTED",
            "comment": "credit note",
        },
    )
    assert (resolved["status"], resolved["resolution"], resolved["resolved_by"]) == (
        "RESOLVED",
        "SUPPLIER_AMOUNTS_ACCEPTED",
        "buyer.ap",
    )


def test_updated_since_paging_reads_every_record_once(
    srm: Portal, by_ref: dict[str, dict[str, Any]]
) -> None:
    vid = by_ref["S5001"]["vendor_id"]
    first = srm.ok("POST", "/purchase-orders", 201, json=po_body(vid))
    created = {first["po_number"]} | {
        srm.ok("POST", "/purchase-orders", 201, json=po_body(vid))["po_number"] for _ in range(6)
    }
    since = first["updated_at"]
    seen: list[str] = []
    offset = 0
    while True:
        params = {"vendor_id": vid, "updated_since": since, "offset": offset, "limit": 3}
        page = srm.ok("GET", "/purchase-orders", params=params)
        assert (page["offset"], page["limit"]) == (offset, 3)
        if offset == 3:
            # A record written while paging lands after those already read.
            created.add(srm.ok("POST", "/purchase-orders", 201, json=po_body(vid))["po_number"])
        seen.extend(po["po_number"] for po in page["data"])
        offset += len(page["data"])
        if not page["data"]:
            break
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))
    assert page["total"] == len(created)

    newest = srm.ok("GET", f"/purchase-orders/{seen[-1]}")
    bound = {"vendor_id": vid, "updated_since": newest["updated_at"]}
    inclusive = srm.ok("GET", "/purchase-orders", params=bound)
    assert [po["po_number"] for po in inclusive["data"]] == [seen[-1]]
    naive = srm.call("GET", "/purchase-orders", params={"updated_since": "2030-01-01T00:00:00"})
    assert naive.status_code == 422
    assert naive.json()["error"]["field"] == "query.updated_since"
