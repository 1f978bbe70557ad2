"""`hub edi` commands, run through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from edi_exchange_env import Env
from typer.testing import CliRunner

from connectors.edi import parse_file
from connectors.edi.edifact.samples import sample_order
from hub.cli.edi import app
from reference.edi_partner import RetailCustomer

FIXTURES = Path(__file__).resolve().parent.parent / "edi" / "fixtures"
runner = CliRunner()


def test_inspect_json_lists_control_numbers_and_error_positions() -> None:
    good = runner.invoke(app, ["inspect", str(FIXTURES / "x12" / "850.edi"), "--json"])
    assert good.exit_code == 0, good.output
    data = json.loads(good.output)
    ic = data["interchanges"][0]
    assert (ic["control_number"], ic["groups"][0]["transactions"][0]["type"]) == (
        "000000101",
        "850",
    )
    assert data["summary"]["valid"] is True

    bad = runner.invoke(app, ["inspect", str(FIXTURES / "x12" / "bad_se_count.edi"), "--json"])
    assert bad.exit_code == 1
    errors = [
        e
        for g in json.loads(bad.output)["interchanges"][0]["groups"]
        for t in g["transactions"]
        for e in t["errors"]
    ]
    assert errors
    assert all(e["position"] for e in errors)


def test_inspect_text_says_invalid() -> None:
    result = runner.invoke(app, ["inspect", str(FIXTURES / "edifact" / "bad_unt_count.edi")])
    assert result.exit_code == 1
    assert "INVALID" in result.output


def test_translate_prints_canonical_json_with_partner_mappings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Line 2 names the item only by the buyer's part number (PO1 BP*SKU-2): without the
    # partner's item mapping it has no sku of ours and cannot be translated.
    plain = runner.invoke(app, ["translate", str(FIXTURES / "x12" / "850.edi")])
    assert plain.exit_code == 1
    (doc,) = json.loads(plain.output)["documents"]
    assert doc["document"] is None
    assert "sku" in doc["error"]["message"]

    profile = yaml.safe_load((Path("partners") / "retail-mart.yaml").read_text())
    profile["mappings"]["items"] = {"SKU-2": "OUR-SKU-2"}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(profile))
    monkeypatch.setenv("HUB_PARTNERS_DIR", str(tmp_path))
    mapped = runner.invoke(
        app, ["translate", str(FIXTURES / "x12" / "850.edi"), "--partner", "RETAIL-MART"]
    )
    assert mapped.exit_code == 0, mapped.output
    (doc,) = json.loads(mapped.output)["documents"]
    assert doc["document_type"] == "order"
    assert doc["document"]["order_number"] == "PO-1001"
    assert doc["document"]["lines"][1]["sku"] == "OUR-SKU-2"


@pytest.mark.parametrize(
    ("fixture", "ack_type", "status"),
    [
        ("x12/850.edi", "997", "A"),
        ("x12/bad_code.edi", "997", "R"),
        ("edifact/orders_d96a.edi", "CONTRL", ""),
    ],
)
def test_ack_prints_the_acknowledgement(fixture: str, ack_type: str, status: str) -> None:
    result = runner.invoke(app, ["ack", str(FIXTURES / fixture)])
    assert result.exit_code == 0, result.output
    (ic,) = parse_file(result.output)
    assert [t.type for t in ic.transactions] == [ack_type]
    if status:
        ak5 = [s for s in ic.transactions[0].segments if s.tag == "AK5"]
        assert ak5[0].get(1) == status


def test_exchange_runs_one_cycle_for_a_partner(
    embedded_env: Env, hub_data_dir: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = embedded_env.profile("x12")
    folder = tmp_path / "partners"
    folder.mkdir()
    (folder / "p.yaml").write_text(yaml.safe_dump(profile.model_dump(mode="json")))
    monkeypatch.setenv("HUB_PARTNERS_DIR", str(folder))
    with embedded_env.mailbox() as mailbox:
        RetailCustomer(mailbox, embedded_env.partner_identity(profile)).send_order(
            sample_order("SO-9001")
        )
        result = runner.invoke(app, ["exchange", "--partner", "RETAIL-MART", "--json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.output)
        assert [(r["outcome"], r["documents"]) for r in summary["received"]] == [("accepted", 1)]
        assert len(mailbox.list("outbox")) == 1
    assert (Path(hub_data_dir) / "hub.db").exists()
