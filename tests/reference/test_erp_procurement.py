"""The ERP's procurement service, exercised through SOAP on loopback with zeep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

import pytest
import requests
import zeep
from lxml import etree
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

from reference.erp import SPEC
from reference.erp.procurement.seed_procurement import seed as seed_procurement
from reference.erp.procurement.service import OPERATIONS
from reference.kit.server import ServedApp, serve
from reference.seed.world import Product, Supplier, World

FAULT_NS = "urn:reference:erp:fault"
USER, PASSWORD = SPEC.credentials["REF_ERP_USER"], SPEC.credentials["REF_ERP_PASSWORD"]
TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory, demo_world: World) -> Iterator[ServedApp]:
    url = f"sqlite:///{tmp_path_factory.mktemp('erp-proc') / 'erp.db'}"
    SPEC.seed(url, demo_world)
    # Harmless when the ERP seed already loads procurement: seeding keeps existing rows.
    seed_procurement(url, demo_world)
    served = serve(SPEC.create_app(url), name="erp-procurement")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def proc(erp: ServedApp) -> Any:
    client = zeep.Client(
        f"{erp.base_url}/soap/procurement?wsdl", wsse=UsernameToken(USER, PASSWORD)
    )
    return client.service


def fault(call: Any, **kwargs: Any) -> tuple[str, str | None, str]:
    """(code, field, message) of the fault ``call(**kwargs)`` must raise."""
    with pytest.raises(Fault) as info:
        call(**kwargs)
    detail = info.value.detail
    code = detail.find(f".//{{{FAULT_NS}}}Code").text
    field = detail.find(f".//{{{FAULT_NS}}}Field")
    return code, None if field is None else field.text, info.value.message


def vendor_no(proc: Any, supplier: Supplier) -> str:
    return proc.GetVendor(ExternalRef=supplier.number).VendorNo


def approved(world: World, index: int = 0) -> Supplier:
    return [s for s in world.suppliers if s.status == "approved"][index]


def product(world: World, sku: str) -> Product:
    return next(p for p in world.products if p.sku == sku)


def item(material: str, qty: str, price: str, **extra: Any) -> dict[str, Any]:
    return {
        "MaterialNo": material,
        "Quantity": Decimal(qty),
        "Unit": "ST",
        "NetPrice": Decimal(price),
        "DeliveryDate": TODAY + timedelta(days=7),
        **extra,
    }


def create_po(proc: Any, ref: str, vendor: str, *items: dict[str, Any], plant: str = "1000") -> Any:
    return proc.CreatePurchaseOrder(ExternalRef=ref, VendorNo=vendor, Plant=plant, Item=list(items))


def receive(proc: Any, po_no: str, *lines: tuple[int, str], **extra: Any) -> Any:
    return proc.PostGoodsReceipt(
        PurchaseOrderNo=po_no,
        Item=[{"PoItemNo": n, "Quantity": Decimal(q)} for n, q in lines],
        **extra,
    )


def invoice(proc: Any, vendor: str, ref: str, po_no: str, *lines: tuple[int, str, str]) -> Any:
    return proc.PostSupplierInvoice(
        VendorNo=vendor,
        Reference=ref,
        PurchaseOrderNo=po_no,
        InvoiceDate=TODAY,
        Currency=proc.GetPurchaseOrder(PurchaseOrderNo=po_no).Currency,
        Item=[
            {"PoItemNo": n, "Quantity": Decimal(q), "UnitPrice": Decimal(p)} for n, q, p in lines
        ],
    ).MatchResult


def reasons(match: Any) -> list[list[str]]:
    return [list(line.ReasonCode) for line in match.Item]


# --- auth and vendors ------------------------------------------------------------------


def test_operations_need_a_username_token(erp: ServedApp) -> None:
    bare = zeep.Client(f"{erp.base_url}/soap/procurement?wsdl").service
    code, _field, _msg = fault(bare.GetMatchTolerances)
    assert code == "AUTH"


def test_wsdl_is_served_with_its_address_rewritten(erp: ServedApp) -> None:
    body = requests.get(f"{erp.base_url}/soap/procurement?wsdl", timeout=10).text
    assert f'location="{erp.base_url}/soap/procurement"' in body
    assert "PostSupplierInvoice" in body


def test_seeded_vendors_carry_supplier_numbers_and_blocks(proc: Any, demo_world: World) -> None:
    for supplier in demo_world.suppliers:
        if supplier.status == "prospect":
            code, field, _ = fault(proc.GetVendor, ExternalRef=supplier.number)
            assert (code, field) == ("NOT_FOUND", "ExternalRef")
            continue
        vendor = proc.GetVendor(ExternalRef=supplier.number)
        assert len(vendor.VendorNo) == 10
        assert vendor.VendorNo.isdigit()
        assert vendor.Name1 == supplier.name
        assert vendor.PostingBlock is (supplier.status in ("blocked", "suspended"))
        assert proc.GetVendor(VendorNo=vendor.VendorNo).ExternalRef == supplier.number


def test_upsert_vendors_reports_each_record(proc: Any) -> None:
    before = datetime.now(UTC)
    results = proc.UpsertVendors(
        Vendor=[
            {
                "Name1": "Nordwind GmbH",
                "CountryKey": "DE",
                "PaymentTermsKey": "Z030",
                "ExternalRef": "SRM-NEW-1",
                "VatRegNo": "DE123456789",
            },
            {"Name1": "Broken Ltd", "CountryKey": "Germany", "PaymentTermsKey": "Z030"},
            {
                "Name1": "Tulip BV",
                "CountryKey": "NL",
                "PaymentTermsKey": "Z014",
                "Currency": "EUR",
                "ExternalRef": "SRM-NEW-2",
            },
        ]
    )
    assert [r.Index for r in results] == [0, 1, 2]
    assert results[0].Action == "CREATED"
    assert results[2].Action == "CREATED"
    assert results[1].Action is None
    assert (results[1].ErrorCode, results[1].ErrorField) == ("VALIDATION", "CountryKey")
    new_no = results[0].Key
    assert proc.GetVendor(VendorNo=new_no).Name1 == "Nordwind GmbH"
    # The same record again changes nothing; a change is an update found by ExternalRef.
    again = proc.UpsertVendors(
        Vendor=[
            {
                "Name1": "Nordwind GmbH",
                "CountryKey": "DE",
                "PaymentTermsKey": "Z030",
                "ExternalRef": "SRM-NEW-1",
                "VatRegNo": "DE123456789",
            }
        ]
    )
    assert (again[0].Action, again[0].Key) == ("UNCHANGED", new_no)
    renamed = proc.UpsertVendors(
        Vendor=[
            {
                "Name1": "Nordwind AG",
                "CountryKey": "DE",
                "PaymentTermsKey": "Z030",
                "ExternalRef": "SRM-NEW-1",
            }
        ]
    )
    assert (renamed[0].Action, renamed[0].Key) == ("UPDATED", new_no)

    seen: list[str] = []
    token = None
    while True:
        page = proc.GetVendorsChangedSince(
            ChangedSince=before, MaxRecords=1, ContinuationToken=token
        )
        seen += [v.VendorNo for v in page.Vendor]
        token = page.ContinuationToken
        if token is None:
            break
    assert seen.count(new_no) == 1
    assert results[2].Key in seen


def test_upsert_vendors_refuses_more_than_500(proc: Any) -> None:
    batch = [{"Name1": f"V{i}", "CountryKey": "DE", "PaymentTermsKey": "Z030"} for i in range(501)]
    code, field, _ = fault(proc.UpsertVendors, Vendor=batch)
    assert (code, field) == ("BATCH_LIMIT", "Vendor")


def test_blocked_vendor_cannot_get_a_po(proc: Any, demo_world: World) -> None:
    blocked = next(s for s in demo_world.suppliers if s.status == "blocked")
    code, field, _ = fault(
        proc.CreatePurchaseOrder,
        ExternalRef="PO-BLOCKED-1",
        VendorNo=vendor_no(proc, blocked),
        Plant="1000",
        Item=[item(blocked.skus[0], "5", "3.00")],
    )
    assert (code, field) == ("VENDOR_BLOCKED", "VendorNo")
    # A block set later through UpsertVendors (as the SRM does) stops new POs too.
    result = proc.UpsertVendors(
        Vendor=[
            {
                "Name1": "Soon Blocked",
                "CountryKey": "DE",
                "PaymentTermsKey": "Z030",
                "ExternalRef": "SRM-BLK-1",
            }
        ]
    )[0]
    assert create_po(proc, "PO-BLOCKED-2", result.Key, item("CMP-1000", "1", "1.00")).Created
    proc.UpsertVendors(
        Vendor=[
            {
                "Name1": "Soon Blocked",
                "CountryKey": "DE",
                "PaymentTermsKey": "Z030",
                "ExternalRef": "SRM-BLK-1",
                "PostingBlock": True,
            }
        ]
    )
    code, _field, _ = fault(
        proc.CreatePurchaseOrder,
        ExternalRef="PO-BLOCKED-3",
        VendorNo=result.Key,
        Plant="1000",
        Item=[item("CMP-1000", "1", "1.00")],
    )
    assert code == "VENDOR_BLOCKED"


# --- purchase orders ---------------------------------------------------------------------


def test_create_purchase_order_is_idempotent_by_external_ref(proc: Any, demo_world: World) -> None:
    supplier = approved(demo_world)
    vendor = vendor_no(proc, supplier)
    first = create_po(
        proc,
        "PO-IDEM-1",
        vendor,
        item(supplier.skus[0], "10", "2.50"),
        item(supplier.skus[1], "4", "1.25"),
    )
    po = first.PurchaseOrder
    assert first.Created is True
    assert po.PurchaseOrderNo.startswith("45000")
    assert len(po.PurchaseOrderNo) == 10
    assert [i.ItemNo for i in po.Item] == [10, 20]
    assert po.NetValue == Decimal("30.00")
    assert po.Status == "OPEN"
    assert po.Currency == "EUR"
    again = create_po(proc, "PO-IDEM-1", vendor, item(supplier.skus[0], "10", "2.50"))
    assert again.Created is False
    assert again.PurchaseOrder.PurchaseOrderNo == po.PurchaseOrderNo
    assert proc.GetPurchaseOrder(ExternalRef="PO-IDEM-1").PurchaseOrderNo == po.PurchaseOrderNo


def test_purchase_order_validation_names_the_field(proc: Any, demo_world: World) -> None:
    vendor = vendor_no(proc, approved(demo_world))
    code, field, _ = fault(
        proc.CreatePurchaseOrder,
        ExternalRef="PO-BAD-1",
        VendorNo=vendor,
        Plant="1000",
        Item=[item("CMP-1000", "1", "1"), item("NO-SUCH-MATERIAL", "1", "1")],
    )
    assert (code, field) == ("NOT_FOUND", "Item[20]/MaterialNo")
    code, field, _ = fault(
        proc.CreatePurchaseOrder,
        ExternalRef="PO-BAD-2",
        VendorNo=vendor,
        Plant="1000",
        Item=[item("CMP-1000", "-3", "1")],
    )
    assert (code, field) == ("VALIDATION", "Item[10]/Quantity")
    code, field, _ = fault(
        proc.CreatePurchaseOrder,
        ExternalRef="PO-BAD-3",
        VendorNo="9999999999",
        Plant="1000",
        Item=[item("CMP-1000", "1", "1")],
    )
    assert (code, field) == ("NOT_FOUND", "VendorNo")
    code, field, _ = fault(proc.GetPurchaseOrder, PurchaseOrderNo="4599999999")
    assert (code, field) == ("NOT_FOUND", "PurchaseOrderNo")


def test_confirmation_cancel_and_listing(proc: Any, demo_world: World) -> None:
    supplier = approved(demo_world, 1)
    vendor = vendor_no(proc, supplier)
    since = datetime.now(UTC)
    po = create_po(
        proc,
        "PO-CONF-1",
        vendor,
        item(supplier.skus[0], "12", "4.00"),
        item(supplier.skus[1], "6", "9.00"),
    ).PurchaseOrder
    confirmed = proc.UpdatePurchaseOrderConfirmation(
        PurchaseOrderNo=po.PurchaseOrderNo,
        Item=[
            {
                "ItemNo": 10,
                "ConfirmedQuantity": Decimal("10"),
                "ConfirmedPrice": Decimal("4.10"),
                "ConfirmedDate": TODAY + timedelta(days=9),
            }
        ],
    )
    first = confirmed.Item[0]
    assert (first.ConfirmedQuantity, first.ConfirmedPrice) == (Decimal("10"), Decimal("4.10"))
    assert first.ConfirmedDate == TODAY + timedelta(days=9)
    assert confirmed.Item[1].ConfirmedQuantity is None
    code, field, _ = fault(
        proc.UpdatePurchaseOrderConfirmation,
        PurchaseOrderNo=po.PurchaseOrderNo,
        Item=[{"ItemNo": 30, "ConfirmedQuantity": Decimal("1")}],
    )
    assert (code, field) == ("NOT_FOUND", "Item[30]/ItemNo")

    other = create_po(proc, "PO-CONF-2", vendor, item(supplier.skus[2], "3", "1.00"))
    cancelled = proc.CancelPurchaseOrder(PurchaseOrderNo=other.PurchaseOrder.PurchaseOrderNo)
    assert cancelled.Status == "CANCELLED"
    code, _field, _ = fault(
        proc.PostGoodsReceipt,
        PurchaseOrderNo=cancelled.PurchaseOrderNo,
        Item=[{"PoItemNo": 10, "Quantity": Decimal("1")}],
    )
    assert code == "PO_NOT_OPEN"

    listed = proc.ListPurchaseOrders(ChangedSince=since, VendorNo=vendor)
    numbers = [p.PurchaseOrderNo for p in listed.PurchaseOrder]
    assert po.PurchaseOrderNo in numbers
    assert cancelled.PurchaseOrderNo in numbers
    only_cancelled = proc.ListPurchaseOrders(ChangedSince=since, Status="CANCELLED")
    assert [p.PurchaseOrderNo for p in only_cancelled.PurchaseOrder] == [cancelled.PurchaseOrderNo]
    changed = [p.ChangedAt for p in listed.PurchaseOrder]
    assert changed == sorted(changed)
    assert all(c >= since for c in changed)


# --- goods receipts ------------------------------------------------------------------------


def test_over_receipt_beyond_tolerance_is_refused(proc: Any, demo_world: World) -> None:
    supplier = approved(demo_world, 2)
    vendor = vendor_no(proc, supplier)
    tol = proc.GetMatchTolerances().OverDeliveryPct
    po = create_po(
        proc,
        "PO-GR-1",
        vendor,
        item(supplier.skus[0], "100", "1.00"),
        item(supplier.skus[1], "10", "1.00", OverDeliveryTolerance=Decimal("0")),
    ).PurchaseOrder
    limit = Decimal(100) * (100 + tol) / 100
    code, field, message = fault(
        proc.PostGoodsReceipt,
        PurchaseOrderNo=po.PurchaseOrderNo,
        Item=[{"PoItemNo": 10, "Quantity": limit + 1}],
    )
    assert (code, field) == ("OVER_RECEIPT", "Item[10]/Quantity")
    assert "item 10" in message
    # Within tolerance is fine; the item with 0% takes exactly its quantity and no more.
    receipt = receive(proc, po.PurchaseOrderNo, (10, str(limit)), ExternalRef="WMS-RCV-1")
    assert receipt.Created is True
    assert receipt.PurchaseOrderStatus == "PARTRCVD"
    gr = receipt.GoodsReceipt
    assert gr.GoodsReceiptNo.startswith("50000")
    assert len(gr.GoodsReceiptNo) == 10
    code, field, _ = fault(
        proc.PostGoodsReceipt,
        PurchaseOrderNo=po.PurchaseOrderNo,
        Item=[{"PoItemNo": 20, "Quantity": Decimal("10.001")}],
    )
    assert (code, field) == ("OVER_RECEIPT", "Item[20]/Quantity")
    # Two lines on one item count together.
    code, field, _ = fault(
        proc.PostGoodsReceipt,
        PurchaseOrderNo=po.PurchaseOrderNo,
        Item=[
            {"PoItemNo": 20, "Quantity": Decimal("6")},
            {"PoItemNo": 20, "Quantity": Decimal("5")},
        ],
    )
    assert (code, field) == ("OVER_RECEIPT", "Item[20]/Quantity")
    done = receive(proc, po.PurchaseOrderNo, (20, "10"))
    assert done.PurchaseOrderStatus == "RECEIVED"
    # The same WMS receipt again posts nothing new.
    repeat = receive(proc, po.PurchaseOrderNo, (10, "1"), ExternalRef="WMS-RCV-1")
    assert repeat.Created is False
    assert repeat.GoodsReceipt.GoodsReceiptNo == gr.GoodsReceiptNo

    receipts = proc.GetGoodsReceipts(PurchaseOrderNo=po.PurchaseOrderNo)
    assert [r.GoodsReceiptNo for r in receipts] == [
        gr.GoodsReceiptNo,
        done.GoodsReceipt.GoodsReceiptNo,
    ]
    assert receipts[0].Item[0].Quantity == limit
    assert receipts[0].Item[0].Plant == "1000"
    po_now = proc.GetPurchaseOrder(PurchaseOrderNo=po.PurchaseOrderNo)
    assert [i.ReceivedQuantity for i in po_now.Item] == [limit, Decimal(10)]


# --- supplier invoices and the 3-way match --------------------------------------------------


def test_invoice_within_tolerance_matches_and_closes_the_po(proc: Any, demo_world: World) -> None:
    supplier = approved(demo_world, 3)
    vendor = vendor_no(proc, supplier)
    po = create_po(
        proc,
        "PO-3WM-1",
        vendor,
        item(supplier.skus[0], "10", "5.00"),
        item(supplier.skus[1], "4", "20.00"),
    ).PurchaseOrder
    receive(proc, po.PurchaseOrderNo, (10, "10"), (20, "4"))
    price_pct = proc.GetMatchTolerances().PricePct
    near = (Decimal("5.00") * (1 + price_pct / 200)).quantize(Decimal("0.0001"))
    match = invoice(
        proc, vendor, "INV-3WM-1", po.PurchaseOrderNo, (10, "10", str(near)), (20, "4", "20.00")
    )
    assert match.InvoiceDocNo.startswith("51056")
    assert (match.MatchStatus, match.PaymentStatus) == ("MATCHED", "RELEASED")
    assert reasons(match) == [[], []]
    assert match.NetAmount == (10 * near + 80).quantize(Decimal("0.01"))
    assert proc.GetPurchaseOrder(PurchaseOrderNo=po.PurchaseOrderNo).Status == "CLOSED"
    stored = proc.GetMatchResult(VendorNo=vendor, Reference="INV-3WM-1")
    assert stored.InvoiceDocNo == match.InvoiceDocNo
    assert stored.MatchStatus == "MATCHED"


def test_invoice_outside_tolerance_is_an_exception_with_reasons(
    proc: Any, demo_world: World
) -> None:
    supplier = approved(demo_world, 4)
    vendor = vendor_no(proc, supplier)
    po = create_po(
        proc,
        "PO-3WM-2",
        vendor,
        item(supplier.skus[0], "10", "5.00"),
        item(supplier.skus[1], "10", "5.00"),
        item(supplier.skus[2], "10", "5.00"),
    ).PurchaseOrder
    receive(proc, po.PurchaseOrderNo, (10, "8"), (20, "10"))
    match = invoice(
        proc,
        vendor,
        "INV-3WM-2",
        po.PurchaseOrderNo,
        (10, "10", "5.00"),  # 10 billed, 8 received
        (20, "10", "5.50"),  # +10 % on price
        (30, "1", "5.00"),  # nothing received
        (40, "1", "5.00"),  # no such PO item
    )
    assert (match.MatchStatus, match.PaymentStatus) == ("EXCEPTION", "BLOCKED")
    assert reasons(match) == [
        ["QTY_OVER_RECEIVED"],
        ["PRICE_VARIANCE"],
        ["NO_RECEIPT"],
        ["UNKNOWN_LINE"],
    ]
    assert [line.MatchStatus for line in match.Item] == ["EXCEPTION"] * 4
    assert match.Item[0].ReceivedQuantity == Decimal(8)
    # The stored result is what GetMatchResult answers, and a repeat does not post again.
    assert reasons(proc.GetMatchResult(InvoiceDocNo=match.InvoiceDocNo)) == reasons(match)
    repeat = proc.PostSupplierInvoice(
        VendorNo=vendor,
        Reference="INV-3WM-2",
        PurchaseOrderNo=po.PurchaseOrderNo,
        InvoiceDate=TODAY,
        Currency=po.Currency,
        Item=[{"PoItemNo": 10, "Quantity": Decimal(1), "UnitPrice": Decimal(5)}],
    )
    assert repeat.Created is False
    assert repeat.MatchResult.InvoiceDocNo == match.InvoiceDocNo

    code, field, _ = fault(proc.ApproveMatchException, InvoiceDocNo=match.InvoiceDocNo, Comment=" ")
    assert (code, field) == ("VALIDATION", "Comment")
    approved_match = proc.ApproveMatchException(
        InvoiceDocNo=match.InvoiceDocNo, Comment="price rise agreed by phone"
    )
    assert approved_match.PaymentStatus == "RELEASED"
    assert approved_match.ApprovedBy == USER
    assert approved_match.ApprovalComment == "price rise agreed by phone"
    assert approved_match.MatchStatus == "EXCEPTION"


def test_quantity_already_invoiced_counts_against_receipts(proc: Any, demo_world: World) -> None:
    supplier = approved(demo_world, 5)
    vendor = vendor_no(proc, supplier)
    po = create_po(proc, "PO-3WM-3", vendor, item(supplier.skus[0], "10", "5.00")).PurchaseOrder
    receive(proc, po.PurchaseOrderNo, (10, "10"))
    first = invoice(proc, vendor, "INV-3WM-3a", po.PurchaseOrderNo, (10, "6", "5.00"))
    second = invoice(proc, vendor, "INV-3WM-3b", po.PurchaseOrderNo, (10, "6", "5.00"))
    assert first.MatchStatus == "MATCHED"
    assert reasons(second) == [["QTY_OVER_RECEIVED"]]
    assert second.Item[0].PreviouslyInvoicedQuantity == Decimal(6)


def test_match_tolerances_are_configurable(proc: Any, demo_world: World) -> None:
    original = proc.GetMatchTolerances()
    supplier = approved(demo_world, 6)
    vendor = vendor_no(proc, supplier)
    po = create_po(
        proc,
        "PO-3WM-4",
        vendor,
        item(supplier.skus[0], "100", "2.00"),
        item(supplier.skus[1], "10", "2.00"),
    ).PurchaseOrder
    receive(proc, po.PurchaseOrderNo, (10, "100"), (20, "10"))
    try:
        # 1 % price tolerance, but at most 0.50 per line; 10 % more quantity than received.
        proc.SetMatchTolerances(
            OverDeliveryPct=original.OverDeliveryPct,
            QtyOverPct=Decimal(10),
            PricePct=Decimal(1),
            PriceAbs=Decimal("0.50"),
        )
        match = invoice(
            proc,
            vendor,
            "INV-3WM-4",
            po.PurchaseOrderNo,
            (10, "100", "2.01"),  # 0.5 % but 1.00 over on the line
            (20, "11", "2.01"),  # 10 % over received, 0.11 over on the line
        )
        assert reasons(match) == [["PRICE_VARIANCE"], []]
        assert match.Tolerances.PriceAbs == Decimal("0.50")
        assert match.Tolerances.QtyOverPct == Decimal(10)
    finally:
        proc.SetMatchTolerances(
            OverDeliveryPct=original.OverDeliveryPct,
            QtyOverPct=original.QtyOverPct,
            PricePct=original.PricePct,
            PriceAbs=original.PriceAbs,
        )
    code, field, _ = fault(
        proc.SetMatchTolerances, OverDeliveryPct=Decimal(5), QtyOverPct=Decimal(-1)
    )
    assert (code, field) == ("VALIDATION", "QtyOverPct")


def test_invoice_for_another_vendors_po_is_refused(proc: Any, demo_world: World) -> None:
    supplier, other = approved(demo_world, 7), approved(demo_world, 8)
    po = create_po(proc, "PO-3WM-5", vendor_no(proc, supplier), item(supplier.skus[0], "1", "1"))
    code, field, _ = fault(
        proc.PostSupplierInvoice,
        VendorNo=vendor_no(proc, other),
        Reference="INV-X",
        PurchaseOrderNo=po.PurchaseOrder.PurchaseOrderNo,
        InvoiceDate=TODAY,
        Currency=po.PurchaseOrder.Currency,
        Item=[{"PoItemNo": 10, "Quantity": Decimal(1), "UnitPrice": Decimal(1)}],
    )
    assert (code, field) == ("VENDOR_MISMATCH", "VendorNo")


# --- stock and reorder proposals ---------------------------------------------------------


def test_stock_is_seeded_per_plant_and_stale_snapshots_are_refused(
    proc: Any, demo_world: World
) -> None:
    sku = demo_world.products[1].sku
    expected = sum(lot.quantity for lot in demo_world.stock if lot.sku == sku)
    rows = proc.GetStock(MaterialNo=sku).Stock
    assert sum(r.Unrestricted for r in rows) == expected
    assert {r.Plant for r in rows} <= {"1000", "1100", "1200"}

    as_of = datetime.now(UTC)
    line = {
        "MaterialNo": sku,
        "Plant": "1100",
        "Unrestricted": Decimal(70),
        "Allocated": Decimal(5),
    }
    applied = proc.ImportStockSnapshot(SnapshotSequence=5, AsOf=as_of, Line=[line])
    assert applied.Applied == 1
    assert not applied.Rejected
    older = dict(line, Unrestricted=Decimal(1))
    code, field, message = fault(
        proc.ImportStockSnapshot,
        SnapshotSequence=4,
        AsOf=as_of + timedelta(seconds=1),
        Line=[older],
    )
    assert (code, field) == ("STALE_SNAPSHOT", "SnapshotSequence")
    assert "1100" in message
    code, _field, _ = fault(
        proc.ImportStockSnapshot, SnapshotSequence=6, AsOf=as_of - timedelta(hours=1), Line=[older]
    )
    assert code == "STALE_SNAPSHOT"
    level = proc.GetStock(MaterialNo=sku, Plant="1100").Stock[0]
    assert (level.Unrestricted, level.Allocated, level.Available) == (70, 5, 65)

    mixed = proc.ImportStockSnapshot(
        SnapshotSequence=5,
        AsOf=as_of,
        Line=[dict(line, Unrestricted=Decimal(71)), dict(line, MaterialNo="NO-SUCH")],
    )
    assert mixed.Applied == 1
    assert [(r.Index, r.ErrorCode) for r in mixed.Rejected] == [(1, "NOT_FOUND")]

    page = proc.GetStock(Plant="1000", MaxRecords=2)
    assert len(page.Stock) == 2
    assert page.ContinuationToken
    following = proc.GetStock(Plant="1000", MaxRecords=2, ContinuationToken=page.ContinuationToken)
    assert following.Stock[0].MaterialNo > page.Stock[-1].MaterialNo


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def test_reorder_proposals_explode_boms_and_respect_open_pos(proc: Any, demo_world: World) -> None:
    plant = "1200"
    finished = next(p for p in demo_world.products if p.kind == "finished")
    in_boms = {line.component_sku for p in demo_world.products for line in p.bom}
    merch = next(
        p
        for p in demo_world.products
        if p.kind == "merchandise"
        and p.sku not in in_boms
        and any(s.status == "approved" and p.sku in s.skus for s in demo_world.suppliers)
    )
    empty = [finished.sku, merch.sku, *(line.component_sku for line in finished.bom)]
    proc.ImportStockSnapshot(
        SnapshotSequence=1,
        AsOf=datetime.now(UTC),
        Line=[
            {"MaterialNo": sku, "Plant": plant, "Unrestricted": 0, "Allocated": 0} for sku in empty
        ],
    )

    proposals = {p.MaterialNo: p for p in proc.GetReorderProposals(Plant=plant).Proposal}
    fg = proposals[finished.sku]
    assert (fg.ProposalType, fg.ProcurementType, fg.Reason) == (
        "PRODUCTION",
        "E",
        "BELOW_REORDER_POINT",
    )
    assert fg.SuggestedVendor is None
    assert fg.Quantity == _ceil(
        max(Decimal(finished.reorder_quantity), Decimal(finished.reorder_point))
    )
    for line in finished.bom:
        comp = proposals[line.component_sku]
        component = product(demo_world, line.component_sku)
        assert finished.sku in comp.RequiredFor
        assert comp.ProposalType == "PURCHASE"
        assert comp.ProjectedStock == 0
        demand = sum(
            proposals[parent].Quantity
            * next(
                b.quantity
                for b in product(demo_world, parent).bom
                if b.component_sku == line.component_sku
            )
            for parent in comp.RequiredFor
        )
        assert comp.DependentDemand == demand >= fg.Quantity * line.quantity
        shortfall = Decimal(component.reorder_point) + demand
        assert comp.Quantity == _ceil(max(Decimal(component.reorder_quantity), shortfall))

    m = proposals[merch.sku]
    first_source = next(
        s for s in demo_world.suppliers if s.status == "approved" and merch.sku in s.skus
    )
    assert m.SuggestedVendor == vendor_no(proc, first_source)
    assert m.Quantity == _ceil(max(Decimal(merch.reorder_quantity), Decimal(merch.reorder_point)))
    assert m.DeliveryDate == TODAY + timedelta(days=merch.lead_time_days)

    # An open PO covering the reorder point takes the material off the list.
    create_po(
        proc,
        "PO-MRP-1",
        m.SuggestedVendor,
        item(merch.sku, str(merch.reorder_point), "1.00"),
        plant=plant,
    )
    after = {p.MaterialNo for p in proc.GetReorderProposals(Plant=plant).Proposal}
    assert merch.sku not in after
    assert finished.sku in after


# --- cost postings ---------------------------------------------------------------------------


def test_cost_postings_are_idempotent_by_approval(proc: Any) -> None:
    since = datetime.now(UTC)
    claim = {
        "ApprovalId": "OA-TRV-0001",
        "ClaimType": "TRAVEL",
        "CostCenter": "CC4100",
        "GLAccount": "474100",
        "Amount": Decimal("412.30"),
        "Currency": "EUR",
        "Employee": "mgr.meyer",
        "Text": "Trade fair Cologne",
    }
    first = proc.PostCostPosting(**claim)
    posting = first.CostPosting
    assert first.Created is True
    assert posting.DocumentNo.startswith("10000")
    assert (posting.Amount, posting.GLAccount) == (Decimal("412.30"), "0000474100")
    again = proc.PostCostPosting(**claim)
    assert again.Created is False
    assert again.CostPosting.DocumentNo == posting.DocumentNo
    code, field, _ = fault(proc.PostCostPosting, **dict(claim, Amount=Decimal("500.00")))
    assert (code, field) == ("CONFLICT", "ApprovalId")
    code, field, _ = fault(
        proc.PostCostPosting, **dict(claim, ApprovalId="OA-EXP-9", GLAccount="100000")
    )
    assert (code, field) == ("VALIDATION", "GLAccount")
    code, field, _ = fault(
        proc.PostCostPosting, **dict(claim, ApprovalId="OA-EXP-9", Amount=Decimal("1.005"))
    )
    assert (code, field) == ("VALIDATION", "Amount")
    second = proc.PostCostPosting(
        **dict(claim, ApprovalId="OA-EXP-0002", ClaimType="EXPENSE", CostCenter="CC4200")
    ).CostPosting
    listed = proc.ListCostPostings(ChangedSince=since)
    assert [c.DocumentNo for c in listed.CostPosting] == [posting.DocumentNo, second.DocumentNo]
    by_center = proc.ListCostPostings(ChangedSince=since, CostCenter="CC4200")
    assert [c.ApprovalId for c in by_center.CostPosting] == ["OA-EXP-0002"]


def test_every_operation_is_in_the_wsdl(erp: ServedApp) -> None:
    wsdl = etree.fromstring(
        requests.get(f"{erp.base_url}/soap/procurement?wsdl", timeout=10).content
    )
    ns = {"wsdl": "http://schemas.xmlsoap.org/wsdl/"}
    declared = {op.get("name") for op in wsdl.iterfind("wsdl:portType/wsdl:operation", ns)}
    assert declared == set(OPERATIONS)
