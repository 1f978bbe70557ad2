"""The flow file JSON Schema, generated from the model and committed next to it.

Regenerate after changing `hub.flows.model`:
``python -c "from hub.flows.schema import write_schema; write_schema()"``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from hub.flows.model import FlowSpec

SCHEMA_PATH: Final = Path(__file__).resolve().parent / "flow.schema.json"
SCHEMA_ID: Final = "urn:integration-hub:flow:1"


def flow_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a flow file."""
    body = FlowSpec.model_json_schema(mode="validation", by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **body,
    }


def render_schema() -> str:
    """The schema as the committed file holds it: stable key order, trailing newline."""
    return json.dumps(flow_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the schema file; returns its path."""
    path.write_text(render_schema(), encoding="utf-8")
    return path
