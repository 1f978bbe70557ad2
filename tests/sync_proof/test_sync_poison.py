"""Poison records: a few unmappable CRM accounts become dead letters, the rest lands; after a
mapping fix `hub dlq replay` lands them too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from proof_support import MAPPINGS, Local, records, start_local

FLOW = "crm-to-erp-customers"
POISON = "Deutschlandia"  # no country table knows it: the inbound mapping fails


@pytest.fixture
def land(tmp_path: Path) -> Iterator[Local]:
    local = start_local(tmp_path, ["crm", "erp"], count=60)
    yield local
    local.close()


def fixed_mappings(dest: Path) -> Path:
    """A copy of the mappings whose CRM customer mapping knows the poison spelling."""
    for source in MAPPINGS.rglob("*"):
        target = dest / source.relative_to(MAPPINGS)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif source.suffix in (".yaml", ".json"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text())
    mapping = dest / "crm" / "customer.yaml"
    text = mapping.read_text()
    rule = "          steps: [country_to_iso]\n"
    maps = "value_maps:\n"
    assert text.count(rule) == text.count(maps) == 1
    spelling = f"  spelling: {{values: {{{POISON}: DE}}, unknown: passthrough}}\n"
    text = text.replace(maps, maps + spelling)
    fixed = "          steps: [{map: {name: spelling}}, country_to_iso]\n"
    mapping.write_text(text.replace(rule, fixed))
    return dest


def test_poison_records_are_dead_lettered_the_rest_lands_and_replay_lands_them(
    land: Local, tmp_path: Path
):
    crm = list(records(land.hub, "crm", "accounts"))
    erp_tax = {c.get("VatRegNo") for c in records(land.hub, "erp", "customers")}
    poisoned = [a for a in crm if a["taxNumber"] not in erp_tax][:3]  # new to the ERP
    assert len(poisoned) == 3
    client = land.client("crm")
    for account in poisoned:
        address = dict(account["billingAddress"], country=POISON)
        client.request(
            "PATCH",
            f"/accounts/{account['accountId']}",
            json={"billingAddress": address},
            headers={"If-Match": "*"},
        )
    erp_before = {c["CustomerNo"] for c in records(land.hub, "erp", "customers")}
    assert land.run("erp-to-crm-customers", index_only=True).status == "succeeded"

    result = land.run(FLOW)

    assert result.counts.dead_lettered == 3
    assert result.counts.written + result.counts.unchanged == len(crm) - 3
    letters = land.hub.open_letters(FLOW)
    assert {letter.record_key for letter in letters} == {a["accountId"] for a in poisoned}
    erp = list(records(land.hub, "erp", "customers"))
    landed_tax = {c.get("VatRegNo") for c in erp}
    assert not {a["taxNumber"] for a in poisoned} & landed_tax
    assert {a["taxNumber"] for a in crm if a not in poisoned} <= landed_tax

    fixed = fixed_mappings(tmp_path / "fixed-mappings")
    error_class = letters[0].error_class
    assert {letter.error_class for letter in letters} == {error_class}
    replay = land.hub.with_env(HUB_MAPPINGS_DIR=str(fixed)).run(
        "dlq", "replay", FLOW, "--error-class", error_class
    )

    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert land.hub.open_letters(FLOW) == []
    erp_after = {c["CustomerNo"]: c for c in records(land.hub, "erp", "customers")}
    created = {n: c for n, c in erp_after.items() if n not in erp_before}
    by_tax = {c.get("VatRegNo"): c for c in created.values()}
    for account in poisoned:
        assert by_tax[account["taxNumber"]]["CountryKey"] == "DE"
