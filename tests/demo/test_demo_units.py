"""The demo's pieces that need no landscape: run order, poll sums, report shape, commands."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from hub.cli.up import standalone_command, standalone_environ
from hub.landscape import airflow_connections, demo_credentials, system_environ
from hub.landscape.airflow import airflow_environ
from hub.landscape.demo import flow_plan
from hub.landscape.report import PROCESS_KEYS, DemoReport, FlowOutcome, ProcessOutcome
from hub.processes.framework import Step, StepResult, wait_for

URLS = {"crm": "http://127.0.0.1:8101", "oms": "http://127.0.0.1:8103"}


def test_the_index_pass_comes_first_and_masters_before_stock() -> None:
    names = ["wms-to-oms-stock", "crm-to-erp-customers", "erp-to-crm-customers", "zz-new-flow"]

    plan = flow_plan(names)

    assert plan == [
        ("erp-to-crm-customers", True),
        ("crm-to-erp-customers", False),
        ("erp-to-crm-customers", False),
        ("wms-to-oms-stock", False),
        ("zz-new-flow", False),
    ]


def test_a_waiting_step_reports_what_moved_in_every_poll() -> None:
    polls = iter([{"acks": 2, "waiting": 3}, {"acks": 1, "waiting": 1}, {"acks": 3}])

    def poll(ctx: Any) -> StepResult:
        return StepResult(Counter(next(polls)))

    step = Step("wait", poll, waits=True)

    result = wait_for(step, None, timeout=5, sleep=lambda _s: None)  # type: ignore[arg-type]

    assert result.counts["acks"] == 6
    assert result.counts["waiting"] == 0


def _report() -> DemoReport:
    report = DemoReport(seed=7, mode="direct")
    report.flows.append(FlowOutcome("a (index only)", "a", True, "succeeded", counts={"read": 99}))
    report.flows.append(FlowOutcome("a", "a", False, "succeeded", counts={"read": 5, "written": 2}))
    report.processes.append(
        ProcessOutcome("o2c", "succeeded", counts={"orders_shipped": 4, "extra": 1})
    )
    report.processes.append(ProcessOutcome("p2p", "failed", counts={"po_sent": 2}, error="boom"))
    report.exchange = {"interchanges_in": 3, "interchanges_out": 4, "dead_letters_open": 1}
    return report


def test_the_report_names_what_failed_and_sums_per_category() -> None:
    data = json.loads(json.dumps(_report().as_json()))

    assert data["status"] == "failed"
    assert data["failed"] == ["process:p2p"]
    assert set(data["processes"]["o2c"]["summary"]) == set(PROCESS_KEYS)
    assert data["processes"]["o2c"]["counts"]["extra"] == 1
    totals = data["totals"]
    assert totals["orders_shipped"] == 4
    assert totals["po_sent"] == 2
    assert totals["flow_records_read"] == 5  # the index-only pass is not a sync
    assert (totals["interchanges_in"], totals["interchanges_out"]) == (3, 4)
    assert data["flows"]["a (index only)"]["index_only"] is True


def test_airflow_connections_carry_each_systems_url_and_credentials() -> None:
    environ = system_environ(URLS)

    connections = airflow_connections(environ)

    crm = json.loads(connections["AIRFLOW_CONN_CRM"])
    assert (crm["host"], crm["port"], crm["schema"]) == ("127.0.0.1", 8101, "http")
    assert (crm["login"], crm["password"]) == (
        demo_credentials()["HUB_CRM_CLIENT_ID"],
        demo_credentials()["HUB_CRM_CLIENT_SECRET"],
    )
    assert json.loads(connections["AIRFLOW_CONN_OMS"])["password"] == environ["HUB_OMS_API_KEY"]
    assert "AIRFLOW_CONN_ERP" not in connections  # not running, no connection


def test_the_demo_airflow_environment_isolates_airflow_under_the_data_folder(
    tmp_path: Path,
) -> None:
    environ = airflow_environ(tmp_path, {"HUB_CRM_URL": URLS["crm"]}, wait_timeout=45)

    assert environ["AIRFLOW_HOME"] == str(tmp_path / "airflow")
    assert environ["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert Path(environ["AIRFLOW__CORE__DAGS_FOLDER"]).name == "dags"
    assert environ["HUB_AIRFLOW_SENSOR_TIMEOUT"] == "45"
    assert environ["HUB_CRM_URL"] == URLS["crm"]


def test_hub_up_runs_airflow_standalone_on_loopback_with_the_landscape(tmp_path: Path) -> None:
    hub_environ = system_environ(URLS)
    dags = tmp_path / "dags"

    environ = standalone_environ(hub_environ, tmp_path, dags, port=8181, base={"PATH": "/bin"})

    assert standalone_command()[-2:] == ["airflow", "standalone"]
    assert environ["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert environ["AIRFLOW__API__PORT"] == "8181"
    assert environ["AIRFLOW_HOME"] == str(tmp_path / "airflow")
    assert environ["AIRFLOW__CORE__DAGS_FOLDER"] == str(dags)
    assert environ["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert environ["HUB_OMS_URL"] == URLS["oms"]
    assert json.loads(environ["AIRFLOW_CONN_OMS"])["port"] == 8103
    assert environ["PATH"].split(os.pathsep) == [str(Path(sys.executable).parent), "/bin"]
