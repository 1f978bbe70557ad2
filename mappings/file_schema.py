"""The published JSON Schema of mapping files, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mappings.spec import MappingFile

SCHEMA_PATH = Path(__file__).parent / "schema" / "mapping.schema.json"
SCHEMA_ID = "urn:integration-hub:mapping:1"


def mapping_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a mapping file, with titles and descriptions."""
    body = MappingFile.model_json_schema(by_alias=True, mode="validation")
    body.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Integration hub mapping file",
        **body,
    }


def write_json_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the schema with a stable layout, so regenerating gives identical bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(mapping_json_schema(), indent=2, ensure_ascii=False, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
