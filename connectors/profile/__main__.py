"""``python -m connectors.profile``: regenerate connectors/schema/profile.schema.json."""

from __future__ import annotations

from connectors.profile.schema import write_profile_schema

write_profile_schema()
