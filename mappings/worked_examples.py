"""Worked examples beside mapping files, checked both ways, and previews of one record.

Layout: ``crm/account.yaml`` has examples in ``crm/account.examples/``: ``NAME.native.json``,
``NAME.canonical.json`` and, when the round trip is not exact, ``NAME.native_back.json``.
An optional ``xref.json`` there lists ``{entity, canonical_id, system, system_id}`` rows
for lookups.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mappings.compiler import CompiledMapping, compile_mapping
from mappings.errors import MappingError
from mappings.loader import discover
from mappings.results import Direction, Rejected
from mappings.xref import InMemoryXrefResolver, XrefResolver


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """One example checked in one direction; ``diff`` is a unified diff when it failed."""

    mapping: str
    example: str
    direction: Direction
    ok: bool
    diff: str = ""
    error: str | None = None

    def describe(self) -> str:
        """A readable line (and diff or error) for a terminal."""
        head = f"{'PASS' if self.ok else 'FAIL'} {self.mapping} {self.example} {self.direction}"
        detail = self.error or self.diff
        return head if self.ok or not detail else f"{head}\n{detail}"


@dataclass(frozen=True, slots=True)
class Preview:
    """What one native record becomes: the canonical record, or the errors on the way."""

    canonical: dict[str, Any] | None
    mapped: dict[str, Any] | None
    errors: list[str]
    rejected: str | None = None


def examples_dir(mapping_file: Path) -> Path:
    """``crm/account.yaml`` -> ``crm/account.examples``."""
    return mapping_file.with_suffix(".examples")


def _plain(value: Any) -> Any:
    """Comparable, JSON-like values: tuples become lists, dates text, numbers exact Decimals.

    Numbers compare by value (``Decimal('500.00') == 500``); a float is read through its
    shortest text, as JSON examples are.
    """
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _shown(value: Any) -> Any:
    """Numbers printed as JSON numbers, one text per value, so a diff shows real changes."""
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, Decimal) and value.is_finite():
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else f"{value.normalize()} (decimal)"
    return value


def _text(value: Any) -> list[str]:
    shown = _shown(_plain(value))
    return json.dumps(shown, indent=2, sort_keys=True, default=str, ensure_ascii=False).splitlines(
        keepends=True
    )


def _diff(expected: Any, actual: Any, expected_name: str) -> str:
    lines = difflib.unified_diff(
        _text(expected), _text(actual), fromfile=f"{expected_name} (expected)", tofile="mapped"
    )
    return "".join(lines)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def _xref_for(folder: Path) -> XrefResolver | None:
    rows_file = folder / "xref.json"
    if not rows_file.is_file():
        return None
    rows = _read_json(rows_file)
    return InMemoryXrefResolver(
        (row["entity"], row["canonical_id"], row["system"], row["system_id"]) for row in rows
    )


def _inbound(mapping: CompiledMapping, name: str, folder: Path) -> ExampleResult:
    label = str(mapping.file)
    expected_file = folder / f"{name}.canonical.json"
    try:
        expected_model = mapping.model.model_validate(_read_json(expected_file))
        expected = _plain(expected_model.model_dump(mode="python"))
        produced = mapping.to_model(_read_json(folder / f"{name}.native.json"))
    except (MappingError, ValidationError, OSError, ValueError) as exc:
        return ExampleResult(label, name, "inbound", False, error=str(exc))
    if isinstance(produced, Rejected):
        return ExampleResult(label, name, "inbound", False, error=f"rejected: {produced.reason}")
    actual = _plain(produced.model_dump(mode="python"))
    if actual == expected:
        return ExampleResult(label, name, "inbound", True)
    return ExampleResult(label, name, "inbound", False, _diff(expected, actual, expected_file.name))


def _outbound(mapping: CompiledMapping, name: str, folder: Path) -> ExampleResult:
    label = str(mapping.file)
    back = folder / f"{name}.native_back.json"
    expected_file = back if back.is_file() else folder / f"{name}.native.json"
    try:
        model: BaseModel = mapping.model.model_validate(
            _read_json(folder / f"{name}.canonical.json")
        )
        produced = mapping.to_native(model)
        expected = _plain(_read_json(expected_file))
    except (MappingError, ValidationError, OSError, ValueError) as exc:
        return ExampleResult(label, name, "outbound", False, error=str(exc))
    if isinstance(produced, Rejected):
        return ExampleResult(label, name, "outbound", False, error=f"rejected: {produced.reason}")
    actual = _plain(produced)
    if actual == expected:
        return ExampleResult(label, name, "outbound", True)
    return ExampleResult(
        label, name, "outbound", False, _diff(expected, actual, expected_file.name)
    )


def run_examples(path: Path | str, *, resolver: XrefResolver | None = None) -> list[ExampleResult]:
    """Check every example of one mapping file, or of every mapping file under a folder."""
    results: list[ExampleResult] = []
    for mapping_file in discover(Path(path)):
        folder = examples_dir(mapping_file)
        if not folder.is_dir():
            continue
        try:
            mapping = compile_mapping(mapping_file, resolver=resolver or _xref_for(folder))
        except MappingError as exc:
            results.append(
                ExampleResult(str(mapping_file), "<compile>", "inbound", False, error=str(exc))
            )
            continue
        for native_file in sorted(folder.glob("*.native.json")):
            name = native_file.name.removesuffix(".native.json")
            results.append(_inbound(mapping, name, folder))
            results.append(_outbound(mapping, name, folder))
    return results


def preview(
    mapping_path: Path | str,
    native_json: str | Path | dict[str, Any],
    *,
    resolver: XrefResolver | None = None,
) -> Preview:
    """Map one native record (JSON text, a JSON file or a dict) and show the outcome."""
    try:
        mapping = compile_mapping(Path(mapping_path), resolver=resolver)
        if isinstance(native_json, Path):
            native = _read_json(native_json)
        elif isinstance(native_json, str):
            native = json.loads(native_json, parse_float=Decimal)
        else:
            native = native_json
        mapped = mapping.to_canonical(native)
    except (MappingError, OSError, ValueError) as exc:
        return Preview(None, None, [str(exc)])
    if isinstance(mapped, Rejected):
        return Preview(None, None, [], rejected=f"{mapped.filter}: {mapped.reason}")
    try:
        model = mapping.model.model_validate(mapped)
    except ValidationError:
        try:
            mapping.to_model(native)
        except MappingError as exc:
            return Preview(None, _plain(mapped), [str(exc)])
        raise
    return Preview(model.model_dump(mode="json", exclude_none=True), _plain(mapped), [])
