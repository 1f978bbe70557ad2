"""Flow files: the model, its published JSON Schema and the loader."""

from __future__ import annotations

from hub.flows.loader import FlowError, load_flow, load_flows, parse_flow
from hub.flows.model import (
    DeletePolicy,
    FlowSpec,
    MappingPaths,
    MatchRule,
    Partitions,
    SourceEndpoint,
    TargetEndpoint,
)
from hub.flows.schema import SCHEMA_PATH, flow_json_schema

__all__ = [
    "SCHEMA_PATH",
    "DeletePolicy",
    "FlowError",
    "FlowSpec",
    "MappingPaths",
    "MatchRule",
    "Partitions",
    "SourceEndpoint",
    "TargetEndpoint",
    "flow_json_schema",
    "load_flow",
    "load_flows",
    "parse_flow",
]
