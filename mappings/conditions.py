"""Conditions (``when``, ``keep_if``, ``reject_if``) compiled into predicates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mappings.paths import (
    MISSING,
    SELF,
    compile_getter,
    is_absent,
    parse_path,
    parse_source,
    scoped_reader,
    split_scope,
)
from mappings.spec import Condition, When

Predicate = Callable[[dict[str, Any]], bool]
# A rule's when that reads $root., $parent. or $index: (element, ancestors, position).
ScopedPredicate = Callable[[Any, tuple[Any, ...], int], bool]
Test = Callable[[Any], bool]


def _test(condition: Condition) -> Test:
    """The comparison of one condition, applied to the value read."""
    expected = condition.value
    op = condition.op
    if op == "exists":
        return lambda value: not is_absent(value)
    if op == "missing":
        return is_absent
    if op in ("in", "not_in"):
        choices = tuple(expected)
        if op == "in":
            return lambda value: _present(value) in choices
        return lambda value: _present(value) not in choices
    if op == "eq":
        return lambda value: _present(value) == expected
    return lambda value: _present(value) != expected


def _one(condition: Condition) -> Predicate:
    segments = parse_path(condition.path)
    op = condition.op
    if len(segments) == 1 and isinstance(segments[0], str) and op in ("eq", "ne"):
        # Hot for record filters: one dict lookup; a missing key reads as None, like _present.
        key = segments[0]
        expected = condition.value
        if op == "eq":
            return lambda record: record.get(key) == expected
        return lambda record: record.get(key) != expected
    get = compile_getter(segments)
    test = _test(condition)
    return lambda record: test(get(record))


def _present(value: Any) -> Any:
    # A missing path compares like null, so `eq: null` and `in: [null, ""]` read naturally.
    return None if value is MISSING else value


def _conditions(when: When) -> list[Condition]:
    return [when] if isinstance(when, Condition) else list(when)


def reads_scope(when: When | None) -> bool:
    """Whether a condition reads $root., $parent. or $index (only a rule's when may)."""
    return when is not None and any(
        split_scope(condition.path)[0] != SELF for condition in _conditions(when)
    )


def compile_when(when: When | None) -> Predicate | None:
    """A predicate for one condition or a list of conditions that must all hold."""
    if when is None:
        return None
    if reads_scope(when):
        raise ValueError("only a rule's when reads $root, $parent or $index")
    if isinstance(when, Condition):
        return _one(when)
    predicates = tuple(_one(condition) for condition in when)
    if len(predicates) == 1:
        return predicates[0]
    return lambda record: all(predicate(record) for predicate in predicates)


def compile_scoped_when(when: When) -> ScopedPredicate:
    """A predicate given the element, its ancestors and its position (any condition)."""
    parts: list[tuple[Callable[[Any, tuple[Any, ...], int], Any], Test]] = []
    for condition in _conditions(when):
        scope, segments = parse_source(condition.path)
        parts.append((scoped_reader(scope, segments), _test(condition)))

    def holds(element: Any, ancestors: tuple[Any, ...], position: int) -> bool:
        return all(test(read(element, ancestors, position)) for read, test in parts)

    return holds


def condition_paths(when: When | None) -> list[str]:
    """Every path a condition reads."""
    if when is None:
        return []
    return [when.path] if isinstance(when, Condition) else [c.path for c in when]
