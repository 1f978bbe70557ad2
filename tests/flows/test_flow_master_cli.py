"""The sync, runs and dlq commands against running reference systems (CRM and ERP)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from flow_master_support import ROOT, Landscape, start_landscape
from typer.testing import CliRunner

from hub.cli import dlq, runs, sync

FLOW = "crm-to-erp-customers"


@pytest.fixture(scope="module")
def land(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    landscape = start_landscape(tmp_path_factory.mktemp("cli"), ["crm", "erp"])
    yield landscape
    landscape.close()


@pytest.fixture(scope="module")
def flows_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's flows without the clock-skew margin: the tests run right after writes."""
    folder = tmp_path_factory.mktemp("flows")
    for flow in (ROOT / "flows").glob("*.yaml"):
        text = flow.read_text().replace("$schema", "# $schema")
        (folder / flow.name).write_text(text + "skew_margin_seconds: 0\n")
    return folder


@pytest.fixture(scope="module")
def hub(land: Landscape, flows_dir: Path):
    """Invoke `hub <args>` with the landscape's URLs, secrets and state store."""
    app = typer.Typer()
    app.add_typer(sync.app, name="sync")
    app.add_typer(runs.app, name="runs")
    app.add_typer(dlq.app, name="dlq")
    runner = CliRunner()
    env = dict(land.env) | {"HUB_DATA_DIR": str(land.data_dir), "HUB_DATABASE_URL": None}
    env |= {"COLUMNS": "250", "HUB_FLOWS_DIR": str(flows_dir)}

    def invoke(*args: str):
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return invoke


def new_account(land: Landscape, name: str, tax_number: str) -> str:
    body = {
        "accountName": name,
        "taxNumber": tax_number,
        "currency": "EUR",
        "billingAddress": {
            "street": "Main St 1",
            "city": "Berlin",
            "zip": "10115",
            "country": "DE",
        },
    }
    answer = land.client("crm").request("POST", "/accounts", json=body).json()
    return answer["accountId"]


def count(output: str, name: str) -> int:
    """A number from the counts table `hub sync run` prints."""
    found = re.search(rf"^\W*{name}\W+(\d+)", output, re.M)
    assert found, output
    return int(found.group(1))


def table_rows(output: str) -> list[list[str]]:
    """The cells of each body row of a rich table."""
    return [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in output.splitlines()
        if line.startswith("│")
    ]


def open_letter_ids(hub) -> list[int]:
    listed = hub("dlq", "list", "--flow", FLOW)
    assert listed.exit_code == 0, listed.output
    return [int(cells[0]) for cells in table_rows(listed.output) if cells[1:2] == [FLOW]]


def test_sync_run_status_and_runs(land: Landscape, hub):
    indexed = hub("sync", "run", "erp-to-crm-customers", "--index-only")
    assert indexed.exit_code == 0, indexed.output

    dry = hub("sync", "run", FLOW, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "(dry run)" in dry.output
    result = hub("sync", "run", FLOW)

    assert result.exit_code == 0, result.output
    assert f"{FLOW}: succeeded" in result.output
    written = count(result.output, "written")
    assert written > 0
    status = hub("sync", "status")
    assert status.exit_code == 0, status.output
    rows = {cells[0]: cells for cells in table_rows(status.output)}
    _flow, _partition, cursor, lag, last, _finished, wrote, letters = rows[FLOW]
    assert (last, wrote, letters) == ("succeeded", str(written), "0")
    assert cursor.startswith("20")
    assert lag.endswith(("s", "m", "h"))
    assert rows["erp-to-crm-customers"][2] == "-"  # an index-only run moves no cursor
    assert rows["wms-to-oms-stock"][4] == "never"
    history = hub("runs", "--flow", FLOW)
    assert history.exit_code == 0, history.output
    assert history.output.count("succeeded") == 1  # the dry run is not recorded
    assert "erp-to-crm" not in history.output


def test_dlq_list_show_replay_after_a_mapping_fix_and_discard(land: Landscape, hub, tmp_path: Path):
    spaced = new_account(land, "Spaced Vat GmbH", "DE 123 456 789")
    broken = new_account(land, "Broken Vat GmbH", "DE-1")
    run = hub("sync", "run", FLOW)
    assert run.exit_code == 0, run.output
    assert count(run.output, "dead lettered") == 2

    ids = open_letter_ids(hub)
    assert len(ids) == 2
    shown = {i: hub("dlq", "show", str(i)).output for i in ids}
    spaced_id = next(i for i, text in shown.items() if spaced in text)
    broken_id = next(i for i, text in shown.items() if broken in text)
    assert '"stage": "write"' in shown[spaced_id]
    assert "VatRegNo" in shown[spaced_id]

    # Replayed as it is, the record fails again and its letter stays open.
    again = hub("dlq", "replay", FLOW, "--id", str(spaced_id))
    assert again.exit_code == 2
    assert "failed again" in again.output

    # The fix: the CRM mapping learns to drop spaces from tax numbers. Replay with it.
    fixed = tmp_path / "mappings"
    shutil.copytree(ROOT / "mappings", fixed)
    crm = fixed / "crm" / "customer.yaml"
    crm.write_text(
        crm.read_text().replace(
            "{target: value, source: taxNumber, steps: [trim]}",
            "{target: value, source: taxNumber, steps: [{split: {sep: ' '}},"
            " {concat: {sep: ''}}], reverse: {source: value, target: taxNumber}}",
        )
    )
    replayed = hub("dlq", "replay", FLOW, "--id", str(spaced_id), "--mappings", str(fixed))
    assert replayed.exit_code == 0, replayed.output
    vat_numbers = {c.get("VatRegNo") for c in land.records("erp", "customers")}
    assert "DE123456789" in vat_numbers

    discarded = hub("dlq", "discard", str(broken_id))
    assert discarded.exit_code == 0
    assert "discarded 1 of 1" in discarded.output
    assert open_letter_ids(hub) == []
    every = hub("dlq", "list", "--flow", FLOW, "--status", "all")
    assert "replayed" in every.output
    assert "discarded" in every.output
