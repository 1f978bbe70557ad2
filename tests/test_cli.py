"""The `hub` command line as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from hub.cli import app
from reference.registry import SYSTEMS

runner = CliRunner()


def test_help_lists_the_command_groups() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "db", "schema", "systems"):
        assert command in result.output


def test_schema_export_writes_one_schema_per_model(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "export", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "schemas").glob("*.schema.json"))
    assert files == sorted(
        f"{name}.schema.json"
        for name in (
            "Customer",
            "Product",
            "Order",
            "StockLevel",
            "Supplier",
            "PurchaseOrder",
            "Shipment",
            "Invoice",
            "ApprovalRequest",
        )
    )
    for path in (tmp_path / "schemas").iterdir():
        assert json.loads(path.read_text())["title"]


def test_db_upgrade_on_sqlite(hub_data_dir: str) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (Path(hub_data_dir) / "hub.db").exists()
    again = runner.invoke(app, ["db", "current"])
    assert again.exit_code == 0
    assert "not migrated" not in again.output


@pytest.mark.postgres
def test_db_upgrade_on_postgres(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", postgres_url)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert {"xref", "dead_letters", "runs", "hub_alembic_version"} <= tables


def test_unknown_system_is_a_clear_error() -> None:
    result = runner.invoke(app, ["systems", "up", "--only", "crm,sap"])
    assert result.exit_code != 0
    assert "sap" in result.output


def test_systems_up_brings_all_six_up_healthy_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    # How fast they come up is printed by the command ("all 6 healthy in 4.6s"), not
    # asserted here: a loaded CI machine is no measure of speed.
    offset = 20000 + os.getpid() % 1000 * 10
    env = {**os.environ, "HUB_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "systems", "up", "--port-offset", str(offset)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # As a background job started from a script is: with SIGINT ignored, which Python
        # then keeps ignoring unless the command sets its own handler.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert proc.stdout is not None
        output = []
        for line in proc.stdout:
            output.append(line)
            if "healthy in" in line:
                break
        assert "all 6 healthy in" in "".join(output), "".join(output)
        for name, (_pkg, port) in SYSTEMS.items():
            response = requests.get(f"http://127.0.0.1:{port + offset}/health", timeout=5)
            assert response.status_code == 200, name
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest = proc.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            rest = proc.communicate()[0]
            pytest.fail(f"hub systems up did not stop within 60 s of Ctrl-C:\n{rest[-2000:]}")
    assert proc.returncode == 0, rest
    assert "stopping" in rest
