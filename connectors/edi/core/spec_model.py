"""Specification data: element/segment/loop specs and the YAML loader (cached)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SPECS_DIR = Path(__file__).resolve().parent.parent / "specs"

MANDATORY = frozenset({"M", "R"})  # X12 Mandatory; EDIFACT M; "R" = required


@dataclass(frozen=True, slots=True)
class ElementSpec:
    """One data element (or composite, when ``components`` is set)."""

    ref: str
    name: str
    required: bool
    type: str = "AN"
    min: int = 0
    max: int = 0  # 0 = no limit
    codes: frozenset[str] | None = None
    components: tuple[ElementSpec, ...] | None = None
    repeat: int = 1


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """A segment: its tag, element specs and X12 syntax rules such as "P0405"."""

    tag: str
    name: str
    elements: tuple[ElementSpec, ...]
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentNode:
    """A segment's place in a transaction structure."""

    tag: str
    required: bool
    max: int  # 0 = unbounded
    spec: SegmentSpec

    @property
    def trigger(self) -> str:
        """Tag that opens this node."""
        return self.tag


@dataclass(frozen=True, slots=True)
class LoopNode:
    """A loop: its first child's segment opens each repeat."""

    id: str
    required: bool
    max: int
    children: tuple[SegmentNode | LoopNode, ...]

    @property
    def trigger(self) -> str:
        """Tag that opens this loop (its first segment)."""
        return self.children[0].trigger


Node = SegmentNode | LoopNode


@dataclass(frozen=True, slots=True)
class TransactionSpec:
    """A complete transaction / message specification."""

    standard: str
    version: str
    transaction: str
    name: str
    functional_group: str
    structure: tuple[Node, ...]
    segments: Mapping[str, SegmentSpec]
    codes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def segment(self, tag: str) -> SegmentSpec | None:
        """Segment spec by tag (from the dictionary of the version)."""
        return self.segments.get(tag)


def _int(value: Any, default: int) -> int:
    return default if value is None else int(value)


def parse_compact(text: str) -> dict[str, Any]:
    """Compact element form "REF REQ TYPE MIN/MAX [codes=LIST] [repeat=N] Name words"."""
    parts = text.split()
    if len(parts) < 4 or "/" not in parts[3]:
        raise ValueError(f"bad compact element {text!r}: want 'REF REQ TYPE MIN/MAX name'")
    lo, hi = parts[3].split("/", 1)
    out: dict[str, Any] = {"ref": parts[0], "req": parts[1], "type": parts[2]}
    out["min"], out["max"] = int(lo), int(hi)
    rest = parts[4:]
    while rest and "=" in rest[0]:
        key, val = rest.pop(0).split("=", 1)
        out[key] = int(val) if key == "repeat" else val
    out["name"] = " ".join(rest)
    return out


def _element(raw: Mapping[str, Any] | str, codes: Mapping[str, frozenset[str]]) -> ElementSpec:
    if isinstance(raw, str):
        raw = parse_compact(raw)
    code_ref = raw.get("codes")
    code_set: frozenset[str] | None
    if code_ref is None:
        code_set = None
    elif isinstance(code_ref, list):
        code_set = frozenset(str(c) for c in code_ref)
    else:
        code_set = codes.get(str(code_ref))
        if code_set is None:
            raise ValueError(f"element {raw.get('ref')}: unknown code list {code_ref!r}")
    comps = raw.get("components")
    return ElementSpec(
        ref=str(raw.get("ref", "")),
        name=str(raw.get("name", "")),
        required=str(raw.get("req", "O")) in MANDATORY,
        type=str(raw.get("type", "AN")),
        min=_int(raw.get("min"), 0),
        max=_int(raw.get("max"), 0),
        codes=code_set,
        components=tuple(_element(c, codes) for c in comps) if comps else None,
        repeat=_int(raw.get("repeat"), 1),
    )


def _segments(
    raw: Mapping[str, Any], codes: Mapping[str, frozenset[str]]
) -> dict[str, SegmentSpec]:
    out: dict[str, SegmentSpec] = {}
    for tag, body in raw.items():
        out[str(tag)] = SegmentSpec(
            tag=str(tag),
            name=str(body.get("name", "")),
            elements=tuple(_element(e, codes) for e in body.get("elements") or ()),
            rules=tuple(str(r) for r in body.get("rules") or ()),
        )
    return out


def _codes(raw: Mapping[str, Any] | None) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for name, values in (raw or {}).items():
        keys = values.keys() if isinstance(values, Mapping) else values
        out[str(name)] = frozenset(str(k) for k in keys)
    return out


def _structure(
    raw: Iterable[Mapping[str, Any]], segments: Mapping[str, SegmentSpec]
) -> tuple[Node, ...]:
    nodes: list[Node] = []
    for item in raw:
        required = str(item.get("req", "O")) in MANDATORY
        if "loop" in item:
            children = _structure(item.get("structure") or (), segments)
            if not children:
                raise ValueError(f"loop {item['loop']} has no structure")
            nodes.append(LoopNode(str(item["loop"]), required, _int(item.get("max"), 1), children))
        else:
            tag = str(item["segment"])
            spec = segments.get(tag)
            if spec is None:
                raise ValueError(f"structure names segment {tag} with no definition")
            nodes.append(SegmentNode(tag, required, _int(item.get("max"), 1), spec))
    return tuple(nodes)


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return data if isinstance(data, dict) else {}


def spec_path(standard: str, version: str, transaction: str) -> Path:
    """Where the specification file for a transaction lives."""
    return SPECS_DIR / standard.lower() / version / f"{transaction}.yaml"


@functools.cache
def load_spec(standard: str, version: str, transaction: str) -> TransactionSpec | None:
    """Load (cached) the spec for a transaction, or None when there is none."""
    path = spec_path(standard, version, transaction)
    if not path.is_file():
        return None
    common = _read_yaml(path.parent / "segments.yaml")
    common_codes = _read_yaml(path.parent / "codes.yaml")
    doc = _read_yaml(path)
    codes = _codes(common_codes.get("codes"))
    codes.update(_codes(doc.get("codes")))
    seg_raw: dict[str, Any] = dict(common.get("segments") or {})
    seg_raw.update(doc.get("segments") or {})
    segments = _segments(seg_raw, codes)
    return TransactionSpec(
        standard=standard.lower(),
        version=version,
        transaction=transaction,
        name=str(doc.get("name", "")),
        functional_group=str(doc.get("functional_group", "")),
        structure=_structure(doc.get("structure") or (), segments),
        segments=segments,
        codes=codes,
    )


def available_specs(standard: str) -> list[tuple[str, str]]:
    """(version, transaction) pairs that have a specification file."""
    base = SPECS_DIR / standard.lower()
    out: list[tuple[str, str]] = []
    if base.is_dir():
        for vdir in sorted(p for p in base.iterdir() if p.is_dir()):
            for f in sorted(vdir.glob("*.yaml")):
                if f.stem not in ("segments", "codes"):
                    out.append((vdir.name, f.stem))
    return out
