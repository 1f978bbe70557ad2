"""Conditions (``when``, ``keep_if``, ``reject_if``) compiled into predicates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mappings.paths import MISSING, compile_getter, is_absent, parse_path
from mappings.spec import Condition, When

Predicate = Callable[[dict[str, Any]], bool]


def _one(condition: Condition) -> Predicate:
    segments = parse_path(condition.path)
    get = compile_getter(segments)
    expected = condition.value
    op = condition.op
    if len(segments) == 1 and isinstance(segments[0], str) and op in ("eq", "ne"):
        # Hot for record filters: one dict lookup; a missing key reads as None, like _present.
        key = segments[0]
        if op == "eq":
            return lambda record: record.get(key) == expected
        return lambda record: record.get(key) != expected
    if op == "exists":
        return lambda record: not is_absent(get(record))
    if op == "missing":
        return lambda record: is_absent(get(record))
    if op in ("in", "not_in"):
        choices = tuple(expected)
        if op == "in":
            return lambda record: _present(get(record)) in choices
        return lambda record: _present(get(record)) not in choices
    if op == "eq":
        return lambda record: _present(get(record)) == expected
    return lambda record: _present(get(record)) != expected


def _present(value: Any) -> Any:
    # A missing path compares like null, so `eq: null` and `in: [null, ""]` read naturally.
    return None if value is MISSING else value


def compile_when(when: When | None) -> Predicate | None:
    """A predicate for one condition or a list of conditions that must all hold."""
    if when is None:
        return None
    if isinstance(when, Condition):
        return _one(when)
    predicates = tuple(_one(condition) for condition in when)
    if len(predicates) == 1:
        return predicates[0]
    return lambda record: all(predicate(record) for predicate in predicates)


def condition_paths(when: When | None) -> list[str]:
    """Every path a condition reads."""
    if when is None:
        return []
    return [when.path] if isinstance(when, Condition) else [c.path for c in when]
