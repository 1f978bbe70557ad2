"""What a DAG needs to know about a flow file, read from the YAML alone (parse-time safe).

The DAG files run every time the dag-processor parses them, so they read only the fields
that shape a DAG (name, schedule, partitions, systems) with the safe YAML loader and no
schema validation; the task validates the whole flow when it builds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# hub.flows.workspace.DEFAULT_FLOWS, without importing it: that module pulls in the
# connectors and the sync engine, which a DAG file being parsed does not need.
DEFAULT_FLOWS = Path(__file__).resolve().parents[2] / "flows"
_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,127}$")
# The libyaml loader is several times faster; fall back to the pure-Python one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FlowInfo:
    """The parts of a flow file that shape its DAG."""

    name: str
    path: Path
    schedule: str | None = None
    description: str = ""
    partitions: int = 1
    source: str = ""
    target: str = ""
    canonical: str = ""


class FlowFileError(ValueError):
    """A flow file cannot even be read as a flow (its DAG cannot be built)."""


def flows_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The flows folder: HUB_FLOWS_DIR, else the repository's flows/."""
    env = os.environ if environ is None else environ
    override = env.get("HUB_FLOWS_DIR")
    return Path(override) if override else DEFAULT_FLOWS


def _system(document: dict[str, Any], side: str) -> str:
    part = document.get(side)
    return str(part.get("system", "")) if isinstance(part, dict) else ""


def read_flow_info(path: Path) -> FlowInfo:
    """The DAG-shaping fields of one flow file; `FlowFileError` if it has no usable name."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise FlowFileError(f"{path.name}: cannot read ({type(exc).__name__})") from None
    if not isinstance(document, dict):
        raise FlowFileError(f"{path.name}: not a flow (expected a mapping)")
    name = document.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise FlowFileError(f"{path.name}: missing or invalid flow name")
    schedule = document.get("schedule")
    partitions = document.get("partitions")
    count = partitions.get("count", 1) if isinstance(partitions, dict) else 1
    return FlowInfo(
        name=name,
        path=path,
        schedule=str(schedule) if schedule else None,
        description=str(document.get("description") or ""),
        partitions=count if isinstance(count, int) and 1 <= count <= 1024 else 1,
        source=_system(document, "source"),
        target=_system(document, "target"),
        canonical=str(document.get("canonical") or ""),
    )


_cache: dict[Path, tuple[tuple[int, int], FlowInfo]] = {}


def cached_flow_info(path: Path) -> FlowInfo:
    """`read_flow_info`, remembered while the file's size and mtime stay the same."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    hit = _cache.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    info = read_flow_info(path)
    _cache[path] = (stamp, info)
    return info


def flow_infos(folder: Path) -> tuple[list[FlowInfo], list[str]]:
    """Every flow file under ``folder`` (name order) and the problems of those skipped."""
    infos: list[FlowInfo] = []
    problems: list[str] = []
    seen: set[str] = set()
    paths = sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")])
    for path in paths:
        try:
            info = cached_flow_info(path)
        except FlowFileError as exc:
            problems.append(str(exc))
            continue
        if info.name in seen:
            problems.append(f"{path.name}: flow name {info.name!r} is used twice")
            continue
        seen.add(info.name)
        infos.append(info)
    return infos, problems
