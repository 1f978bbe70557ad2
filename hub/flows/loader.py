"""Reading flow files: safe YAML, checked against the published schema, then the model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from hub.flows.model import FlowSpec
from hub.flows.schema import SCHEMA_PATH


class FlowError(Exception):
    """A flow file cannot be used; ``problems`` lists every finding."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(f"{file}: " + "; ".join(problems))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _where(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text or "<flow>"


def parse_flow(document: Any, file: str = "<flow>") -> FlowSpec:
    """Validate a loaded document against the schema and the model; raises `FlowError`."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise FlowError(file, [f"{_where(e.absolute_path)}: {e.message}" for e in errors])
    try:
        return FlowSpec.model_validate(document)
    except ValidationError as exc:
        raise FlowError(
            file,
            [f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)],
        ) from None


def load_flow(path: Path) -> FlowSpec:
    """Read one flow file (YAML, safe loader only)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FlowError(str(path), [f"cannot read: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise FlowError(str(path), [f"invalid YAML: {exc}"]) from None
    return parse_flow(document, str(path))


def iter_flow_files(directory: Path) -> Iterator[Path]:
    """Flow files under `directory`, in name order."""
    for pattern in ("*.yaml", "*.yml"):
        yield from sorted(directory.rglob(pattern))


def load_flows(directory: Path) -> dict[str, FlowSpec]:
    """Every flow under `directory` by name; a duplicate name is an error."""
    flows: dict[str, FlowSpec] = {}
    for path in iter_flow_files(directory):
        flow = load_flow(path)
        if flow.name in flows:
            raise FlowError(str(path), [f"flow name {flow.name!r} is used twice"])
        flows[flow.name] = flow
    return flows
