"""Customer master CRM <-> ERP through the reference systems: matching, ownership, no echo.

The tests share one landscape and run in file order: each builds on the state the one
before left (as the flows would in production, run after run).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flow_master_support import Landscape, start_landscape

from connectors.base import WriteResult
from connectors.soap.faults import SoapServerFault
from hub.flows.adapters import AdaptedSink
from hub.flows.model import TargetEndpoint


@pytest.fixture(scope="module")
def land(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    landscape = start_landscape(tmp_path_factory.mktemp("customers"), ["crm", "erp"])
    yield landscape
    landscape.close()


def erp_customers(land: Landscape) -> dict[str, dict]:
    return {c["CustomerNo"]: c for c in land.records("erp", "customers")}


def crm_accounts(land: Landscape) -> dict[str, dict]:
    return {a["accountId"]: a for a in land.records("crm", "accounts")}


def test_crm_to_erp_lands_every_account_once_and_matches_the_dirty_twins(land: Landscape):
    world = land.world
    before = erp_customers(land)
    in_crm = [c for c in world.customers() if c.in_crm]
    crm_only = [c for c in in_crm if not c.in_erp]
    dirty_twins = [c for c in in_crm if c.in_erp and c.erp_name != c.legal_name]
    assert crm_only
    assert dirty_twins

    indexed = land.run("erp-to-crm-customers", index_only=True)
    result = land.run("crm-to-erp-customers")

    assert indexed.status == "succeeded", indexed.error
    assert result.status == "succeeded", result.error
    assert result.counts.dead_lettered == 0
    # Twins that already agree are recognised as unchanged; the others are written.
    assert result.counts.written + result.counts.unchanged == len(in_crm)
    assert result.counts.written >= len(crm_only) + len(dirty_twins)
    after = erp_customers(land)
    assert len(after) - len(before) == len(crm_only)
    # Exactly one ERP customer per tax id: nothing was created twice.
    tax_ids = [c["VatRegNo"] for c in after.values()]
    assert len(tax_ids) == len(set(tax_ids))
    for customer in dirty_twins:
        erp = after[customer.number]  # the ERP's own record, now with the CRM's clean name
        assert erp["Name1"] == " ".join(customer.legal_name.split())
    new_numbers = set(after) - set(before)
    assert {after[n]["VatRegNo"] for n in new_numbers} == {c.tax_id for c in crm_only}


def test_erp_to_crm_sends_what_the_erp_owns_and_keeps_what_the_crm_owns(land: Landscape):
    world = land.world
    twin = next(c for c in world.customers() if c.in_crm and c.in_erp and c.linked)
    erp = land.client("erp")
    erp.call("SetCreditLimit", {"CustomerNo": twin.number, "CreditLimit": Decimal("77777.00")})
    current = erp_customers(land)[twin.number]
    # Someone edits a CRM-owned field in the ERP: the CRM must not take it.
    edited = {k: current[k] for k in ("CustomerNo", "Name1", "CountryKey", "Currency")}
    edited |= {
        "PaymentTermsKey": current["PaymentTermsKey"],
        "Street": "Edited in ERP 1",
        "City": current["City"],
        "VatRegNo": current["VatRegNo"],
    }
    erp.call("UpsertCustomers", {"Customer": [edited]})
    erp_only = [c for c in world.customers() if c.in_erp and not c.in_crm]
    accounts_before = len(crm_accounts(land))

    result = land.run("erp-to-crm-customers")

    assert result.status == "succeeded", result.error
    assert result.counts.dead_lettered == 0
    accounts = crm_accounts(land)
    assert len(accounts) - accounts_before == len(erp_only)
    mine = next(a for a in accounts.values() if a["externalIds"].get("erp") == twin.number)
    assert mine["creditLimit"] == "77777.00"
    assert mine["billingAddress"]["street"] != "Edited in ERP 1"
    # Every account now carries its ERP number, the formerly unlinked twins too.
    linked = {a["externalIds"].get("erp") for a in accounts.values()}
    assert {c.number for c in world.customers() if c.in_crm and c.in_erp} <= linked

    # The CRM owns the address: the next CRM -> ERP run puts it back, and only that.
    back = land.run("crm-to-erp-customers")
    assert back.counts.written == 1
    assert erp_customers(land)[twin.number]["Street"] == mine["billingAddress"]["street"]


def test_a_second_round_in_both_directions_writes_nothing(land: Landscape):
    erp_before, crm_before = erp_customers(land), crm_accounts(land)

    forward = land.run("crm-to-erp-customers")
    backward = land.run("erp-to-crm-customers")

    assert (forward.counts.written, backward.counts.written) == (0, 0)
    assert forward.counts.dead_lettered == backward.counts.dead_lettered == 0
    assert erp_customers(land) == erp_before
    assert crm_accounts(land) == crm_before


def test_a_crm_change_reaches_the_erp_once(land: Landscape, tmp_path: Path):
    account = next(a for a in crm_accounts(land).values() if a.get("phone"))
    crm = land.client("crm")
    crm.request(
        "PATCH",
        f"/accounts/{account['accountId']}",
        json={"phone": "+4930999999"},
        headers={"If-Match": "*"},
    )

    number = account["externalIds"]["erp"]
    before = erp_customers(land)[number]

    forward = land.run("crm-to-erp-customers")
    backward = land.run("erp-to-crm-customers")

    assert forward.counts.written == 1
    after = erp_customers(land)[number]
    assert after["Telephone"] == "+4930999999"
    # UpsertCustomers replaces whole records: what the ERP owns (terms, block, Name2,
    # credit) survives because the flow's merge read it back first.
    unchanged = set(before) - {"Telephone", "ChangedAt"}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    # The ERP's changed record says what the CRM holds: no echo back.
    assert backward.counts.read >= 1
    assert backward.counts.written == 0
    assert land.run("crm-to-erp-customers").counts.written == 0
    assert land.run("erp-to-crm-customers").counts.written == 0


class Capture:
    """An inner sink that keeps what it is asked to write."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def write(self, entity: str, records: Any, **_: Any) -> list[WriteResult]:
        self.sent.extend(records)
        return [WriteResult.success(str(r.get("CustomerNo") or "new")) for r in records]


def test_batched_merge_reads_keep_each_known_customers_erp_fields(land: Landscape):
    # Terms other than the flow's default, so a kept value cannot be the default by chance.
    known = [c for c in erp_customers(land).values() if c["PaymentTermsKey"] != "Z030"][:3]
    assert len(known) == 3
    erp = land.client("erp")
    calls: list[Any] = []
    real_call = erp.call
    erp.call = lambda op, payload, **kw: calls.append((op, payload)) or real_call(op, payload, **kw)
    target = TargetEndpoint.model_validate(
        {
            "system": "erp",
            "entity": "customers",
            "id_field": "CustomerNo",
            "merge": {"read": "GetCustomers", "many": 2, "keep": ["Currency", "PaymentTermsKey"]},
            "defaults": {"PaymentTermsKey": "Z030"},
        }
    )
    inner = Capture()
    records = [{"CustomerNo": c["CustomerNo"], "Name1": "Renamed"} for c in known]
    records += [{"CustomerNo": "C999999", "Name1": "Unknown"}, {"Name1": "Brand new"}]

    results = AdaptedSink(inner, target, erp).write("customers", records)

    assert all(r.ok for r in results)
    # 4 distinct numbers, 2 per call; the record without a number needs no read.
    assert [op for op, _ in calls] == ["GetCustomers", "GetCustomers"]
    for sent, current in zip(inner.sent, known, strict=False):
        assert (sent["Name1"], sent["Currency"]) == ("Renamed", current["Currency"])
        assert sent["PaymentTermsKey"] == current["PaymentTermsKey"] != "Z030"
    unread = [("Currency" in r, r["PaymentTermsKey"]) for r in inner.sent[3:]]
    assert unread == [(False, "Z030")] * 2


def test_a_failed_batched_merge_read_fails_only_its_own_records(land: Landscape):
    known = list(erp_customers(land))[:3]
    erp = land.client("erp")
    real_call = erp.call

    def call(op: str, payload: dict, **kw: Any) -> Any:
        if known[2] in payload.get("CustomerNo", []):
            raise SoapServerFault("down for a moment", system="erp")
        return real_call(op, payload, **kw)

    erp.call = call
    target = TargetEndpoint.model_validate(
        {
            "system": "erp",
            "entity": "customers",
            "id_field": "CustomerNo",
            "merge": {"read": "GetCustomers", "many": 2, "keep": ["Name2"]},
        }
    )
    inner = Capture()
    records = [{"CustomerNo": number, "Name1": "X"} for number in known]

    results = AdaptedSink(inner, target, erp).write("customers", records)

    assert [r.ok for r in results] == [True, True, False]
    assert isinstance(results[2].error, SoapServerFault)
    assert [r["CustomerNo"] for r in inner.sent] == known[:2]
