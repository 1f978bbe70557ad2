"""What the demo reports: per flow, per process, the EDI exchange and dead letters, totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hub.store.models import DeadLetter, EdiInterchange

REPORT_VERSION = 1

# The business counts every process report carries (0 when a process has none of them).
PROCESS_KEYS: tuple[str, ...] = (
    "orders_created",
    "orders_allocated",
    "orders_shipped",
    "orders_invoiced",
    "po_approved",
    "po_sent",
    "po_acknowledged",
    "po_received",
    "po_matched",
    "edi_in",
    "edi_files_in",
    "edi_out",
    "acks",
    "dead_letters",
)
FLOW_KEYS: tuple[str, ...] = (
    "read",
    "mapped",
    "unchanged",
    "written",
    "dead_lettered",
    "filtered",
    "skipped",
)


@dataclass
class FlowOutcome:
    """One flow run of the demo (the index-only pass is its own entry)."""

    name: str
    flow: str
    index_only: bool
    status: str = "pending"
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class ProcessOutcome:
    """One process run of the demo: its status, business counts and every step's counts."""

    name: str
    status: str = "pending"
    seconds: float = 0.0
    run_key: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    steps: dict[str, dict[str, int]] = field(default_factory=dict)
    error: str | None = None

    def summary(self) -> dict[str, int]:
        """The report's business counts of this process, every key present."""
        return {key: int(self.counts.get(key, 0)) for key in PROCESS_KEYS}


@dataclass
class DemoReport:
    """The whole demo run; ``as_json()`` is the ``--report`` file (docs/demo.md)."""

    seed: int
    mode: str
    flows: list[FlowOutcome] = field(default_factory=list)
    processes: list[ProcessOutcome] = field(default_factory=list)
    exchange: dict[str, Any] = field(default_factory=dict)
    landscape: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        """``flow:<name>`` / ``process:<name>`` of everything that did not succeed."""
        failed = [f"flow:{f.name}" for f in self.flows if f.status != "succeeded"]
        return failed + [f"process:{p.name}" for p in self.processes if p.status != "succeeded"]

    def totals(self) -> dict[str, int]:
        """Process counts summed, flow records summed, and the store's EDI and DLQ totals."""
        totals: Counter[str] = Counter()
        for process in self.processes:
            totals.update(process.summary())
        for flow in self.flows:
            if not flow.index_only:
                totals["flow_records_read"] += flow.counts.get("read", 0)
                totals["flow_records_written"] += flow.counts.get("written", 0)
                totals["flow_dead_lettered"] += flow.counts.get("dead_lettered", 0)
        for key in ("interchanges_in", "interchanges_out", "dead_letters_open"):
            totals[key] = int(self.exchange.get(key, 0))
        return dict(totals)

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON data."""
        failures = self.failures()
        return {
            "version": REPORT_VERSION,
            "status": "failed" if failures else "succeeded",
            "failed": failures,
            "seed": self.seed,
            "mode": self.mode,
            "seconds": round(self.seconds, 1),
            "landscape": self.landscape,
            "flows": {
                f.name: {k: v for k, v in asdict(f).items() if k != "name"} for f in self.flows
            },
            "processes": {
                p.name: {
                    "status": p.status,
                    "seconds": p.seconds,
                    "run_key": p.run_key,
                    "error": p.error,
                    "summary": p.summary(),
                    "counts": dict(sorted(p.counts.items())),
                    "steps": p.steps,
                }
                for p in self.processes
            },
            "exchange": self.exchange,
            "totals": self.totals(),
            "notes": self.notes,
        }


def exchange_summary(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """EDI interchanges per partner and direction, and open dead letters per flow/process."""
    with sessions() as session:
        rows = session.execute(
            select(EdiInterchange.partner, EdiInterchange.direction, func.count())
            .group_by(EdiInterchange.partner, EdiInterchange.direction)
            .order_by(EdiInterchange.partner, EdiInterchange.direction)
        ).all()
        letters = session.execute(
            select(DeadLetter.flow, func.count())
            .where(DeadLetter.status == "open")
            .group_by(DeadLetter.flow)
            .order_by(DeadLetter.flow)
        ).all()
    partners: dict[str, dict[str, int]] = {}
    for partner, direction, count in rows:
        partners.setdefault(partner, {})[direction] = int(count)
    return {
        "interchanges_in": sum(int(c) for _, d, c in rows if d == "in"),
        "interchanges_out": sum(int(c) for _, d, c in rows if d == "out"),
        "partners": partners,
        "dead_letters_open": sum(int(c) for _, c in letters),
        "dead_letters_by_flow": {flow: int(count) for flow, count in letters},
    }
