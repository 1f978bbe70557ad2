"""The end-to-end demo's run: every flow, then every process, on an embedded landscape.

``run_demo`` is what `hub demo` calls. It runs each master-data flow (the index-only pass
first where docs/flows.md asks for one), lets the retail partners drop their orders, then
runs each process, directly (`run_flow` / `run_process`) or through the hub's Airflow DAGs
with ``dag.test()`` (:mod:`hub.landscape.airflow`). Progress goes to a callback; the
result is a :class:`DemoReport`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from hub.flows.workspace import DEFAULT_FLOWS
from hub.landscape.core import Landscape
from hub.landscape.report import DemoReport, FlowOutcome, ProcessOutcome, exchange_summary
from hub.processes.framework import Step, StepResult, run_process
from hub.processes.registry import PROCESSES, get_process
from hub.redaction import redact

log = logging.getLogger(__name__)

# Flows whose first load needs an index-only pass before the reverse flow (docs/flows.md).
INDEX_FIRST: tuple[str, ...] = ("erp-to-crm-customers",)
# Masters before what depends on them: customers, suppliers, products, then stock.
FLOW_ORDER: tuple[str, ...] = (
    "crm-to-erp-customers",
    "erp-to-crm-customers",
    "srm-to-erp-suppliers",
    "erp-to-wms-products",
    "erp-to-crm-products",
    "erp-to-oms-products",
    "wms-to-oms-stock",
    "wms-to-erp-stock",
)
# The demo reads everything written before each run: no other writer is active, so the
# flows' skew margin (left for the next run in production) would only hide fresh seed data.
CLOCK_AHEAD = timedelta(seconds=30)


@dataclass(frozen=True)
class Event:
    """A progress event: ``kind`` flow/process/step/phase, a name and what happened."""

    kind: str
    name: str
    status: str
    detail: str = ""


Listener = Callable[[Event], None]


@dataclass(frozen=True)
class DemoOptions:
    """What the demo runs and how long it waits for people and partners."""

    retail_orders: int = 3
    wait_timeout: float = 60.0
    only: frozenset[str] | None = None  # flow and process names; None = everything
    stop_before_processes: tuple[str, ...] = ()  # systems to stop first (failure drill)
    flows_dir: Path = DEFAULT_FLOWS

    def wants(self, name: str) -> bool:
        """True when ``name`` (a flow or a process) is part of this run."""
        return self.only is None or name in self.only


def flow_plan(names: Iterable[str]) -> list[tuple[str, bool]]:
    """(flow, index_only) in the demo's order: index passes, known order, then the rest."""
    available = set(names)
    ordered = [n for n in FLOW_ORDER if n in available]
    ordered += sorted(available - set(FLOW_ORDER))
    plan = [(n, True) for n in INDEX_FIRST if n in available]
    return plan + [(n, False) for n in ordered]


def flow_entry(flow: str, index_only: bool) -> str:
    """The report's name of a flow run: ``<flow>`` or ``<flow> (index only)``."""
    return f"{flow} (index only)" if index_only else flow


def run_flow_direct(landscape: Landscape, flow: str, *, index_only: bool) -> FlowOutcome:
    """Run one flow once with the sync engine; never raises."""
    from hub.sync import RunOptions, run_flow

    outcome = FlowOutcome(flow_entry(flow, index_only), flow, index_only)
    began = time.monotonic()
    space = landscape.workspace()
    try:
        built = space.build(space.flow(flow))
        try:
            options = RunOptions(clock=lambda: datetime.now(UTC) + CLOCK_AHEAD)
            result = run_flow(landscape.sessions, built.context, options, index_only=index_only)
        finally:
            built.close()
        outcome.status = result.status
        outcome.counts = {k: int(v) for k, v in asdict(result.counts).items()}
        outcome.error = redact(result.error) if result.error else None
    except Exception as exc:
        outcome.status = "failed"
        outcome.error = redact(f"{type(exc).__name__}: {exc}")
        log.exception("demo: flow %s failed", flow)
    outcome.seconds = round(time.monotonic() - began, 2)
    return outcome


def run_process_direct(
    landscape: Landscape, name: str, run_key: str, options: DemoOptions, listener: Listener
) -> ProcessOutcome:
    """Run one process with `run_process`; never raises."""
    outcome = ProcessOutcome(name, run_key=run_key)

    def on_step(step: Step, result: StepResult) -> None:
        listener(Event("step", f"{name}.{step.name}", "done", _brief(result.counts)))

    try:
        with landscape.process_context(run_key) as ctx:
            result = run_process(
                get_process(name),
                ctx,
                wait_timeout=options.wait_timeout,
                on_step=on_step,
            )
        outcome.status = result.status
        outcome.counts = dict(result.counts)
        outcome.steps = result.steps
        outcome.seconds = result.seconds
        outcome.error = redact(result.error) if result.error else None
    except Exception as exc:
        outcome.status = "failed"
        outcome.error = redact(f"{type(exc).__name__}: {exc}")
        log.exception("demo: process %s failed", name)
    return outcome


def _brief(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v and k != "waiting")


def landscape_info(landscape: Landscape) -> dict[str, object]:
    """Where everything ran (URLs, the SFTP server and its pinned fingerprint); no secrets."""
    info: dict[str, object] = {
        "systems": {name: s.base_url for name, s in sorted(landscape.systems.items())},
        "state_store": landscape.store_url,
        "partners": sorted(landscape.mailboxes),
        "actors": sorted(landscape.actors),
    }
    if landscape.sftp is not None:
        info["sftp"] = {
            "host": landscape.sftp.host,
            "port": landscape.sftp.port,
            "host_key_fingerprint": landscape.sftp.host_key_fingerprint,
        }
    return info


def run_demo(
    landscape: Landscape,
    *,
    seed: int,
    options: DemoOptions,
    airflow: bool,
    listener: Listener = lambda event: None,
) -> DemoReport:
    """Every flow, the retail partners' orders, every process; the report of it all."""
    began = time.monotonic()
    report = DemoReport(seed=seed, mode="airflow" if airflow else "direct")
    report.landscape = landscape_info(landscape)
    space = landscape.workspace(options.flows_dir)
    plan = [(f, i) for f, i in flow_plan(space.all_flows()) if options.wants(f)]
    processes = [p for p in PROCESSES if options.wants(p)]
    runner = _airflow_runner(landscape, listener, options) if airflow else None
    run_key = f"demo-{seed}"

    for flow, index_only in plan:
        entry = flow_entry(flow, index_only)
        listener(Event("flow", entry, "running"))
        if runner is not None and not index_only:
            outcome = runner.flow(flow)
        else:
            outcome = run_flow_direct(landscape, flow, index_only=index_only)
        report.flows.append(outcome)
        listener(Event("flow", entry, outcome.status, outcome.error or _brief(outcome.counts)))

    if processes and options.retail_orders:
        dropped = landscape.drop_retail_orders(options.retail_orders)
        for partner, files in dropped.items():
            listener(Event("phase", partner, "done", f"dropped {len(files)} orders"))
    for system in options.stop_before_processes:
        landscape.stop_system(system)
        report.notes.append(f"{system} stopped before the processes (failure drill)")
        listener(Event("phase", system, "stopped"))

    for name in processes:
        listener(Event("process", name, "running"))
        if runner is not None:
            done = runner.process(name)
        else:
            done = run_process_direct(landscape, name, run_key, options, listener)
        report.processes.append(done)
        listener(Event("process", name, done.status, done.error or ""))

    report.exchange = exchange_summary(landscape.sessions)
    report.seconds = time.monotonic() - began
    return report


class Runner(Protocol):
    """What an alternative runner (the Airflow one) offers the demo."""

    def flow(self, flow: str) -> FlowOutcome: ...

    def process(self, name: str) -> ProcessOutcome: ...


def _airflow_runner(landscape: Landscape, listener: Listener, options: DemoOptions) -> Runner:
    from hub.landscape.airflow import AirflowRunner

    return AirflowRunner(landscape, listener, wait_timeout=options.wait_timeout)
