"""Products and prices ERP -> CRM and OMS through the reference systems.

The CRM keeps a product catalogue with price book entries (the ERP's price list PL01 is
its standard price book), the OMS a sellable catalogue with one EUR list price in minor
units. A SetPrice in the ERP must reach both on the flows' next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flow_master_support import Landscape, start_landscape

FLOWS = ("erp-to-crm-products", "erp-to-oms-products")


@pytest.fixture(scope="module")
def land(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    landscape = start_landscape(tmp_path_factory.mktemp("prices"), ["erp", "crm", "oms"])
    for flow in FLOWS:
        first = landscape.run(flow)
        assert first.status == "succeeded", first.error
        assert first.counts.dead_lettered == 0
        assert first.counts.written == first.counts.read > 0
    yield landscape
    landscape.close()


def finished_sku(land: Landscape) -> str:
    return next(p.sku for p in land.world.products if p.kind == "finished")


def component_sku(land: Landscape) -> str:
    return next(p.sku for p in land.world.products if p.kind == "component")


def erp_items(land: Landscape) -> dict[str, dict[str, Any]]:
    return {item["MaterialNo"]: item for item in land.records("erp", "items")}


def erp_price(item: dict[str, Any], currency: str) -> Decimal:
    found = [p for p in item["Price"] if (p["PriceList"], p["Currency"]) == ("PL01", currency)]
    assert len(found) == 1, (item["MaterialNo"], currency)
    return Decimal(found[0]["Amount"])


def crm_product(land: Landscape, code: str) -> dict[str, Any]:
    response = land.client("crm").request("GET", f"/products/by-external-id/erp/{code}")
    body: dict[str, Any] = response.json()
    return body


def crm_prices(product: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return {
        (e["priceBook"], e["currency"]): Decimal(e["unitPrice"])
        for e in product["priceBookEntries"]
    }


def oms_product(land: Landscape, sku: str) -> dict[str, Any]:
    body: dict[str, Any] = land.client("oms").request("GET", f"/products/{sku}").json()
    return body


def set_price(land: Landscape, sku: str, currency: str, amount: str) -> None:
    answer = land.client("erp").call(
        "SetPrice", {"MaterialNo": sku, "Currency": currency, "Amount": Decimal(amount)}
    )
    assert answer["Changed"] is True


def run_both(land: Landscape) -> dict[str, Any]:
    results = {flow: land.run(flow) for flow in FLOWS}
    for flow, result in results.items():
        assert result.status == "succeeded", (flow, result.error)
        assert result.counts.dead_lettered == 0, flow
    return results


def test_every_erp_item_is_in_crm_and_oms_with_the_erp_list_price(land: Landscape):
    items = erp_items(land)
    crm = {p["productCode"]: p for p in land.records("crm", "products")}
    oms = {p["item_sku"]: p for p in land.records("oms", "products")}
    assert set(crm) == set(items) == set(oms)
    for sku, item in items.items():
        product = crm[sku]
        assert product["externalIds"] == {"erp": sku}
        assert product["name"] == " ".join(item["Description"].split())
        assert product["isActive"] is (item["Status"] == "A")
        expected = {("standard", p["Currency"]): Decimal(p["Amount"]) for p in item["Price"]}
        assert crm_prices(product) == expected
        sellable = oms[sku]
        assert sellable["currency"] == "EUR"
        assert Decimal(sellable["list_price_minor"]) / 100 == erp_price(item, "EUR")
        assert sellable["gtin"] == item.get("GTIN")


def test_a_set_price_in_the_erp_reaches_crm_and_oms_on_the_next_run(land: Landscape):
    sku = finished_sku(land)
    old = erp_price(erp_items(land)[sku], "EUR")
    new = old + Decimal("1.25")
    before = crm_product(land, sku)
    set_price(land, sku, "EUR", str(new))

    results = run_both(land)

    for result in results.values():
        assert (result.counts.read, result.counts.written) == (1, 1)
    after = crm_product(land, sku)
    assert after["productId"] == before["productId"]
    assert after["version"] == before["version"] + 1
    assert crm_prices(after)[("standard", "EUR")] == new
    # the entry itself is kept (its id), only its price moved
    ids = {(e["priceBook"], e["currency"]): e["entryId"] for e in after["priceBookEntries"]}
    assert ids == {
        (e["priceBook"], e["currency"]): e["entryId"] for e in before["priceBookEntries"]
    }
    assert oms_product(land, sku)["list_price_minor"] == int(new * 100)


def test_an_order_line_without_a_price_takes_the_new_list_price(land: Landscape):
    sku = finished_sku(land)
    price = oms_product(land, sku)["list_price_minor"]
    order = {
        "channel": "WEB",
        "channel_order_ref": "PRICE-TEST-1",
        "customer_ref": "C999001",
        "currency": "EUR",
        "ship_to": {"city": "Berlin", "country": "DE"},
        "lines": [{"item_sku": sku, "qty": 3}],
    }
    response = land.client("oms").request("POST", "/orders", json=order)
    line = response.json()["lines"][0]
    assert (line["unit_price_minor"], line["line_total_minor"]) == (price, 3 * price)
    assert Decimal(price) / 100 == erp_price(erp_items(land)[sku], "EUR")


def test_a_price_in_another_currency_reaches_the_crm_and_leaves_the_oms_item_as_it_was(
    land: Landscape,
):
    sku = component_sku(land)
    new = erp_price(erp_items(land)[sku], "GBP") + Decimal("0.50")
    oms_before = oms_product(land, sku)
    set_price(land, sku, "GBP", str(new))

    run_both(land)

    assert crm_prices(crm_product(land, sku))[("standard", "GBP")] == new
    # the OMS keeps only the EUR price: the identical PUT changed nothing there
    assert oms_product(land, sku) == oms_before


def test_a_run_with_no_change_writes_nothing(land: Landscape):
    crm_before = {p["productId"]: p["version"] for p in land.records("crm", "products")}
    oms_before = {p["item_sku"]: p["updated_at"] for p in land.records("oms", "products")}

    results = run_both(land)

    for result in results.values():
        assert result.counts.written == 0
    assert {p["productId"]: p["version"] for p in land.records("crm", "products")} == crm_before
    assert {p["item_sku"]: p["updated_at"] for p in land.records("oms", "products")} == oms_before
