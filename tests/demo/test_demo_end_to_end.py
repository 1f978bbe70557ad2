"""`hub demo` as a user runs it: everything embedded, every flow and process, a JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from hub.landscape import demo_credentials
from hub.landscape.airflow import dags_available
from hub.landscape.report import PROCESS_KEYS

pytestmark = pytest.mark.slow


def hub_demo(folder: Path, *args: str, timeout: float = 280) -> tuple[int, str, dict[str, Any]]:
    """Run ``hub demo`` in its own process; exit code, output and the report."""
    report = folder / "report.json"
    env = {**os.environ, "HUB_DATA_DIR": str(folder / "data"), "COLUMNS": "160"}
    done = subprocess.run(
        [sys.executable, "-m", "hub", "demo", "--report", str(report), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return done.returncode, done.stdout + done.stderr, data


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict[str, Any], Path]:
    folder = tmp_path_factory.mktemp("demo")
    code, output, report = hub_demo(folder, "--no-airflow")
    return code, output, report, folder


def test_the_demo_succeeds_with_every_flow_and_process(full_run: Any) -> None:
    code, output, report, _ = full_run
    assert code == 0, output[-3000:]
    assert report["status"] == "succeeded"
    assert report["failed"] == []
    assert report["mode"] == "direct"
    assert report["seed"] == 42
    assert set(report["processes"]) == {"order_to_cash", "procure_to_pay", "approvals"}
    assert "erp-to-crm-customers (index only)" in report["flows"]
    for name, flow in report["flows"].items():
        assert flow["status"] == "succeeded", (name, flow["error"])
        assert flow["counts"]["read"] > 0, name
    assert "demo finished" in output


def test_every_category_of_the_report_has_happened(full_run: Any) -> None:
    totals = full_run[2]["totals"]
    for key in (*PROCESS_KEYS, "interchanges_in", "interchanges_out", "flow_records_written"):
        assert totals[key] > 0, key
    # an order is invoiced only once shipped, and shipped only once allocated
    assert totals["orders_invoiced"] <= totals["orders_shipped"] <= totals["orders_allocated"]
    assert totals["po_matched"] <= totals["po_received"] <= totals["po_sent"]


def test_the_report_has_the_documented_shape(full_run: Any) -> None:
    report = full_run[2]
    assert {"version", "status", "failed", "seed", "mode", "seconds", "landscape"} <= set(report)
    assert {"flows", "processes", "exchange", "totals", "notes"} <= set(report)
    process = report["processes"]["order_to_cash"]
    assert {"status", "seconds", "run_key", "error", "summary", "counts", "steps"} <= set(process)
    assert set(process["summary"]) == set(PROCESS_KEYS)
    assert "intake_edi_orders" in process["steps"]
    flow = report["flows"]["crm-to-erp-customers"]
    assert {"status", "seconds", "counts", "error", "index_only", "flow"} <= set(flow)
    assert report["landscape"]["sftp"]["host_key_fingerprint"].startswith("SHA256:")
    assert set(report["exchange"]["partners"]) == {"ACME-SUPPLY", "GLOBEX-SUPPLY", "RETAIL-MART"}


def test_the_report_holds_no_secret(full_run: Any) -> None:
    text = json.dumps(full_run[2])
    for name, value in demo_credentials().items():
        if "SECRET" in name or "PASSWORD" in name or "KEY" in name or "TOKEN" in name:
            assert value not in text, name


def test_everything_is_stopped_when_the_demo_ends(full_run: Any) -> None:
    for url in full_run[2]["landscape"]["systems"].values():
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/health", timeout=2)


def test_a_failing_process_makes_the_demo_fail_and_says_which(tmp_path: Path) -> None:
    code, output, report = hub_demo(
        tmp_path, "--no-airflow", "--only", "approvals", "--stop-system", "oa"
    )

    assert code == 1
    assert report["status"] == "failed"
    assert report["failed"] == ["process:approvals"]
    assert "ConnectionFailed" in report["processes"]["approvals"]["error"]
    assert "demo failed" in output
    assert "process:approvals" in output


@pytest.mark.skipif(not dags_available(), reason="dags/ or apache-airflow not there")
def test_the_airflow_path_runs_the_dags_with_dag_test(tmp_path: Path) -> None:
    code, output, report = hub_demo(
        tmp_path, "--airflow", "--only", "wms-to-oms-stock,approvals", timeout=290
    )

    assert code == 0, output[-3000:]
    assert report["mode"] == "airflow"
    assert report["flows"]["wms-to-oms-stock"]["counts"]["written"] > 0
    approvals = report["processes"]["approvals"]
    assert approvals["status"] == "succeeded"
    assert approvals["counts"]["costs_posted"] > 0
    assert (tmp_path / "data" / "demo" / "airflow" / "airflow.db").exists()
