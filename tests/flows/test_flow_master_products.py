"""Product master ERP -> WMS through the reference systems.

The CRM and the OMS offer no product or price resource (see docs/flows.md), so the WMS
sku master is the one product target; it holds no money either.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from flow_master_support import Landscape, start_landscape


@pytest.fixture(scope="module")
def land(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    landscape = start_landscape(tmp_path_factory.mktemp("products"), ["erp", "wms"])
    first = landscape.run("erp-to-wms-products")
    assert first.status == "succeeded", first.error
    assert first.counts.dead_lettered == 0
    yield landscape
    landscape.close()


def wms_item(land: Landscape, code: str) -> dict:
    response = land.client("wms").request("GET", f"/items/{code}")
    return response.json()


def erp_item(land: Landscape, code: str) -> dict:
    return next(i for i in land.records("erp", "items") if i["MaterialNo"] == code)


def test_an_item_change_in_the_erp_reaches_the_wms_and_keeps_its_lot_settings(land: Landscape):
    item = erp_item(land, "CMP-1000")
    before = wms_item(land, "CMP-1000")
    assert before["lot_tracked"] is True  # the WMS's own setting, unknown to the ERP
    change = {k: item[k] for k in ("MaterialNo", "BaseUoM", "Status", "GTIN")}
    change |= {"Description": "Renamed in the ERP", "GrossWeightG": 12000}
    land.client("erp").call("UpsertItems", {"Item": [change]})

    result = land.run("erp-to-wms-products")

    assert (result.counts.read, result.counts.written) == (1, 1)
    after = wms_item(land, "CMP-1000")
    assert after["descr"] == "Renamed in the ERP"
    assert Decimal(after["weight_kg"]) == Decimal("12.000")
    assert (after["lot_tracked"], after["shelf_life_days"]) == (True, before["shelf_life_days"])


def test_a_price_change_is_read_but_writes_nothing_where_no_price_is_kept(land: Landscape):
    land.client("erp").call(
        "SetPrice", {"MaterialNo": "CMP-1001", "Currency": "EUR", "Amount": Decimal("99.95")}
    )
    prices = erp_item(land, "CMP-1001")["Price"]
    assert any(p["Amount"] == Decimal("99.95") for p in prices)

    result = land.run("erp-to-wms-products")

    # The changed material is read and compared; the WMS holds no price, so no write.
    assert (result.counts.read, result.counts.unchanged, result.counts.written) == (1, 1, 0)


def test_a_second_run_writes_nothing(land: Landscape):
    result = land.run("erp-to-wms-products")
    assert (result.status, result.counts.written) == ("succeeded", 0)
