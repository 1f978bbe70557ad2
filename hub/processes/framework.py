"""Steps, processes and the context they run in."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.profile import Profile, load_profile
from connectors.rest.client import RestClient
from connectors.soap.client import SoapClient
from hub.flows.workspace import DEFAULT_MAPPINGS, DEFAULT_PROFILES, PROJECT_ROOT

log = logging.getLogger(__name__)

DEFAULT_PARTNERS = PROJECT_ROOT / "partners"


class SystemClients:
    """Clients for the systems, built lazily from their profiles and closed together.

    Processes call actions that are not plain entity reads or writes (run the OMS
    allocation, pack a WMS shipment, complete an OA task) through these clients, so every
    call still gets the profile's auth, timeouts, retries and rate limits.
    """

    def __init__(self, profiles: Path, environ: Mapping[str, str] | None = None) -> None:
        self.profiles_dir = profiles
        self.environ = environ
        self._profiles: dict[str, Profile] = {}
        self._rest: dict[str, RestClient] = {}
        self._soap: dict[str, SoapClient] = {}

    def profile(self, system: str) -> Profile:
        if system not in self._profiles:
            self._profiles[system] = load_profile(
                self.profiles_dir / f"{system}.yaml", environ=self.environ
            )
        return self._profiles[system]

    def rest(self, system: str) -> RestClient:
        """The REST client of ``system`` (crm, oms, wms, srm, oa)."""
        if system not in self._rest:
            self._rest[system] = RestClient(self.profile(system), environ=self.environ)
        return self._rest[system]

    def soap(self, system: str) -> SoapClient:
        """The SOAP client of ``system`` (erp, erp-procurement)."""
        if system not in self._soap:
            self._soap[system] = SoapClient(self.profile(system), environ=self.environ)
        return self._soap[system]

    def close(self) -> None:
        for rest in self._rest.values():
            rest.close()
        for soap in self._soap.values():
            soap.close()
        self._rest.clear()
        self._soap.clear()


@dataclass
class ProcessContext:
    """What a step may use: system clients, the state store, folders and a run key.

    ``run_key`` scopes idempotency: a step that creates something derives its business or
    idempotency key from it (and from the record), so re-running the step for the same
    run creates nothing twice. Airflow passes the DAG run's logical date here.
    """

    systems: SystemClients
    sessions: sessionmaker[Session]
    run_key: str
    mappings: Path = DEFAULT_MAPPINGS
    partners: Path = DEFAULT_PARTNERS
    data_dir: Path = Path(".hub")
    environ: Mapping[str, str] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def env(self) -> Mapping[str, str]:
        return os.environ if self.environ is None else self.environ


@dataclass
class StepResult:
    """Counts a step reports (e.g. ``orders_allocated``) and short notes for people."""

    counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


@dataclass(frozen=True)
class Step:
    """One idempotent unit of a process; becomes one Airflow task."""

    name: str
    run: Callable[[ProcessContext], StepResult]
    doc: str = ""
    # An Airflow sensor-like step: waits for another actor (an approver, a warehouse, a
    # partner). Its run returns StepResult with counts["waiting"] > 0 while not done.
    waits: bool = False


@dataclass(frozen=True)
class Process:
    """A named, ordered list of steps."""

    name: str
    title: str
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"process {self.name} has no step {name!r}")


@dataclass
class ProcessResult:
    process: str
    run_key: str
    status: str = "running"
    counts: Counter[str] = field(default_factory=Counter)
    steps: dict[str, dict[str, int]] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


def wait_for(
    step: Step,
    ctx: ProcessContext,
    *,
    timeout: float,
    interval: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> StepResult:
    """Run a waiting step until nothing is left waiting or ``timeout`` passes.

    Each poll reports what moved during that poll, so the counts are summed over the polls;
    only ``waiting`` is taken from the last one.
    """
    deadline = time.monotonic() + timeout
    total = StepResult()
    while True:
        result = step.run(ctx)
        total.counts.update({k: v for k, v in result.counts.items() if k != "waiting"})
        total.notes.extend(result.notes)
        total.counts["waiting"] = result.counts.get("waiting", 0)
        if total.counts["waiting"] == 0 or time.monotonic() >= deadline:
            return total
        sleep(interval)


def run_process(
    process: Process,
    ctx: ProcessContext,
    *,
    wait_timeout: float = 60.0,
    on_step: Callable[[Step, StepResult], None] | None = None,
) -> ProcessResult:
    """Run every step in order (outside Airflow): the CLI's and the demo's way."""
    began = time.monotonic()
    result = ProcessResult(process.name, ctx.run_key)
    try:
        for step in process.steps:
            outcome = wait_for(step, ctx, timeout=wait_timeout) if step.waits else step.run(ctx)
            if step.waits and outcome.counts.get("waiting", 0):
                raise TimeoutError(
                    f"{process.name}.{step.name}: still waiting for "
                    f"{outcome.counts['waiting']} item(s) after {wait_timeout}s"
                )
            result.steps[step.name] = dict(outcome.counts)
            result.counts.update({k: v for k, v in outcome.counts.items() if k != "waiting"})
            if on_step is not None:
                on_step(step, outcome)
        result.status = "succeeded"
    except Exception as exc:
        result.status = "failed"
        result.error = f"{type(exc).__name__}: {exc}"
        log.exception("process %s failed", process.name)
    result.seconds = round(time.monotonic() - began, 2)
    return result


@contextmanager
def process_context(
    sessions: sessionmaker[Session],
    *,
    run_key: str,
    profiles: Path = DEFAULT_PROFILES,
    environ: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Iterator[ProcessContext]:
    """A context with fresh clients, closed on exit."""
    systems = SystemClients(profiles, environ)
    try:
        yield ProcessContext(
            systems=systems, sessions=sessions, run_key=run_key, environ=environ, **kwargs
        )
    finally:
        systems.close()
