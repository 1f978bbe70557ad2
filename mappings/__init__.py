"""The mapping language and the mapping files between native records and the canonical model.

A mapping file (YAML, validated by ``mappings/schema/mapping.schema.json``) is compiled once
by :func:`compile_mapping` into a :class:`CompiledMapping` that maps records inbound
(native to canonical) and outbound (canonical to native). The language is described in
``docs/mapping-language.md``.
"""

from __future__ import annotations

from mappings.compiler import CompiledMapping, compile_mapping
from mappings.errors import (
    MappingCompileError,
    MappingError,
    MappingNotFound,
    RecordError,
    RuleInfo,
)
from mappings.file_schema import mapping_json_schema, write_json_schema
from mappings.loader import discover, mapping_path
from mappings.results import BatchResult, Failed, Mapped, Rejected
from mappings.worked_examples import ExampleResult, Preview, preview, run_examples
from mappings.xref import InMemoryXrefResolver, XrefResolver

__all__ = [
    "BatchResult",
    "CompiledMapping",
    "ExampleResult",
    "Failed",
    "InMemoryXrefResolver",
    "Mapped",
    "MappingCompileError",
    "MappingError",
    "MappingNotFound",
    "Preview",
    "RecordError",
    "Rejected",
    "RuleInfo",
    "XrefResolver",
    "compile_mapping",
    "discover",
    "find_mapping",
    "mapping_json_schema",
    "mapping_path",
    "preview",
    "run_examples",
    "write_json_schema",
]

find_mapping = mapping_path
