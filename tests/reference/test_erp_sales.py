"""The reference ERP's sales service, through zeep on loopback only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import zeep
from zeep.wsse.username import UsernameToken

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

FAULT_NS = "urn:reference:erp:fault"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
WORLD = World(seed=42, size="demo")


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    spec = get_spec("erp")
    url = f"sqlite:///{tmp_path_factory.mktemp('erp') / 'erp.db'}"
    spec.seed(url, WORLD)
    served = serve(spec.create_app(url), name="erp", port=0)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def sales(erp: ServedApp) -> Any:
    wsse = UsernameToken("hub", "erp-demo-secret")
    return zeep.Client(f"{erp.base_url}/soap/sales?wsdl", wsse=wsse).service


def fault_of(caught: pytest.ExceptionInfo[zeep.exceptions.Fault]) -> tuple[str | None, str | None]:
    detail = caught.value.detail
    erp_fault = f"{{{FAULT_NS}}}ErpFault"
    return (
        detail.findtext(f"{erp_fault}/{{{FAULT_NS}}}Code"),
        detail.findtext(f"{erp_fault}/{{{FAULT_NS}}}Field"),
    )


def new_customer(**overrides: Any) -> dict[str, Any]:
    record = {
        "Name1": "Testkunde GmbH",
        "Street": "Hauptstr. 1",
        "PostalCode": "10115",
        "City": "Berlin",
        "CountryKey": "DE",
        "VatRegNo": "DE123456789",
        "Email": "einkauf@testkunde.example",
        "Currency": "EUR",
        "PaymentTermsKey": "Z030",
    }
    record.update(overrides)
    return record


def create_customer(sales: Any, limit: Decimal) -> str:
    [result] = sales.UpsertCustomers(Customer=[new_customer()])
    assert result.Action == "CREATED"
    sales.SetCreditLimit(CustomerNo=result.Key, CreditLimit=limit)
    return str(result.Key)


def sellable() -> list[str]:
    return [p.sku for p in WORLD.products if p.kind != "component"]


# --- customers ---------------------------------------------------------------------


def test_changed_since_paging_reads_every_seeded_customer_once(sales: Any) -> None:
    expected = {c.number for c in WORLD.customers() if c.in_erp}
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = sales.GetCustomersChangedSince(
            ChangedSince=EPOCH, MaxRecords=37, ContinuationToken=token
        )
        seen.extend(c.CustomerNo for c in page.Customer)
        order = [(c.ChangedAt, c.CustomerNo) for c in page.Customer]
        assert order == sorted(order)
        pages += 1
        token = page.ContinuationToken
        if token is None:
            break
    assert pages > 2
    assert len(seen) == len(set(seen))
    assert expected <= set(seen)


def test_seeded_customer_keeps_the_erp_dirt_and_native_codes(sales: Any) -> None:
    dirty = next(c for c in WORLD.customers() if c.in_erp and c.erp_name != c.legal_name)
    customer = sales.GetCustomer(CustomerNo=dirty.number)
    assert customer.Name1 == dirty.erp_name
    assert customer.CountryKey == dirty.country
    assert customer.PaymentTermsKey.startswith("Z")
    assert customer.CreditLimit == dirty.credit_limit


def test_records_written_while_paging_come_after_the_cursor(sales: Any) -> None:
    since = datetime.now(UTC)
    create_customer(sales, Decimal("100.00"))
    create_customer(sales, Decimal("100.00"))
    first = sales.GetCustomersChangedSince(ChangedSince=since, MaxRecords=1)
    assert len(first.Customer) == 1
    assert first.ContinuationToken is not None
    late = create_customer(sales, Decimal("100.00"))
    rest = sales.GetCustomersChangedSince(
        ChangedSince=since, MaxRecords=100, ContinuationToken=first.ContinuationToken
    )
    assert late in [c.CustomerNo for c in rest.Customer]
    assert first.Customer[0].CustomerNo not in [c.CustomerNo for c in rest.Customer]


def test_a_foreign_continuation_token_is_a_validation_fault(sales: Any) -> None:
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.GetCustomersChangedSince(ChangedSince=EPOCH, ContinuationToken="bm90LW91cnM")
    assert fault_of(caught) == ("VALIDATION", "ContinuationToken")


def test_batch_upsert_reports_bad_records_and_lands_the_rest(sales: Any) -> None:
    results = sales.UpsertCustomers(
        Customer=[
            new_customer(Name1="Good One AG"),
            new_customer(CountryKey="Germany"),
            new_customer(Name1="Good Two AG", PaymentTermsKey="Z030"),
            new_customer(PaymentTermsKey="NET30"),
        ]
    )
    assert [r.Index for r in results] == [0, 1, 2, 3]
    assert [r.ErrorField for r in results] == [None, "CountryKey", None, "PaymentTermsKey"]
    assert results[1].ErrorCode == "VALIDATION"
    assert sales.GetCustomer(CustomerNo=results[0].Key).Name1 == "Good One AG"
    assert sales.GetCustomer(CustomerNo=results[2].Key).Name1 == "Good Two AG"


def test_upsert_updates_only_on_change_so_echoes_are_silent(sales: Any) -> None:
    number = create_customer(sales, Decimal("10.00"))
    before = sales.GetCustomer(CustomerNo=number)
    [echo] = sales.UpsertCustomers(Customer=[new_customer(CustomerNo=number)])
    assert echo.Action == "UNCHANGED"
    assert sales.GetCustomer(CustomerNo=number).ChangedAt == before.ChangedAt
    [update] = sales.UpsertCustomers(Customer=[new_customer(CustomerNo=number, City="Bonn")])
    assert update.Action == "UPDATED"
    after = sales.GetCustomer(CustomerNo=number)
    assert after.City == "Bonn"
    assert after.ChangedAt > before.ChangedAt


def test_more_than_500_records_are_refused(sales: Any) -> None:
    since = datetime.now(UTC)
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.UpsertCustomers(Customer=[new_customer(Name1=f"Bulk {i}") for i in range(501)])
    assert fault_of(caught) == ("BATCH_LIMIT", "Customer")
    assert sales.GetCustomersChangedSince(ChangedSince=since).Customer == []


def test_unknown_customer_is_not_found(sales: Any) -> None:
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.GetCustomer(CustomerNo="C999999")
    assert fault_of(caught) == ("NOT_FOUND", "CustomerNo")


def test_get_customers_answers_many_numbers_in_one_call_skipping_unknown_ones(
    sales: Any,
) -> None:
    first = create_customer(sales, Decimal("10.00"))
    second = create_customer(sales, Decimal("20.00"))
    found = sales.GetCustomers(CustomerNo=[second, "C999999", first, second])
    assert [c.CustomerNo for c in found] == [second, first]
    assert found[1].CreditLimit == Decimal("10.00")
    assert sales.GetCustomers(CustomerNo=["C999999"]) == []


def test_get_customers_refuses_more_than_500_numbers(sales: Any) -> None:
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.GetCustomers(CustomerNo=[f"C{n}" for n in range(100000, 100501)])
    assert fault_of(caught) == ("BATCH_LIMIT", "CustomerNo")


# --- credit ------------------------------------------------------------------------


def test_order_over_the_credit_limit_is_refused(sales: Any) -> None:
    customer = create_customer(sales, Decimal("1000.00"))
    sku = sellable()[0]
    first = sales.CreateSalesOrder(
        ExternalRef=f"T-{uuid.uuid4().hex[:12]}",
        CustomerNo=customer,
        Item=[{"MaterialNo": sku, "Quantity": 6, "NetPrice": Decimal("100.00")}],
    )
    assert first.Created is True
    credit = sales.GetCreditLimit(CustomerNo=customer)
    assert credit.OpenOrderValue == Decimal("600.00")
    assert credit.AvailableCredit == Decimal("400.00")
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.CreateSalesOrder(
            ExternalRef=f"T-{uuid.uuid4().hex[:12]}",
            CustomerNo=customer,
            Item=[{"MaterialNo": sku, "Quantity": 5, "NetPrice": Decimal("100.00")}],
        )
    assert fault_of(caught) == ("CREDIT_LIMIT", "CustomerNo")
    # Raising the limit lets the same order through.
    sales.SetCreditLimit(CustomerNo=customer, CreditLimit=Decimal("1100.00"))
    second = sales.CreateSalesOrder(
        ExternalRef=f"T-{uuid.uuid4().hex[:12]}",
        CustomerNo=customer,
        Item=[{"MaterialNo": sku, "Quantity": 5, "NetPrice": Decimal("100.00")}],
    )
    assert second.SalesOrder.NetValue == Decimal("500.00")


def test_credit_limit_in_another_currency_is_refused(sales: Any) -> None:
    customer = create_customer(sales, Decimal("10.00"))
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.SetCreditLimit(CustomerNo=customer, CreditLimit=Decimal("5"), Currency="USD")
    assert fault_of(caught) == ("VALIDATION", "Currency")


# --- items, BOMs, prices -------------------------------------------------------------


def test_items_come_with_bom_and_prices(sales: Any) -> None:
    finished = next(p for p in WORLD.products if p.bom)
    items: dict[str, Any] = {}
    token = None
    while True:
        page = sales.GetItemsChangedSince(
            ChangedSince=EPOCH, MaxRecords=50, ContinuationToken=token
        )
        items.update({i.MaterialNo: i for i in page.Item})
        token = page.ContinuationToken
        if token is None:
            break
    assert {p.sku for p in WORLD.products} <= set(items)
    item = items[finished.sku]
    assert item.ProcurementType == "E"
    assert item.BaseUoM == "ST"
    assert item.GrossWeightG == int(finished.weight_kg * 1000)
    assert {b.ComponentMaterialNo: b.Quantity for b in item.BomComponent} == {
        line.component_sku: line.quantity for line in finished.bom
    }
    eur = next(p for p in item.Price if p.Currency == "EUR")
    assert eur.Amount == finished.list_price
    bom = sales.GetBom(MaterialNo=finished.sku)
    assert {b.ComponentMaterialNo for b in bom.BomComponent} == {
        line.component_sku for line in finished.bom
    }
    assert all(b.Description for b in bom.BomComponent)


def test_price_change_is_recorded_and_moves_the_item(sales: Any) -> None:
    sku = sellable()[1]
    before = datetime.now(UTC) - timedelta(microseconds=1)
    old = next(p.list_price for p in WORLD.products if p.sku == sku)
    new = old + Decimal("1.25")
    result = sales.SetPrice(MaterialNo=sku, Currency="EUR", Amount=new, Reason="test raise")
    assert result.Changed is True
    assert result.PriceChange.OldAmount == old
    assert result.PriceChange.NewAmount == new
    again = sales.SetPrice(MaterialNo=sku, Currency="EUR", Amount=new)
    assert again.Changed is False
    assert again.PriceChange is None
    history = sales.GetPriceHistory(MaterialNo=sku, PriceList="PL01", Currency="EUR")
    assert [(h.OldAmount, h.NewAmount, h.ChangedBy, h.Reason) for h in history] == [
        (old, new, "hub", "test raise")
    ]
    changed = sales.GetItemsChangedSince(ChangedSince=before, MaxRecords=1000).Item
    moved = next(i for i in changed if i.MaterialNo == sku)
    assert next(p.Amount for p in moved.Price if p.Currency == "EUR") == new


def test_price_with_three_decimals_is_refused(sales: Any) -> None:
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.SetPrice(MaterialNo=sellable()[0], Currency="EUR", Amount=Decimal("1.234"))
    assert fault_of(caught) == ("VALIDATION", "Amount")


def test_upsert_items_with_bom_and_per_record_errors(sales: Any) -> None:
    suffix = uuid.uuid4().hex[:6].upper()
    part, kit = f"P-{suffix}", f"K-{suffix}"
    results = sales.UpsertItems(
        Item=[
            {"MaterialNo": part, "Description": "Bolt", "BaseUoM": "ST", "GrossWeightG": 12},
            {
                "MaterialNo": kit,
                "Description": "Bolt kit",
                "BaseUoM": "ST",
                "ProcurementType": "E",
                "BomComponent": [{"ComponentMaterialNo": part, "Quantity": Decimal("4")}],
            },
            {"MaterialNo": f"X-{suffix}", "Description": "Bad", "BaseUoM": "EA"},
            {
                "MaterialNo": f"Y-{suffix}",
                "Description": "Bad",
                "BaseUoM": "ST",
                "GTIN": "4001234567890",
            },
            {
                "MaterialNo": part,
                "Description": "Bolt",
                "BaseUoM": "ST",
                "BomComponent": [{"ComponentMaterialNo": kit, "Quantity": Decimal("1")}],
            },
        ]
    )
    assert [r.Action for r in results[:2]] == ["CREATED", "CREATED"]
    assert [r.ErrorField for r in results[2:]] == ["BaseUoM", "GTIN", "ComponentMaterialNo"]
    bom = sales.GetBom(MaterialNo=kit)
    assert [(b.ComponentMaterialNo, b.Quantity) for b in bom.BomComponent] == [(part, 4)]
    assert sales.GetBom(MaterialNo=part).BomComponent == []


# --- orders and invoices -------------------------------------------------------------


def test_order_to_invoice(sales: Any) -> None:
    customer = create_customer(sales, Decimal("100000.00"))
    a, b = sellable()[2], sellable()[3]
    ref = f"SHOP-{uuid.uuid4().hex[:10]}"
    created = sales.CreateSalesOrder(
        ExternalRef=ref,
        CustomerNo=customer,
        RequestedDate=(datetime.now(UTC) + timedelta(days=5)).date(),
        Item=[
            {"MaterialNo": a, "Quantity": 3},
            {"MaterialNo": b, "Quantity": 2, "NetPrice": Decimal("9.99")},
        ],
    )
    order = created.SalesOrder
    price_a = next(p.list_price for p in WORLD.products if p.sku == a)
    assert [i.ItemNo for i in order.Item] == [10, 20]
    assert order.Item[0].NetPrice == price_a
    assert order.NetValue == price_a * 3 + Decimal("19.98")
    assert order.Status == "OPEN"

    replay = sales.CreateSalesOrder(
        ExternalRef=ref, CustomerNo=customer, Item=[{"MaterialNo": a, "Quantity": 99}]
    )
    assert replay.Created is False
    assert replay.SalesOrder.SalesOrderNo == order.SalesOrderNo
    assert sales.GetSalesOrder(ExternalRef=ref).SalesOrderNo == order.SalesOrderNo

    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.CreateInvoice(SalesOrderNo=order.SalesOrderNo)
    assert fault_of(caught) == ("CONFLICT", "SalesOrderNo")

    shipped = sales.PostGoodsIssue(
        SalesOrderNo=order.SalesOrderNo, Item=[{"ItemNo": 10, "Quantity": 2}]
    )
    assert shipped.Status == "PARTIAL"
    invoice = sales.CreateInvoice(SalesOrderNo=order.SalesOrderNo)
    assert [(i.ItemNo, i.Quantity) for i in invoice.Item] == [(10, 2)]
    assert invoice.NetAmount == price_a * 2
    assert invoice.TaxRate == Decimal("19")
    assert invoice.TaxAmount == (invoice.NetAmount * Decimal("0.19")).quantize(Decimal("0.01"))
    assert invoice.GrossAmount == invoice.NetAmount + invoice.TaxAmount
    assert invoice.DueDate == invoice.InvoiceDate + timedelta(days=30)
    assert sales.GetInvoice(InvoiceNo=invoice.InvoiceNo).GrossAmount == invoice.GrossAmount

    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.PostGoodsIssue(SalesOrderNo=order.SalesOrderNo, Item=[{"ItemNo": 10, "Quantity": 2}])
    assert fault_of(caught) == ("CONFLICT", "Quantity")
    sales.PostGoodsIssue(
        SalesOrderNo=order.SalesOrderNo,
        Item=[{"ItemNo": 10, "Quantity": 1}, {"ItemNo": 20, "Quantity": 2}],
    )
    final = sales.CreateInvoice(SalesOrderNo=order.SalesOrderNo)
    assert [(i.ItemNo, i.Quantity) for i in final.Item] == [(10, 1), (20, 2)]
    assert sales.GetSalesOrder(SalesOrderNo=order.SalesOrderNo).Status == "INVOICED"
    # Fully invoiced orders no longer count against credit.
    assert sales.GetCreditLimit(CustomerNo=customer).OpenOrderValue == Decimal("0.00")

    listed = sales.ListSalesOrders(ChangedSince=EPOCH, CustomerNo=customer)
    assert [o.SalesOrderNo for o in listed.SalesOrder] == [order.SalesOrderNo]
    assert (
        sales.ListSalesOrders(ChangedSince=EPOCH, CustomerNo=customer, Status="OPEN").SalesOrder
        == []
    )


def test_order_validation_names_the_field(sales: Any) -> None:
    customer = create_customer(sales, Decimal("1000.00"))
    ref = f"BAD-{uuid.uuid4().hex[:10]}"
    cases = [
        ({"MaterialNo": sellable()[0], "Quantity": Decimal("1.5")}, ("VALIDATION", "Quantity")),
        ({"MaterialNo": sellable()[0], "Quantity": 0}, ("VALIDATION", "Quantity")),
        ({"MaterialNo": "NOPE-1", "Quantity": 1}, ("NOT_FOUND", "MaterialNo")),
    ]
    for line, expected in cases:
        with pytest.raises(zeep.exceptions.Fault) as caught:
            sales.CreateSalesOrder(ExternalRef=ref, CustomerNo=customer, Item=[line])
        assert fault_of(caught) == expected
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.GetSalesOrder(ExternalRef=ref)
    assert fault_of(caught) == ("NOT_FOUND", "ExternalRef")


def test_blocked_customer_cannot_order(sales: Any) -> None:
    customer = create_customer(sales, Decimal("1000.00"))
    sales.UpsertCustomers(Customer=[new_customer(CustomerNo=customer, OrderBlock="X")])
    with pytest.raises(zeep.exceptions.Fault) as caught:
        sales.CreateSalesOrder(
            ExternalRef=f"B-{uuid.uuid4().hex[:10]}",
            CustomerNo=customer,
            Item=[{"MaterialNo": sellable()[0], "Quantity": 1}],
        )
    assert fault_of(caught) == ("BLOCKED", "CustomerNo")
