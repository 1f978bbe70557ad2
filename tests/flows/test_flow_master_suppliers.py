"""Supplier master SRM -> ERP: approved suppliers only, and blocks propagate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flow_master_support import Landscape, start_landscape


@pytest.fixture(scope="module")
def land(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    landscape = start_landscape(tmp_path_factory.mktemp("suppliers"), ["srm", "erp"])
    yield landscape
    landscape.close()


def erp_vendors(land: Landscape) -> dict[str, dict]:
    return {v["ExternalRef"]: v for v in land.records("erp-procurement", "vendors")}


def srm_status(land: Landscape, vendor_id: str, status: str) -> None:
    land.client("srm").request(
        "POST",
        f"/vendors/{vendor_id}/status",
        json={"status": status, "reason": "flow test", "actor": "tester"},
    )


def test_only_approved_suppliers_land_and_known_ones_are_not_duplicated(land: Landscape):
    suppliers = land.world.suppliers
    prospects = {s.number for s in suppliers if s.status == "prospect"}
    before = erp_vendors(land)

    result = land.run("srm-to-erp-suppliers")

    assert result.status == "succeeded", result.error
    assert result.counts.dead_lettered == 0
    assert result.counts.filtered == len(prospects)
    after = erp_vendors(land)
    assert set(after) == set(before) == {s.number for s in suppliers} - prospects
    blocked = {s.number for s in suppliers if s.status in ("suspended", "blocked")}
    assert {ref for ref, v in after.items() if v["PostingBlock"]} == blocked


def test_a_new_supplier_lands_once_approved(land: Landscape):
    srm = land.client("srm")
    created = srm.request(
        "POST",
        "/vendors",
        json={
            "name": "Newco Supplies GmbH",
            "country": "DE",
            "currency": "EUR",
            "email": "sales@newco.example",
            "tax_id": "DE123456780",
            "buyer_ref": "S6000",
        },
    ).json()

    first = land.run("srm-to-erp-suppliers")
    assert first.counts.filtered == 1
    assert "S6000" not in erp_vendors(land)

    srm_status(land, created["vendor_id"], "APPROVED")
    second = land.run("srm-to-erp-suppliers")

    assert second.counts.written == 1
    vendor = erp_vendors(land)["S6000"]
    assert (vendor["Name1"], vendor["CountryKey"], vendor["PostingBlock"]) == (
        "Newco Supplies GmbH",
        "DE",
        False,
    )
    assert vendor["PaymentTermsKey"] == "Z030"


def test_a_block_in_the_srm_sets_the_erp_posting_block(land: Landscape):
    supplier = next(s for s in land.world.suppliers if s.status == "approved")
    vendor_id = next(
        v["vendor_id"] for v in land.records("srm", "vendors") if v["buyer_ref"] == supplier.number
    )
    assert erp_vendors(land)[supplier.number]["PostingBlock"] is False

    srm_status(land, vendor_id, "BLOCKED")
    result = land.run("srm-to-erp-suppliers")

    assert result.counts.written == 1
    assert erp_vendors(land)[supplier.number]["PostingBlock"] is True
    assert land.run("srm-to-erp-suppliers").counts.written == 0
