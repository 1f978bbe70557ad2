"""Dotted paths into JSON bodies and records (``data.items``, ``meta.page.next``, ``$``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from connectors.errors import ClientError

_INDEX = re.compile(r"\[(\d+)\]")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
MISSING: Any = object()


def lookup(data: Any, path: str | None, default: Any = None) -> Any:
    """The value at ``path`` in ``data``; ``$`` or empty means ``data`` itself."""
    if path is None or path in ("", "$"):
        return data
    node = data
    for part in _INDEX.sub(r".\1", path.removeprefix("$.")).split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return default
    return node


def fill_template(template: str, record: dict[str, Any], *, id_field: str) -> str:
    """Fill ``{field}`` placeholders from the record, URL-quoted (``{id}`` means id_field)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = lookup(record, name, MISSING)
        if found is MISSING and name == "id":
            found = lookup(record, id_field, MISSING)
        if found is MISSING or found is None or found == "":
            raise ClientError(f"record has no {name!r} for the path template {template}")
        return quote(str(found), safe="")

    return _PLACEHOLDER.sub(value, template)


def template_fields(template: str, *, id_field: str) -> set[str]:
    """Top-level record fields a path template reads (``{id}`` reads id_field)."""
    names = {id_field if name == "id" else name for name in _PLACEHOLDER.findall(template)}
    return {name.removeprefix("$.").split(".", 1)[0] for name in names}


def without_fields(record: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """The record without the given top-level fields."""
    return {key: value for key, value in record.items() if key not in names}
