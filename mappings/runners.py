"""Run-time pieces of compiled rules: lists, nested objects and arrays, read-back selectors."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mappings.codegen import generate
from mappings.conditions import Predicate
from mappings.errors import RuleFailure, RuleInfo, StepError
from mappings.paths import (
    APPEND,
    MISSING,
    Getter,
    Segment,
    Setter,
    compile_getter,
    compile_setter,
    is_absent,
    parse_path,
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


def run_nested(compiled: CompiledList, element: dict[str, Any], prefix: str) -> Any:
    """Apply a nested rule list to one element; failures carry the full field path."""
    out: dict[str, Any] = {}
    try:
        compiled.run(element, out)
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


def each_runner(
    get: Getter,
    put: Setter,
    when: Predicate | None,
    keep: Predicate | None,
    nested: CompiledList,
    source: str,
    target: str,
) -> RuleFn:
    def run(src: dict[str, Any], out: dict[str, Any]) -> None:
        if when is not None and not when(src):
            return
        items = get(src)
        if is_absent(items):
            return
        if not isinstance(items, list | tuple):
            raise StepError(f"{source} is not a list", type(items).__name__)
        mapped: list[Any] = []
        for position, element in enumerate(items):
            if not isinstance(element, dict):
                raise StepError(f"element {position} of {source} is not an object", element)
            if keep is not None and not keep(element):
                continue
            mapped.append(run_nested(nested, element, f"{target}[{len(mapped)}]"))
        if mapped:
            put(out, mapped)

    return run


def _object_runner(
    get: Getter | None,
    put: Setter,
    when: Predicate | None,
    nested: CompiledList,
    source: str,
    target: str,
) -> RuleFn:
    def run(src: dict[str, Any], out: dict[str, Any]) -> None:
        if when is not None and not when(src):
            return
        element = src if get is None else get(src)
        if is_absent(element):
            return
        if not isinstance(element, dict):
            raise StepError(f"{source} is not an object", type(element).__name__)
        mapped = run_nested(nested, element, target)
        if mapped:
            put(out, mapped)

    return run


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
