"""Order to cash end to end: a web order and a retail partner's 850 go all the way to cash.

The six reference systems run on loopback (tests/processes/conftest.py), warehouse staff
work the WMS, and a simulated retail customer trades with the hub over the embedded SFTP
server. Outcomes are read back through each system's own API.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import requests
import yaml

from canonical import Order
from canonical.order import OrderLine
from canonical.pricing import compute_tax_subtotals, compute_totals
from canonical.types import Address, Money, PartyRef, Quantity
from connectors.soap.records import plain
from hub.processes.framework import run_process
from hub.processes.order_to_cash import PROCESS
from hub.store import link, populate_or_lookup
from hub.store.dead_letters import list_dead_letters
from hub.store.models import EdiInterchange
from hub.store.process_items import get_item
from reference.actors.warehouse import Discrepancy, WarehouseStaff
from reference.edi_partner import Identity, Mailbox, RetailCustomer
from reference.sftp import EmbeddedSftpServer

PARTNER = "RETAIL-MART"
BUYER_GLN = "4012345000016"
CUSTOMER = "C100001"  # in the ERP and CRM (linked by the ERP number), EUR, Germany
WEB_REF = "WEB-O2C-1"
EDI_REF = "RM-PO-88001"


# --- helpers ---------------------------------------------------------------------------------


class Api:
    """Plain HTTP clients for checking outcomes in each system."""

    def __init__(self, landscape: Any) -> None:
        env = landscape.environ
        self.oms = requests.Session()
        self.oms.headers["X-API-Key"] = env["HUB_OMS_API_KEY"]
        self.wms = requests.Session()
        self.wms.auth = (env["HUB_WMS_USER"], env["HUB_WMS_PASSWORD"])
        self.urls = {name: landscape.url(name) for name in ("oms", "wms", "crm")}
        token = requests.post(
            f"{self.urls['crm']}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(env["HUB_CRM_CLIENT_ID"], env["HUB_CRM_CLIENT_SECRET"]),
            timeout=10,
        ).json()["access_token"]
        self.crm = requests.Session()
        self.crm.headers["Authorization"] = f"Bearer {token}"

    def get(self, system: str, path: str, **params: Any) -> Any:
        session = getattr(self, system)
        response = session.get(f"{self.urls[system]}{path}", params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, system: str, path: str, body: Any) -> Any:
        session = getattr(self, system)
        response = session.post(f"{self.urls[system]}{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()


def erp_call(landscape: Any, operation: str, **payload: Any) -> Any:
    """One ERP SOAP call with the hub's profile (the test's window into the ERP)."""
    ctx = landscape.context("erp-check")
    answer = plain(ctx.systems.soap("erp").call(operation, payload))
    return answer.get(operation.removeprefix("Get"), answer)


def atp(api: Api) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    offset = 0
    while True:
        page = api.get("oms", "/inventory", offset=offset, limit=500)
        for row in page:
            totals[row["item_sku"]] += int(row["qty_available"])
        if len(page) < 500:
            return totals
        offset += 500


def web_order(ref: str, sku: str, qty: int, priority: str = "NORMAL") -> dict[str, Any]:
    return {
        "channel": "WEB",
        "channel_order_ref": ref,
        "customer_ref": CUSTOMER,
        "priority": priority,
        "currency": "EUR",
        "ship_to": {
            "name": "Binner Stiftung Lager",
            "line1": "Lagerstrasse 7",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        "lines": [{"line_no": 1, "item_sku": sku, "qty": qty, "unit_price_minor": 1250}],
    }


def partner_order(number: str, sku: str, qty: int) -> Order:
    line = OrderLine(
        line_no=1,
        sku=sku,
        quantity=Quantity(value=Decimal(qty), uom="EA"),
        unit_price=Money(amount=Decimal("12.50"), currency="EUR"),
        line_total=Money(amount=Decimal("12.50") * qty, currency="EUR"),
        tax_category="S",
        tax_rate=Decimal("19"),
    )
    subtotals = compute_tax_subtotals((line,), (), "EUR")
    return Order(
        order_number=number,
        channel="edi",
        status="pending",
        order_date=date.today(),
        customer=PartyRef(gln=BUYER_GLN, name="Retail Mart Stores"),
        ship_to=PartyRef(
            name="Retail Mart DC 42",
            address=Address(
                role="ship_to",
                lines=("Hafenweg 5",),
                city="Hamburg",
                postal_code="20457",
                country="DE",
            ),
        ),
        currency="EUR",
        lines=(line,),
        tax_subtotals=subtotals,
        totals=compute_totals((line,), (), subtotals, "EUR"),
    )


def write_key(folder: Path, name: str) -> tuple[Path, str]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = folder / name
    path.write_bytes(key.export_private_key("openssh"))
    path.chmod(0o600)
    return path, key.export_public_key("openssh").decode().strip()


class PartnerDesk:
    """The retail customer's EDI desk: collects the hub's files and acknowledges them."""

    def __init__(self, customer: RetailCustomer, interval: float = 0.2) -> None:
        self.customer = customer
        self.interval = interval
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                try:
                    self.customer.collect()
                except Exception as exc:  # the mailbox may be busy; next round
                    self.errors.append(type(exc).__name__)

    def start(self) -> PartnerDesk:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            self.customer.collect()


@pytest.fixture(scope="module")
def api(landscape: Any) -> Api:
    return Api(landscape)


@pytest.fixture(scope="module")
def edi(landscape: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A mailbox on the embedded SFTP server, the partner profile, and the retail customer."""
    folder = tmp_path_factory.mktemp("o2c-edi")
    with EmbeddedSftpServer(folder / "sftp") as server:
        partner_key, partner_pub = write_key(folder, "partner_key")
        hub_key, hub_pub = write_key(folder, "hub_key")
        root = server.add_user("retailmart", partner_pub)
        hub_root = server.add_user("hubcorp", hub_pub)
        for child in hub_root.iterdir():
            child.rmdir()
        hub_root.rmdir()
        hub_root.symlink_to(root, target_is_directory=True)  # one mailbox, two logins
        partners = folder / "partners"
        partners.mkdir()
        profile = yaml.safe_load(
            (Path(__file__).parents[2] / "partners" / "retail-mart.yaml").read_text()
        )
        profile["sftp"] = {
            "host": server.host,
            "port": server.port,
            "user": "hubcorp",
            "key": f"file:{hub_key}",
            "host_key": {"fingerprint": server.host_key_fingerprint},
            "folders": {"inbox": "inbox", "outbox": "outbox", "archive": "archive"},
            "timeout": 10,
        }
        (partners / "retail-mart.yaml").write_text(yaml.safe_dump(profile))
        mailbox = Mailbox(
            server.host, server.port, "retailmart", partner_key, server.host_key_fingerprint
        )
        identity = Identity(standard="x12", own_id="RETAILMART", hub_id="HUBCORP", version="004010")
        customer = RetailCustomer(mailbox, identity)
        with landscape.sessions.begin() as session:
            hub_id = populate_or_lookup(session, "customer", "erp", CUSTOMER)
            link(session, "customer", hub_id, f"edi:{PARTNER}", BUYER_GLN)
        try:
            yield {"partners": partners, "customer": customer, "mailbox": mailbox}
        finally:
            mailbox.close()


@pytest.fixture(scope="module")
def warehouse(landscape: Any) -> Iterator[WarehouseStaff]:
    env = landscape.environ
    staff = WarehouseStaff(
        landscape.url("wms"), env["HUB_WMS_USER"], env["HUB_WMS_PASSWORD"], interval=0.1
    )
    yield staff
    staff.close()


@pytest.fixture(scope="module")
def first_run(
    landscape: Any, api: Api, edi: dict[str, Any], warehouse: WarehouseStaff
) -> dict[str, Any]:
    """Place a web order and a partner's 850, then run the whole process once."""
    stock = atp(api)
    sku = max((s for s in stock if not s.startswith("CMP")), key=lambda s: stock[s])
    api.post("oms", "/orders", web_order(WEB_REF, sku, 2))
    edi["customer"].send_order(partner_order(EDI_REF, sku, 3))
    deal = won_deal(api, sku, 1)
    desk = PartnerDesk(edi["customer"]).start()
    warehouse.start()
    try:
        refs = [WEB_REF, EDI_REF, deal]
        ctx = landscape.context("o2c-1", partners=edi["partners"], options={"o2c.order_refs": refs})
        result = run_process(PROCESS, ctx, wait_timeout=25)
    finally:
        warehouse.stop()
        desk.stop()
    return {"result": result, "sku": sku, "deal": deal}


def won_deal(api: Api, sku: str, qty: int) -> str:
    """A deal with the test customer's CRM account, taken to closed_won; its id."""
    account = api.get("crm", f"/accounts/by-external-id/erp/{CUSTOMER}")
    deal = api.post(
        "crm",
        "/opportunities",
        {
            "accountId": account["accountId"],
            "name": "O2C test deal",
            "stage": "negotiation",
            "currency": "EUR",
            "lines": [{"sku": sku, "quantity": qty, "price": "19.90"}],
        },
    )
    won = api.crm.patch(
        f"{api.urls['crm']}/opportunities/{deal['opportunityId']}",
        json={"stage": "closed_won"},
        headers={"If-Match": "*"},
        timeout=10,
    )
    won.raise_for_status()
    return str(deal["opportunityId"])


# --- tests -----------------------------------------------------------------------------------


def test_the_run_succeeds_and_reports_its_counts(first_run: dict[str, Any]) -> None:
    result = first_run["result"]
    assert result.status == "succeeded", result.error
    # The EDI order and the won CRM deal; the web one came into the OMS directly.
    assert result.counts["orders_created"] == 2
    assert result.steps["intake_crm_orders"]["orders_created"] == 1
    assert result.counts["orders_allocated"] == 3
    assert result.counts["orders_shipped"] == 3
    assert result.counts["orders_invoiced"] == 3
    assert result.counts["acks"] >= 3
    assert result.counts["dead_letters"] == 0


@pytest.mark.parametrize(("channel", "ref"), [("WEB", WEB_REF), ("EDI", EDI_REF)])
def test_an_order_is_shipped_invoiced_and_known_to_erp_and_crm(
    first_run: dict[str, Any], api: Api, landscape: Any, channel: str, ref: str
) -> None:
    order = api.get("oms", f"/orders/by-ref/{channel}/{ref}")
    assert order["status"] == "INVOICED"
    assert order["invoice_number"]
    shipments = api.get("wms", "/shipments", order_ref=ref)["items"]
    assert shipments
    assert all(s["status"] == "SHIPPED" and s["tracking_no"] for s in shipments)
    confirmations = api.get("oms", f"/orders/{order['id']}/shipments")
    assert {c["shipment_ref"] for c in confirmations} == {s["shp_no"] for s in shipments}

    sales_order = erp_call(landscape, "GetSalesOrder", ExternalRef=ref)
    assert sales_order["CustomerNo"] == CUSTOMER
    assert sales_order["Status"] == "INVOICED"
    assert [Decimal(str(i["ShippedQty"])) for i in sales_order["Item"]] == [
        Decimal(line["qty_ordered"]) for line in order["lines"]
    ]
    invoice = erp_call(landscape, "GetInvoice", InvoiceNo=order["invoice_number"])
    assert invoice["SalesOrderNo"] == sales_order["SalesOrderNo"]
    assert Decimal(str(invoice["GrossAmount"])) > Decimal(str(invoice["NetAmount"]))  # DE VAT

    account = api.get("crm", f"/accounts/by-external-id/erp/{CUSTOMER}")
    history = api.get("crm", f"/accounts/{account['accountId']}/orders")["items"]
    assert [h["orderNumber"] for h in history].count(ref) == 1


def test_a_won_crm_deal_becomes_an_oms_order_that_reaches_cash(
    first_run: dict[str, Any], api: Api, landscape: Any
) -> None:
    deal = api.get("crm", f"/opportunities/{first_run['deal']}")
    order = api.get("oms", f"/orders/by-ref/CRM/{first_run['deal']}")
    assert deal["orderRef"] == str(order["id"])
    assert order["status"] == "INVOICED"
    assert order["customer_ref"] == CUSTOMER
    assert [(line["item_sku"], int(line["qty_ordered"])) for line in order["lines"]] == [
        (first_run["sku"], 1)
    ]
    sales_order = erp_call(landscape, "GetSalesOrder", ExternalRef=first_run["deal"])
    assert (sales_order["CustomerNo"], sales_order["Status"]) == (CUSTOMER, "INVOICED")


def test_the_retail_partner_gets_855_856_810_and_its_997s_are_reconciled(
    first_run: dict[str, Any], edi: dict[str, Any], landscape: Any
) -> None:
    customer: RetailCustomer = edi["customer"]
    assert customer.still_waiting().get(EDI_REF) is None, customer.still_waiting()
    kinds = [k for r in customer.received if EDI_REF in r.orders for k in r.kinds]
    assert sorted(k for k in kinds if k != "997") == ["810", "855", "856"]
    with landscape.sessions() as session:
        item = get_item(session, "order_to_cash", f"EDI:{EDI_REF}")
        assert item is not None
        assert item.stage == "done", item.data
        documents = [session.get(EdiInterchange, i) for i in _interchanges(session, item)]
    assert {row.ack_status for row in documents if row is not None} == {"accepted"}


def _interchanges(session: Any, item: Any) -> list[int]:
    from hub.store.edi_documents import get_document

    ids = [item.data["ack_855"], *item.data["edi_docs"].values()]
    return [get_document(session, i).interchange_id for i in ids if i is not None]


def test_running_again_creates_nothing_twice(
    first_run: dict[str, Any], landscape: Any, api: Api, edi: dict[str, Any]
) -> None:
    before = {
        "oms": api.get("oms", "/orders", channel="EDI", limit=500),
        "wms": api.get("wms", "/shipments", page_size=1000)["total_items"],
    }
    outbox = sorted(p.name for p in (edi["partners"].parent / "sftp").rglob("*.edi"))
    ctx = landscape.context(
        "o2c-2", partners=edi["partners"], options={"o2c.order_refs": [WEB_REF, EDI_REF]}
    )
    again = run_process(PROCESS, ctx, wait_timeout=5)

    assert again.status == "succeeded", again.error
    created = {k: v for k, v in again.counts.items() if v and k != "edi_files_in"}
    assert created == {}
    assert api.get("oms", "/orders", channel="EDI", limit=500) == before["oms"]
    assert api.get("wms", "/shipments", page_size=1000)["total_items"] == before["wms"]
    assert sorted(p.name for p in (edi["partners"].parent / "sftp").rglob("*.edi")) == outbox
    account = api.get("crm", f"/accounts/by-external-id/erp/{CUSTOMER}")
    history = api.get("crm", f"/accounts/{account['accountId']}/orders")["items"]
    assert sorted(h["orderNumber"] for h in history if h["orderNumber"] in (WEB_REF, EDI_REF)) == [
        EDI_REF,
        WEB_REF,
    ]
    with landscape.sessions() as session:
        assert list(list_dead_letters(session)) == []


def test_an_urgent_order_gets_scarce_stock_first(
    first_run: dict[str, Any], landscape: Any, api: Api
) -> None:
    stock = atp(api)
    sku = min(
        (s for s in stock if stock[s] > 0 and not s.startswith("CMP")), key=lambda s: stock[s]
    )
    available = stock[sku]
    api.post("oms", "/orders", web_order("WEB-O2C-NORMAL", sku, available))
    api.post("oms", "/orders", web_order("WEB-O2C-URGENT", sku, available, priority="URGENT"))
    ctx = landscape.context(
        "o2c-3", options={"o2c.order_refs": ["WEB-O2C-NORMAL", "WEB-O2C-URGENT"]}
    )

    counts = PROCESS.step("allocate").run(ctx).counts

    assert counts["orders_allocated"] == 1
    assert counts["orders_backordered"] == 1
    urgent = api.get("oms", "/orders/by-ref/WEB/WEB-O2C-URGENT")
    normal = api.get("oms", "/orders/by-ref/WEB/WEB-O2C-NORMAL")
    assert urgent["status"] == "ALLOCATED"
    assert normal["status"] == "BACKORDERED"
    assert urgent["ordered_at"] > normal["ordered_at"]  # placed later, served first


def test_warehouse_staff_receive_an_asn_with_a_configured_discrepancy(
    landscape: Any, api: Api, warehouse: WarehouseStaff
) -> None:
    stock = atp(api)
    sku = next(s for s in sorted(stock) if s.startswith("FG"))
    whse = api.get("wms", "/warehouses")["items"][0]["whse"]
    api.post(
        "wms",
        "/asns",
        {
            "asn_no": "ASN-O2C-1",
            "po_ref": "PO-O2C-1",
            "whse": whse,
            "lines": [{"line_no": 1, "item_code": sku, "qty": 10}],
        },
    )
    warehouse.discrepancies["PO-O2C-1"] = Discrepancy(short=2, damaged=1)

    receipt = warehouse.receive_asn("ASN-O2C-1")

    assert receipt["lines"][0]["received_qty"] == 7
    assert {(d["kind"], d["qty"]) for d in receipt["discrepancies"]} == {
        ("SHORT", 2),
        ("DAMAGED", 1),
    }
    assert warehouse.receive_asn("ASN-O2C-1")["receipt_no"] == receipt["receipt_no"]
    assert api.get("wms", "/asns/ASN-O2C-1")["status"] == "RECEIVED"


def test_an_order_from_an_unknown_buyer_becomes_a_dead_letter_not_an_order(
    first_run: dict[str, Any], landscape: Any, api: Api, edi: dict[str, Any]
) -> None:
    order = partner_order("RM-PO-UNKNOWN", first_run["sku"], 1)
    stranger = order.model_copy(update={"customer": PartyRef(gln="4098765000010", name="Nobody")})
    edi["customer"].send_order(stranger)
    ctx = landscape.context("o2c-4", partners=edi["partners"])

    counts = PROCESS.step("intake_edi_orders").run(ctx).counts

    assert counts["dead_letters"] == 1
    assert counts["orders_created"] == 0
    with landscape.sessions() as session:
        letters = [d for d in list_dead_letters(session) if d.record_key == "RM-PO-UNKNOWN"]
    assert len(letters) == 1
    assert "no customer linked" in letters[0].message
    response = api.oms.get(f"{api.urls['oms']}/orders/by-ref/EDI/RM-PO-UNKNOWN", timeout=10)
    assert response.status_code == 404
