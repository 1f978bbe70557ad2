"""Partner profiles: the committed files load, the schema is current, the simulator behaves."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml

from connectors.edi.edifact.samples import sample_purchase_order
from connectors.errors import ConfigError
from hub.edi.partner import (
    SCHEMA_PATH,
    iter_profiles,
    load_partner,
    load_profile_file,
    render_schema,
)
from reference.edi_partner import BEHAVIOURS, Identity, SupplierSimulator
from reference.seed.world import World


def test_the_committed_schema_is_generated_from_the_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        'regenerate: python -c "from hub.edi.partner import write_schema; write_schema()"'
    )


def test_every_partner_file_is_valid_by_model_and_by_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    files = sorted(SCHEMA_PATH.parent.glob("*.yaml"))
    assert len(files) >= 2
    for path in files:
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    assert {p.id for p in iter_profiles()} >= {"ACME-SUPPLY", "RETAIL-MART"}


def test_partner_files_match_the_seed_world() -> None:
    edi_suppliers = {s.edi_partner: s for s in World().suppliers if s.edi_partner}
    acme = load_partner("ACME-SUPPLY")
    assert acme.role == "supplier"
    assert acme.standard == "edifact"
    assert set(acme.mappings.items.values()) <= set(edi_suppliers["ACME-SUPPLY"].skus)
    globex = load_partner("GLOBEX-SUPPLY")
    assert set(globex.mappings.items.values()) <= set(edi_suppliers["GLOBEX-SUPPLY"].skus)
    retail = load_partner("RETAIL-MART")
    assert (retail.role, retail.standard, retail.documents.inbound[0]) == (
        "retail_customer", "x12", "850",
    )  # fmt: skip


def test_a_bad_profile_names_the_field_and_hides_the_value(tmp_path: Path) -> None:
    data = yaml.safe_load((SCHEMA_PATH.parent / "acme-supply.yaml").read_text())
    data["sftp"]["key"] = "-----BEGIN OPENSSH PRIVATE KEY----- literal"
    data["documents"]["outbound"] = ["ORDERS", "850"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        load_profile_file(path)
    assert "sftp.key" in str(caught.value)
    assert "BEGIN OPENSSH" not in str(caught.value)


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_supplier_behaviours(behaviour: str) -> None:
    po = sample_purchase_order("PO-8001")
    sim = SupplierSimulator(
        mailbox=None,  # type: ignore[arg-type]
        identity=Identity("edifact", "SUP", "HUB"),
        behaviour=behaviour,  # type: ignore[arg-type]
    )
    confirmed = sim.confirm(po)
    shipment = sim.ship(confirmed)
    invoice = sim.invoice(confirmed, shipment)
    statuses = [x.confirmation.status for x in confirmed.lines if x.confirmation]
    shipped = sum(x.quantity.value for p in shipment.packages for x in p.lines) if shipment else 0
    ordered = sum(x.quantity.value for x in po.lines)
    assert invoice is not None
    if behaviour == "full":
        assert set(statuses) == {"accepted"}
        assert shipped == ordered
        assert invoice.totals.payable == po.totals.payable
    elif behaviour == "partial":
        assert set(statuses) == {"changed"}
        assert 0 < shipped < ordered
    elif behaviour == "backorder":
        assert statuses[0] == "backordered"
        assert shipped == ordered - po.lines[0].quantity.value
    elif behaviour == "price_deviation":
        assert invoice.lines[0].unit_price.amount == (
            po.lines[0].unit_price.amount * Decimal("1.10")
        ).quantize(Decimal("0.01"))
    else:
        late = confirmed.lines[0].confirmation
        assert late is not None
        assert late.delivery_date is not None
        assert po.requested_delivery_date is not None
        assert (late.delivery_date - po.requested_delivery_date).days == 14
