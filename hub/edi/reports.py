"""Readable reports of what is wrong with a received file, for people on both sides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Problem:
    """One thing wrong with a file, where it is and the machine code."""

    message: str
    code: str = ""
    position: int | None = None  # segment index in the file, 1-based
    segment_id: str | None = None
    element: int | None = None
    component: int | None = None
    transaction: str | None = None  # control number of the transaction, if any
    tx_position: int | None = None
    severity: str = "error"

    @classmethod
    def from_error(cls, error: Mapping[str, Any], transaction: str | None = None) -> Problem:
        """From an ``EdiError.to_dict()``."""
        return cls(
            message=str(error.get("message", "")),
            code=str(error.get("code", "")),
            position=error.get("position"),
            segment_id=error.get("segment_id"),
            element=error.get("element"),
            component=error.get("component"),
            transaction=transaction,
            tx_position=error.get("tx_position"),
            severity=str(error.get("severity", "error")),
        )

    def where(self) -> str:
        """Position in words: segment, element, component, transaction."""
        parts = []
        if self.position is not None:
            parts.append(f"segment {self.position}")
        if self.segment_id:
            parts.append(self.segment_id)
        if self.element is not None:
            el = f"element {self.element}"
            if self.component:
                el += f".{self.component}"
            parts.append(el)
        if self.transaction:
            tx = f"transaction {self.transaction}"
            if self.tx_position is not None:
                tx += f" segment {self.tx_position}"
            parts.append(tx)
        return ", ".join(parts) or "file"


@dataclass(slots=True)
class FileReport:
    """The report kept next to a quarantined file."""

    partner: str
    filename: str
    sha256: str
    received_at: datetime
    verdict: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems that are not mere warnings."""
        return [p for p in self.problems if p.severity != "warning"]

    def render(self) -> str:
        """Plain text, one problem per line."""
        lines = [
            f"EDI file report — partner {self.partner}",
            f"file:      {self.filename}",
            f"sha256:    {self.sha256}",
            f"received:  {self.received_at.isoformat()}",
            f"verdict:   {self.verdict}",
            "",
        ]
        errors = self.errors
        warnings = [p for p in self.problems if p.severity == "warning"]
        if errors:
            lines.append(f"{len(errors)} error(s):")
            lines += [f"  - {p.where()}: [{p.code}] {p.message}" for p in errors]
        if warnings:
            lines.append(f"{len(warnings)} warning(s):")
            lines += [f"  - {p.where()}: [{p.code}] {p.message}" for p in warnings]
        if self.notes:
            lines.append("")
            lines += self.notes
        return "\n".join(lines) + "\n"


def problems_from_inspection(inspection: Mapping[str, Any]) -> list[Problem]:
    """Every error and warning in an ``inspect_file`` result, with its transaction."""
    out = [Problem.from_error(e) for e in inspection.get("errors", [])]
    for ic in inspection.get("interchanges", []):
        out += [Problem.from_error(e) for e in ic.get("errors", [])]
        transactions: list[Mapping[str, Any]] = list(ic.get("transactions", []))
        for group in ic.get("groups", []):
            out += [Problem.from_error(e) for e in group.get("errors", [])]
            transactions += group.get("transactions", [])
        for tx in transactions:
            cn = tx.get("control_number")
            out += [Problem.from_error(e, cn) for e in tx.get("errors", [])]
    return out


def summarise(problems: Sequence[Problem], limit: int = 3) -> str:
    """A one-line summary for logs and the CLI."""
    errors = [p for p in problems if p.severity != "warning"]
    if not errors:
        return "no errors"
    shown = "; ".join(f"{p.where()}: {p.message}" for p in errors[:limit])
    more = f" (+{len(errors) - limit} more)" if len(errors) > limit else ""
    return shown + more


def extend_unique(target: list[Problem], extra: Iterable[Problem]) -> None:
    """Add problems not already listed (same position, code and message)."""
    seen = {(p.position, p.code, p.message) for p in target}
    for p in extra:
        key = (p.position, p.code, p.message)
        if key not in seen:
            seen.add(key)
            target.append(p)
