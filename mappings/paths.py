"""Record paths (``a.b[0].c``, ``items[*].sku``, ``lines[+]``) compiled into closures."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from mappings.errors import StepError


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


MISSING: Final = _Marker("MISSING")
WILDCARD: Final = _Marker("[*]")
APPEND: Final = _Marker("[+]")

Segment = str | int | _Marker
Getter = Callable[[Any], Any]
Setter = Callable[[dict[str, Any], Any], None]
# Reads $root., $parent. and $index sources: (element, ancestors, position) -> value.
ScopedGetter = Callable[[Any, tuple[Any, ...], int], Any]

_TOKEN = re.compile(
    r"(?:^|\.)(?P<key>[^.\[\]'\"\s]+)"
    r"|\[(?P<index>-?\d+|\*|\+)\]"
    r"|\[(?P<quote>['\"])(?P<quoted>[^'\"]*)(?P=quote)\]"
)
EMPTY_TYPES: Final = frozenset({str, list, dict, tuple})

# Read-only source prefixes inside nested rules: the record, the enclosing element, the position.
SCOPES: Final = {"$root": "root", "$parent": "parent"}
POSITIONS: Final = {"$index": "index", "$index0": "index0"}
SELF: Final = "self"


def is_absent(value: Any) -> bool:
    """Missing, None, or an empty string, list or object."""
    return value is MISSING or value is None or (type(value) in EMPTY_TYPES and not value)


def split_scope(text: str) -> tuple[str, str]:
    """``('root', 'currency')`` for ``$root.currency``; ``('self', text)`` for a plain path."""
    if text in POSITIONS:
        return POSITIONS[text], "$"
    for prefix, scope in SCOPES.items():
        if text == prefix:
            return scope, "$"
        if text.startswith(f"{prefix}.") or text.startswith(f"{prefix}["):
            rest = text[len(prefix) :].removeprefix(".")
            return scope, rest
    return SELF, text


def parse_source(text: str) -> tuple[str, tuple[Segment, ...]]:
    """A source path with its scope (self, root, parent, index, index0)."""
    scope, rest = split_scope(text)
    return scope, parse_path(rest)


def parse_path(text: str) -> tuple[Segment, ...]:
    """Split a path into keys, indexes, ``[*]`` and ``[+]``; ``$`` is the record itself."""
    if text == "$":
        return ()
    segments: list[Segment] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"invalid path {text!r} at character {position + 1}")
        if match["key"] is not None:
            if match["key"].startswith("$"):
                raise ValueError(
                    f"invalid path {text!r}: only sources begin with $root., $parent., $index "
                    "or $index0 (quote a key starting with $: ['$key'])"
                )
            segments.append(match["key"])
        elif match["quoted"] is not None:
            segments.append(match["quoted"])
        elif match["index"] == "*":
            segments.append(WILDCARD)
        elif match["index"] == "+":
            segments.append(APPEND)
        else:
            segments.append(int(match["index"]))
        position = match.end()
    if not segments:
        raise ValueError("empty path")
    return tuple(segments)


def format_segments(segments: tuple[Segment, ...]) -> str:
    """The text form of parsed segments."""
    text = ""
    for segment in segments:
        if isinstance(segment, str):
            text += ("." if text else "") + segment
        elif isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += segment.name
    return text or "$"


def _step(value: Any, segment: Segment, where: tuple[Segment, ...]) -> Any:
    if value is MISSING or value is None:
        return MISSING
    if isinstance(segment, str):
        if isinstance(value, dict):
            return value.get(segment, MISSING)
        raise StepError(f"{format_segments(where)} is not an object", type(value).__name__)
    if isinstance(segment, int):
        if isinstance(value, list | tuple):
            return value[segment] if -len(value) <= segment < len(value) else MISSING
        raise StepError(f"{format_segments(where)} is not a list", type(value).__name__)
    raise ValueError(f"{segment!r} cannot be read")


def compile_getter(segments: tuple[Segment, ...]) -> Getter:
    """A function reading the path from a record: the value, or MISSING."""
    if APPEND in segments:
        raise ValueError("[+] appends and may appear only in targets")
    if WILDCARD in segments:
        return _wildcard_getter(segments)
    if not segments:
        return lambda record: record
    if len(segments) == 1 and isinstance(segments[0], str):
        key: str = segments[0]
        return lambda record: record.get(key, MISSING)
    if len(segments) == 2 and isinstance(segments[0], str) and isinstance(segments[1], str):
        first: str = segments[0]
        second: str = segments[1]
        where = segments[:1]

        def get_two(record: dict[str, Any]) -> Any:
            inner = record.get(first)
            if type(inner) is dict:
                return inner.get(second, MISSING)
            return _step(inner, second, where)

        return get_two

    def get_many(record: dict[str, Any]) -> Any:
        value: Any = record
        for depth, segment in enumerate(segments):
            value = _step(value, segment, segments[:depth])
            if value is MISSING:
                return MISSING
        return value

    return get_many


def _wildcard_getter(segments: tuple[Segment, ...]) -> Getter:
    """Read every element under the wildcards; one flat list, None where an item lacks it."""
    cut = segments.index(WILDCARD)
    head = compile_getter(segments[:cut])
    rest = segments[cut + 1 :]
    tail = compile_getter(rest) if rest else None

    def get_all(record: dict[str, Any]) -> Any:
        items = head(record)
        if items is MISSING or items is None:
            return []
        if not isinstance(items, list | tuple):
            raise StepError(f"{format_segments(segments[:cut])} is not a list", items)
        if tail is None:
            return list(items)
        found: list[Any] = []
        for item in items:
            if isinstance(rest[0], str) and not isinstance(item, dict):
                value = MISSING
            else:
                value = tail(item)
            if WILDCARD in rest and isinstance(value, list):
                found.extend(value)
            else:
                found.append(None if value is MISSING else value)
        return found

    return get_all


def _container_for(segment: Segment) -> Any:
    return {} if isinstance(segment, str) else []


def _descend(container: Any, segment: Segment, next_segment: Segment, where: str) -> Any:
    """The child container at ``segment``, created when missing."""
    if isinstance(segment, str):
        if not isinstance(container, dict):
            raise StepError(f"cannot write {where}: parent is not an object", show_value=False)
        child = container.get(segment)
        if child is None:
            child = container[segment] = _container_for(next_segment)
        return child
    if not isinstance(container, list):
        raise StepError(f"cannot write {where}: parent is not a list", show_value=False)
    if segment is APPEND:
        child = _container_for(next_segment)
        container.append(child)
        return child
    assert isinstance(segment, int)
    if segment < 0:
        raise StepError(f"cannot write {where}: negative index", show_value=False)
    while len(container) <= segment:
        container.append(None)
    child = container[segment]
    if child is None:
        child = container[segment] = _container_for(next_segment)
    return child


def _place(container: Any, segment: Segment, value: Any, where: str) -> None:
    if isinstance(segment, str):
        if not isinstance(container, dict):
            raise StepError(f"cannot write {where}: parent is not an object", show_value=False)
        container[segment] = value
    elif segment is APPEND:
        if not isinstance(container, list):
            raise StepError(f"cannot write {where}: parent is not a list", show_value=False)
        container.append(value)
    elif isinstance(segment, int):
        if not isinstance(container, list) or segment < 0:
            raise StepError(f"cannot write {where}: parent is not a list", show_value=False)
        while len(container) <= segment:
            container.append(None)
        container[segment] = value


def merge_into(target: dict[str, Any], value: dict[str, Any]) -> None:
    """Deep-merge ``value`` into ``target``: objects merge, everything else replaces."""
    for key, item in value.items():
        present = target.get(key)
        if isinstance(present, dict) and isinstance(item, dict):
            merge_into(present, item)
        else:
            target[key] = item


def compile_setter(segments: tuple[Segment, ...]) -> Setter:
    """A function writing a value at the path, creating objects and lists on the way."""
    if APPEND in segments[:-1]:
        raise ValueError("[+] may only end a target path")
    where = format_segments(segments)
    if WILDCARD in segments:
        return _wildcard_setter(segments)
    if not segments:

        def merge(record: dict[str, Any], value: Any) -> None:
            if not isinstance(value, dict):
                raise StepError("only an object can be merged into the record", type(value))
            merge_into(record, value)

        return merge
    if len(segments) == 1 and isinstance(segments[0], str):
        key = segments[0]

        def set_one(record: dict[str, Any], value: Any) -> None:
            record[key] = value

        return set_one
    parents = segments[:-1]
    last = segments[-1]
    followers = segments[1:]

    def set_many(record: dict[str, Any], value: Any) -> None:
        container: Any = record
        for segment, next_segment in zip(parents, followers, strict=False):
            container = _descend(container, segment, next_segment, where)
        _place(container, last, value, where)

    return set_many


def _wildcard_setter(segments: tuple[Segment, ...]) -> Setter:
    """Spread a list over ``list[*].rest``: item i of the value goes to element i."""
    if segments.count(WILDCARD) > 1:
        raise ValueError("a target path may hold one [*]")
    cut = segments.index(WILDCARD)
    head = segments[:cut]
    rest = segments[cut + 1 :]
    if not head:
        raise ValueError("[*] needs a list path before it")
    where = format_segments(segments)
    rest_setter = compile_setter(rest) if rest else None

    def set_all(record: dict[str, Any], values: Any) -> None:
        if not isinstance(values, list | tuple):
            raise StepError(f"{where} needs a list value", type(values).__name__)
        container: Any = record
        for segment, next_segment in zip(head, (*head[1:], 0), strict=True):
            container = _descend(container, segment, next_segment, where)
        for index, value in enumerate(values):
            if value is None or value is MISSING:
                continue
            if rest_setter is None:
                _place(container, index, value, where)
            else:
                element = _descend(container, index, rest[0], where)
                rest_setter(element, value)

    return set_all


def scoped_reader(scope: str, segments: tuple[Segment, ...]) -> ScopedGetter:
    """Read a source given the element, its ancestors (record first) and its position."""
    if scope == "index":
        return lambda element, ancestors, position: position + 1
    if scope == "index0":
        return lambda element, ancestors, position: position
    get = compile_getter(segments)
    if scope == "root":
        return lambda element, ancestors, position: get(ancestors[0] if ancestors else element)
    if scope == "parent":
        return lambda element, ancestors, position: get(ancestors[-1])
    return lambda element, ancestors, position: get(element)
