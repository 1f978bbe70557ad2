"""Natural keys: reading them from canonical records and normalising them for matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from hub.flows.model import MatchRule

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise(value: Any, how: str) -> str | None:
    """A comparable form of a key value, or None when nothing meaningful is left."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).casefold().strip()
    if how == "alnum":
        text = _NOT_ALNUM.sub("", text)
    elif how == "text":
        text = _SPACES.sub(" ", text)
    elif how == "email":
        text = _SPACES.sub("", text)
    else:
        raise ValueError(f"unknown normalisation {how!r}")
    return text or None


def _walk(value: Any, segments: list[str]) -> Iterator[Any]:
    if not segments:
        yield value
        return
    head, rest = segments[0], segments[1:]
    fan_out = head.endswith("[*]")
    name = head.removesuffix("[*]")
    if not isinstance(value, Mapping) or value.get(name) is None:
        return
    child = value[name]
    if fan_out:
        if isinstance(child, list | tuple):
            for item in child:
                yield from _walk(item, rest)
        return
    yield from _walk(child, rest)


def values_at(record: Mapping[str, Any], path: str) -> list[Any]:
    """Every value at a dotted path; ``[*]`` after a name fans out over a list."""
    return list(_walk(record, path.split(".")))


def natural_keys(record: Mapping[str, Any], rule: MatchRule) -> set[str]:
    """The normalised keys a rule yields for a record; several fields make a composite key.

    A composite key needs every part: a record missing one part has no key for the rule.
    """
    parts: list[list[str]] = []
    for path in rule.fields:
        found = {key for v in values_at(record, path) if (key := normalise(v, rule.normalise))}
        if not found:
            return set()
        parts.append(sorted(found))
    keys = [""]
    for options in parts:
        keys = [
            f"{prefix}\x1f{option}" if prefix else option for prefix in keys for option in options
        ]
    return set(keys)
