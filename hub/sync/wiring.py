"""Building a flow's mappings from its files with the mapping engine."""

from __future__ import annotations

from pathlib import Path

from hub.flows.model import FlowSpec
from hub.sync.protocols import InboundMapping, OutboundMapping
from mappings.compiler import compile_mapping
from mappings.xref import XrefResolver


def load_context_mappings(
    flow: FlowSpec, mappings_root: Path, *, resolver: XrefResolver | None = None
) -> tuple[InboundMapping, OutboundMapping]:
    """Compile the flow's inbound and outbound mapping files (paths relative to the root)."""
    inbound = compile_mapping(mappings_root / flow.mappings.inbound, resolver=resolver)
    outbound = compile_mapping(mappings_root / flow.mappings.outbound, resolver=resolver)
    for mapping, side, system in (
        (inbound, "inbound", flow.source.system),
        (outbound, "outbound", flow.target.system),
    ):
        if mapping.canonical != flow.canonical or mapping.system != system:
            raise ValueError(
                f"flow {flow.name}: {side} mapping {mapping.file} maps {mapping.system}"
                f" <-> {mapping.canonical}, not {system} <-> {flow.canonical}"
            )
    return inbound, outbound
