"""Run-time pieces of compiled rules: lists, nested objects and arrays, read-back selectors."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mappings.codegen import generate
from mappings.conditions import Predicate, ScopedPredicate
from mappings.errors import RuleFailure, RuleInfo, StepError
from mappings.paths import (
    APPEND,
    MISSING,
    SELF,
    Getter,
    ScopedGetter,
    Segment,
    Setter,
    compile_getter,
    compile_setter,
    is_absent,
    parse_path,
    parse_source,
    scoped_reader,
)
from mappings.plans import (
    ConstPlan,
    Located,
    ObjectPlan,
    Plan,
    RuleListFn,
)
from mappings.spec import Nested, When

RuleFn = RuleListFn


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to generate code for; ``field`` is the path it writes."""

    info: RuleInfo
    plan: Plan
    field: str
    secret: bool


@dataclass(frozen=True, slots=True)
class CompiledList:
    """A rule list and the one generated function that runs it."""

    rules: tuple[CompiledRule, ...]
    run: RuleListFn
    code: str


def compile_list(rules: Sequence[CompiledRule], label: str) -> CompiledList:
    """Generate the function for a list of compiled rules."""
    run, code = generate([rule.plan for rule in rules], label)
    return CompiledList(tuple(rules), run, code)


def path_text(path: str | list[str] | None) -> str | None:
    return ", ".join(path) if isinstance(path, list) else path


def fresh(value: Any) -> Callable[[], Any]:
    """A factory for a constant: containers are copied so records never share them."""
    if isinstance(value, dict | list):
        return lambda: copy.deepcopy(value)
    return lambda: value


def multi_getter(paths: list[str]) -> Getter:
    getters = tuple(compile_getter(parse_path(path)) for path in paths)

    def get(record: dict[str, Any]) -> Any:
        values = [getter(record) for getter in getters]
        if all(is_absent(value) for value in values):
            return MISSING
        return [None if value is MISSING else value for value in values]

    return get


def multi_setter(paths: list[str]) -> Setter:
    setters = tuple(compile_setter(parse_path(path)) for path in paths)
    where = ", ".join(paths)

    def put(record: dict[str, Any], value: Any) -> None:
        if not isinstance(value, list | tuple):
            raise StepError(f"writing {where} needs a list value", type(value).__name__)
        for setter, item in zip(setters, value, strict=False):
            if not is_absent(item):
                setter(record, item)

    return put


def selector(
    segments: tuple[Segment, ...], ordinal: int, match: list[tuple[Getter, Any]]
) -> Getter:
    """Read back what ``list[+]`` appended: the element matching the consts, else by position."""
    base = compile_getter(segments[:-1])

    def select(record: dict[str, Any]) -> Any:
        items = base(record)
        if not isinstance(items, list | tuple):
            return MISSING
        if match:
            for item in items:
                if isinstance(item, dict) and all(get(item) == want for get, want in match):
                    return item
            return MISSING
        return items[ordinal] if ordinal < len(items) else MISSING

    return select


def const_plan(target: str, when: Predicate | None, spec: When | None, value: Any) -> ConstPlan:
    segments = parse_path(target)
    scalar = not isinstance(value, dict | list)
    return ConstPlan(compile_setter(segments), segments, fresh(value), scalar, value, when, spec)


def nested_failure(compiled: CompiledList, located: Located, prefix: str) -> RuleFailure:
    """A nested rule's failure, with the field path from the record's root."""
    rule = compiled.rules[located.index]
    error = located.error
    if isinstance(error, RuleFailure):
        return RuleFailure(error.rule, _join(prefix, error.field), error.message)
    message = error.render(rule.secret) if isinstance(error, StepError) else _describe(error)
    return RuleFailure(rule.info, _join(prefix, rule.field), message)


def run_nested(
    compiled: CompiledList,
    element: dict[str, Any],
    prefix: str,
    ancestors: tuple[Any, ...] = (),
    position: int = 0,
) -> Any:
    """Apply a nested rule list to one element; failures carry the full field path."""
    out: dict[str, Any] = {}
    try:
        compiled.run(element, out, ancestors, position)
    except Located as located:
        raise nested_failure(compiled, located, prefix) from located.error
    return out


def object_plan(
    get: Getter | None,
    get_segments: tuple[Segment, ...] | None,
    target: str,
    when: Predicate | None,
    spec: When | None,
    nested: CompiledList,
    source: str,
) -> ObjectPlan:
    segments = parse_path(target) if target else ()
    put = compile_setter(segments)
    appends = bool(segments) and segments[-1] is APPEND
    base = compile_getter(segments[:-1]) if appends else None

    def failure(located: Located, out: dict[str, Any]) -> BaseException:
        prefix = target
        if base is not None:
            # Name the element the object was about to become, not "[+]".
            existing = base(out)
            position = len(existing) if isinstance(existing, list) else 0
            prefix = f"{target[:-3]}[{position}]"
        return nested_failure(nested, located, prefix)

    return ObjectPlan(
        get,
        get_segments,
        put,
        segments if target else None,
        when,
        spec,
        tuple(rule.plan for rule in nested.rules),
        failure,
        f"{source} is not an object",
    )


def _join(prefix: str, field: str) -> str:
    if not prefix:
        return field
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


def _describe(exc: BaseException) -> str:
    return f"unexpected {type(exc).__name__}"


@dataclass(frozen=True, slots=True)
class EachShape:
    """How an each rule walks its list: plain, flattening ``a[*].b``, or grouping by a key."""

    flatten: Getter | None = None
    group_by: Getter | None = None


PLAIN = EachShape()


def _elements(items: Any, shape: EachShape, source: str) -> list[tuple[Any, Any]]:
    """The elements, each with the element it was flattened out of (or None)."""
    if not isinstance(items, list | tuple):
        raise StepError(f"{source} is not a list", type(items).__name__)
    inner = shape.flatten
    if inner is None:
        return [(element, None) for element in items]
    found: list[tuple[Any, Any]] = []
    for position, parent in enumerate(items):
        if not isinstance(parent, dict):
            raise StepError(f"element {position} of {source} is not an object", parent)
        nested = inner(parent)
        if is_absent(nested):
            continue
        if not isinstance(nested, list | tuple):
            raise StepError(f"{source}: element {position} holds no list", nested)
        found.extend((element, parent) for element in nested)
    return found


def _groups(elements: list[Any], key_of: Getter) -> list[tuple[Any, Any]]:
    """One ``{key, items}`` object per distinct key, in order of first appearance."""
    groups: dict[Any, list[Any]] = {}
    for element in elements:
        key = key_of(element)
        key = None if is_absent(key) else key
        try:
            groups.setdefault(key, []).append(element)
        except TypeError:
            raise StepError("group_by: the key is not a plain value", key) from None
    return [
        ({"items": items} if key is None else {"key": key, "items": items}, None)
        for key, items in groups.items()
    ]


def each_runner(
    get: Getter,
    put: Setter,
    when: ScopedPredicate | None,
    keep: Predicate | None,
    nested: CompiledList,
    source: str,
    target: str,
    shape: EachShape = PLAIN,
) -> RuleFn:
    """Map every element (or every group) of a list with the nested rules."""

    def run(src: dict[str, Any], out: dict[str, Any], ancestors: tuple[Any, ...], n: int) -> None:
        if when is not None and not when(src, ancestors, n):
            return
        items = get(src)
        if is_absent(items):
            return
        kept: list[tuple[Any, Any]] = []
        for position, (element, parent) in enumerate(_elements(items, shape, source)):
            if not isinstance(element, dict):
                raise StepError(f"element {position} of {source} is not an object", element)
            if keep is None or keep(element):
                kept.append((element, parent))
        if shape.group_by is not None:
            kept = _groups([element for element, _ in kept], shape.group_by)
        up = (*ancestors, src)
        mapped: list[Any] = []
        for element, parent in kept:
            chain = up if parent is None else (*up, parent)
            prefix = f"{target}[{len(mapped)}]"
            mapped.append(run_nested(nested, element, prefix, chain, len(mapped)))
        if mapped:
            put(out, mapped)

    return run


def ungroup_runner(each: RuleFn, target: str, key_path: str) -> RuleFn:
    """The reverse of group_by: every group's items, flat, each given its group's key."""
    put = compile_setter(parse_path(target))
    get = compile_getter(parse_path(target))
    put_key = compile_setter(parse_path(key_path))
    get_key = compile_getter(parse_path(key_path))

    def run(src: dict[str, Any], out: dict[str, Any], ancestors: tuple[Any, ...], n: int) -> None:
        staged: dict[str, Any] = {}
        each(src, staged, ancestors, n)
        groups = get(staged)
        if is_absent(groups):
            return
        flat: list[Any] = []
        for group in groups:
            key = group.get("key", MISSING)
            for item in group.get("items") or ():
                if isinstance(item, dict) and not is_absent(key) and is_absent(get_key(item)):
                    put_key(item, key)
                flat.append(item)
        if flat:
            put(out, flat)

    return run


def scoped_getter(source: str | list[str]) -> ScopedGetter | None:
    """A reader for $root., $parent. and $index sources; None when all are plain paths."""
    texts = [source] if isinstance(source, str) else source
    parts = [parse_source(text) for text in texts]
    if all(scope == SELF for scope, _ in parts):
        return None
    readers = tuple(scoped_reader(scope, segments) for scope, segments in parts)
    if isinstance(source, str):
        return readers[0]

    def get_all(element: Any, ancestors: tuple[Any, ...], position: int) -> Any:
        values = [read(element, ancestors, position) for read in readers]
        if all(is_absent(value) for value in values):
            return MISSING
        return [None if value is MISSING else value for value in values]

    return get_all


def setter_for(path: str) -> Setter:
    return compile_setter(parse_path(path))


def discriminators(nested: Nested) -> list[tuple[Getter, Any]]:
    """Const rules of an appended object tell its element apart when reading back."""
    return [
        (compile_getter(parse_path(sub.target)), sub.const)
        for sub in nested.rules
        if sub.kind == "const"
        and isinstance(sub.target, str)
        and sub.when is None
        and isinstance(sub.const, str | int | bool)
    ]
