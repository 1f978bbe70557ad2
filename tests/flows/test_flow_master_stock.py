"""Stock WMS -> OMS (available to promise) and WMS -> ERP (stock snapshot import)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from flow_master_support import Landscape, start_landscape

PLANTS = {"WH-BER": "1000", "WH-RTM": "1100", "WH-LYS": "1200"}


@pytest.fixture(scope="module")
def land(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    landscape = start_landscape(tmp_path_factory.mktemp("stock"), ["wms", "oms", "erp"])
    yield landscape
    landscape.close()


def summary(land: Landscape) -> dict[tuple[str, str], dict]:
    return {(r["whse"], r["item_code"]): r for r in land.records("wms", "stock_summary")}


def oms_atp(land: Landscape) -> dict[tuple[str, str], dict]:
    return {(r["warehouse"], r["item_sku"]): r for r in land.records("oms", "inventory")}


def erp_stock(land: Landscape) -> dict[tuple[str, str], dict]:
    return {(r["Plant"], r["MaterialNo"]): r for r in land.records("erp-procurement", "stock")}


def adjust(land: Landscape, whse: str, sku: str, qty: int, key: str) -> None:
    spot = next(
        r
        for r in land.records("wms", "stock")
        if r["whse"] == whse and r["item_code"] == sku and r["on_hand"] >= abs(qty)
    )
    land.client("wms").request(
        "POST",
        "/movements",
        json={
            "idempotency_key": key,
            "type": "adjust",
            "reason_code": "DMG",
            "whse": whse,
            "loc": spot["loc"],
            "item_code": sku,
            "lot_no": spot.get("lot_no"),
            "qty": qty,
        },
    )


def test_wms_stock_reaches_oms_atp_and_the_erp_snapshot(land: Landscape):
    rows = summary(land)

    to_oms = land.run("wms-to-oms-stock")
    to_erp = land.run("wms-to-erp-stock")

    for result in (to_oms, to_erp):
        assert result.status == "succeeded", result.error
        assert (result.counts.read, result.counts.written) == (len(rows), len(rows))
    atp, erp = oms_atp(land), erp_stock(land)
    for (whse, sku), row in rows.items():
        assert atp[(whse, sku)]["qty_available"] == row["available"]
        assert atp[(whse, sku)]["as_of_seq"] > 0
        line = erp[(PLANTS[whse], sku)]
        assert (line["Unrestricted"], line["Allocated"]) == (
            Decimal(row["on_hand"]),
            Decimal(row["allocated"]),
        )


def test_only_changed_stock_is_pushed_on_the_next_runs(land: Landscape):
    whse, sku = next(k for k, r in summary(land).items() if r["available"] >= 5)
    before = summary(land)[(whse, sku)]
    adjust(land, whse, sku, -3, "flow-test-adjust-1")

    to_oms = land.run("wms-to-oms-stock")
    to_erp = land.run("wms-to-erp-stock")

    assert (to_oms.counts.written, to_erp.counts.written) == (1, 1)
    assert to_oms.counts.dead_lettered == to_erp.counts.dead_lettered == 0
    assert oms_atp(land)[(whse, sku)]["qty_available"] == before["available"] - 3
    assert erp_stock(land)[(PLANTS[whse], sku)]["Unrestricted"] == before["on_hand"] - 3
    assert land.run("wms-to-oms-stock").counts.written == 0
    assert land.run("wms-to-erp-stock").counts.written == 0
