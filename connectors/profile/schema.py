"""The JSON Schema of a profile file, as published in connectors/schema/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from connectors.profile.system import Profile

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "profile.schema.json"
SCHEMA_ID = "https://integration-hub.example/schemas/connectors/profile.schema.json"


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema of a profile file, as published in connectors/schema/."""
    schema = Profile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_profile_schema() -> str:
    """The schema file's exact text (stable key order, trailing newline)."""
    return json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_profile_schema(path: Path = SCHEMA_PATH) -> Path:
    """Regenerate the committed schema file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_profile_schema(), encoding="utf-8")
    return path
