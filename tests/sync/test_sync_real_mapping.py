"""The engine runs with the real mapping engine's compiled mappings, both directions."""

from __future__ import annotations

import pytest
from sync_fakes import FakeSystem, context, customer, make_flow

compiler = pytest.importorskip("mappings.compiler")

CRM = {
    "system": "crm",
    "entity": "accounts",
    "canonical": "Customer",
    "key": "id",
    "version": 1,
    "rules": [{"source": "name", "target": "legal_name", "required": True}],
}
ERP = {**CRM, "system": "erp", "entity": "customers"}


def test_a_flow_runs_with_compiled_mappings(run):
    inbound = compiler.compile_mapping(CRM)
    outbound = compiler.compile_mapping(ERP)
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", None, 110)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)
    ctx = type(ctx)(flow=ctx.flow, source=crm, sink=erp, inbound=inbound, outbound=outbound)

    result = run(ctx)

    assert [r["name"] for r in erp.records.values()] == ["Alpha"]
    assert result.counts.dead_lettered == 1
    assert run(ctx).counts.written == 0
