"""Rules compiled into closures, inbound as written and outbound as derived or declared."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mappings.conditions import (
    Predicate,
    compile_scoped_when,
    compile_when,
    condition_paths,
    reads_scope,
)
from mappings.errors import MappingCompileError, RuleInfo
from mappings.library import (
    LookupParams,
    MapParams,
    Pipeline,
    build_pipeline,
    invert_steps,
)
from mappings.paths import (
    APPEND,
    SELF,
    WILDCARD,
    Getter,
    ScopedGetter,
    compile_getter,
    compile_setter,
    parse_path,
    split_scope,
)
from mappings.plans import (
    CallPlan,
    FieldPlan,
    Plan,
)
from mappings.runners import (
    PLAIN,
    CompiledList,
    CompiledRule,
    EachShape,
    compile_list,
    const_plan,
    discriminators,
    each_runner,
    fresh,
    multi_getter,
    multi_setter,
    object_plan,
    path_text,
    scoped_getter,
    selector,
    setter_for,
    ungroup_runner,
)
from mappings.spec import Nested, Rule, When
from mappings.steps import BuildContext, StepSpec


@dataclass(frozen=True, slots=True)
class Nesting:
    """Where a rule list sits: how many elements deep, and whether inside an each."""

    depth: int = 0
    in_each: bool = False

    def enter(self, kind: str, has_source: bool, levels: int = 1) -> Nesting:
        if kind == "each":
            return Nesting(self.depth + levels, True)
        return Nesting(self.depth + 1, self.in_each) if has_source else self


TOP = Nesting()


def _sources(rule: Rule) -> list[str]:
    return [rule.source] if isinstance(rule.source, str) else list(rule.source or [])


def _reads_scope(rule: Rule) -> bool:
    return any(split_scope(text)[0] != SELF for text in _sources(rule))


def _each_shape(source: str, nested: Nested) -> tuple[str, EachShape]:
    """The list path an each reads, and how it walks it (flatten a[*].b, group_by)."""
    segments = parse_path(source)
    if WILDCARD in segments:
        cut = segments.index(WILDCARD)
        flatten = compile_getter(segments[cut + 1 :])
        head = source[: source.index("[*]")]
        return head, EachShape(flatten=flatten)
    if nested.group_by is not None:
        return source, EachShape(group_by=compile_getter(parse_path(nested.group_by)))
    return source, PLAIN


class RuleCompiler:
    """Compiles a file's rule lists, inbound and outbound, naming rules in every error."""

    def __init__(self, file: str, ctx: BuildContext) -> None:
        self.file = file
        self.ctx = ctx

    def fail(self, info: RuleInfo, message: str) -> MappingCompileError:
        return MappingCompileError(message, file=self.file, rule=info)

    # inbound ---------------------------------------------------------------------------

    def inbound(
        self,
        rules: Sequence[Rule],
        prefix: str,
        outbound: bool = False,
        nesting: Nesting = TOP,
    ) -> CompiledList:
        """Compile rules as written (``outbound`` for declared reverse rules)."""
        compiled = [
            self._forward(rule, f"{prefix}[{index}]", outbound, nesting)
            for index, rule in enumerate(rules)
        ]
        return compile_list(compiled, f"{self.file} {prefix}")

    def _check_scope(self, rule: Rule, info: RuleInfo, nesting: Nesting) -> None:
        for text in _sources(rule) + condition_paths(rule.when):
            scope = split_scope(text)[0]
            if scope == "parent" and nesting.depth == 0:
                raise self.fail(info, "$parent reads the enclosing element; none at this level")
            if scope in ("index", "index0") and not nesting.in_each:
                raise self.fail(info, f"{text} is a position in an each; this rule is in none")

    def _forward(self, rule: Rule, label: str, outbound: bool, nesting: Nesting) -> CompiledRule:
        info = RuleInfo(label, path_text(rule.source), path_text(rule.target))
        self._check_scope(rule, info, nesting)
        try:
            plan = self._forward_plan(rule, label, outbound, nesting)
        except MappingCompileError:
            raise
        except ValueError as exc:
            raise self.fail(info, str(exc)) from None
        return CompiledRule(info, plan, path_text(rule.target) or "", rule.secret)

    def _steps(self, rule: Rule, outbound: bool) -> list[StepSpec]:
        steps = list(rule.steps)
        if rule.map is not None:
            steps.append(StepSpec("map", MapParams(name=rule.map)))
        if rule.lookup is not None:
            lookup = LookupParams(entity=rule.lookup.entity, system=rule.lookup.system)
            steps.append(StepSpec("lookup", lookup))
        if outbound:
            steps = [_flip_direction(step) for step in steps]
        return steps

    def _forward_plan(self, rule: Rule, label: str, outbound: bool, nesting: Nesting) -> Plan:
        # A when reading $root/$parent/$index is evaluated with the element's context.
        when = None if reads_scope(rule.when) else compile_when(rule.when)
        kind = rule.kind
        if kind == "const":
            assert isinstance(rule.target, str)
            return const_plan(rule.target, when, rule.when, rule.const)
        if kind == "field":
            default = fresh(rule.default) if "default" in rule.model_fields_set else None
            pipe = build_pipeline(self._steps(rule, outbound), self.ctx)
            scoped = scoped_getter(rule.source) if rule.source is not None else None
            return self._field(
                rule.source, rule.target, pipe, when, rule.when, default, rule.required, scoped
            )
        nested_spec = rule.each if kind == "each" else rule.object_
        assert nested_spec is not None
        source = path_text(rule.source) or "$"
        target = path_text(rule.target) or ""
        if kind == "each":
            head, shape = _each_shape(source, nested_spec)
            levels = 2 if shape.flatten is not None else 1
            inner = nesting.enter(kind, True, levels)
            nested = self.inbound(nested_spec.rules, f"{label}.each.rules", outbound, inner)
            return CallPlan(
                each_runner(
                    compile_getter(parse_path(head)),
                    setter_for(target),
                    None if rule.when is None else compile_scoped_when(rule.when),
                    compile_when(nested_spec.keep_if),
                    nested,
                    source,
                    target,
                    shape,
                )
            )
        inner = nesting.enter(kind, rule.source is not None)
        nested = self.inbound(nested_spec.rules, f"{label}.object.rules", outbound, inner)
        get_segments = None if rule.source is None else parse_path(source)
        getter = None if get_segments is None else compile_getter(get_segments)
        return object_plan(getter, get_segments, target, when, rule.when, nested, source)

    def _field(
        self,
        source: str | list[str] | None,
        target: str | list[str] | None,
        pipe: Pipeline | None,
        when: Predicate | None,
        when_spec: When | None,
        default: Callable[[], Any] | None,
        required: bool,
        scoped: ScopedGetter | None = None,
        getter: Getter | None = None,
    ) -> FieldPlan:
        get_segments = put_segments = None
        get: Getter
        if scoped is not None:
            get = _unread
        elif getter is not None:
            get = getter
        elif isinstance(source, list):
            get = multi_getter(source)
        else:
            get_segments = parse_path(source or "")
            get = compile_getter(get_segments)
        if isinstance(target, list):
            put = multi_setter(target)
        else:
            put_segments = parse_path(target or "")
            put = compile_setter(put_segments)
        return FieldPlan(
            get, get_segments, put, put_segments, pipe, when, when_spec, default, required, scoped
        )

    # outbound --------------------------------------------------------------------------

    def outbound(self, rules: Sequence[Rule], prefix: str, nesting: Nesting = TOP) -> CompiledList:
        """Compile the canonical-to-native direction: declared reverses or derived inverses."""
        compiled: list[CompiledRule] = []
        appended: dict[str, int] = {}
        for index, rule in enumerate(rules):
            label = f"{prefix}[{index}]"
            ordinal = 0
            if isinstance(rule.target, str) and rule.target.endswith("[+]"):
                base = rule.target[:-3]
                ordinal = appended.get(base, 0)
                appended[base] = ordinal + 1
            result = self._backward(rule, label, ordinal, nesting)
            if result is not None:
                compiled.append(result)
        return compile_list(compiled, f"{self.file} {prefix} (outbound)")

    def _backward(
        self, rule: Rule, label: str, ordinal: int, nesting: Nesting
    ) -> CompiledRule | None:
        info = RuleInfo(label, path_text(rule.source), path_text(rule.target))
        if rule.reverse == "skip":
            return None
        if isinstance(rule.reverse, Rule):
            if rule.reverse.reverse is not None:
                raise self.fail(info, "a reverse rule cannot declare its own reverse")
            return self._forward(rule.reverse, f"{label}.reverse", True, nesting)
        # $root/$parent values belong to the record that maps them; $index is a position.
        if rule.kind == "const" or _reads_scope(rule):
            return None
        try:
            plan = self._derive(rule, label, info, ordinal, nesting)
        except MappingCompileError:
            raise
        except ValueError as exc:
            raise self.fail(info, str(exc)) from None
        return CompiledRule(
            RuleInfo(f"{label} (derived reverse)", path_text(rule.target), path_text(rule.source)),
            plan,
            path_text(rule.source) or "",
            rule.secret,
        )

    def _refuse(self, info: RuleInfo, why: str) -> MappingCompileError:
        return self.fail(
            info,
            f"cannot be inverted: {why}; declare `reverse:` (a rule from canonical to native) "
            "or `reverse: skip`",
        )

    def _check_when(self, rule: Rule, info: RuleInfo) -> None:
        covered = [rule.source] if isinstance(rule.source, str) else list(rule.source or [])
        nested = rule.each or rule.object_
        if nested is not None:
            base = "" if rule.source is None else f"{rule.source}."
            covered += [
                base + s
                for sub in nested.rules
                for s in ([sub.source] if isinstance(sub.source, str) else sub.source or [])
            ]
        for path in condition_paths(rule.when):
            if not any(path == c or path.startswith((f"{c}.", f"{c}[")) for c in covered):
                raise self._refuse(info, f"its condition reads {path}, which is not its source")

    def _derive(
        self, rule: Rule, label: str, info: RuleInfo, ordinal: int, nesting: Nesting
    ) -> Plan:
        self._check_when(rule, info)
        kind = rule.kind
        if kind == "field":
            inverse = invert_steps(self._steps(rule, outbound=False))
            if isinstance(inverse, str):
                raise self._refuse(info, f"step {inverse!r} has no inverse")
            pipe = build_pipeline(inverse, self.ctx)
            getter = None
            if isinstance(rule.target, str) and rule.target.endswith("[+]"):
                getter = self._reader(rule.target, ordinal, [])
            return self._field(
                rule.target, rule.source, pipe, None, None, None, False, getter=getter
            )
        nested_spec = rule.each if kind == "each" else rule.object_
        assert nested_spec is not None
        source = rule.target if isinstance(rule.target, str) else ""
        target = rule.source if isinstance(rule.source, str) else ""
        if kind == "each":
            if WILDCARD in parse_path(target):
                raise self._refuse(info, f"the each flattens {target}")
            inner = nesting.enter(kind, True)
            nested = self.outbound(nested_spec.rules, f"{label}.each.rules", inner)
            each = each_runner(
                compile_getter(parse_path(source)),
                setter_for(target),
                None,
                None,
                nested,
                source,
                target,
            )
            if nested_spec.group_by is not None:
                each = ungroup_runner(each, target, nested_spec.group_by)
            return CallPlan(each)
        nested = self.outbound(
            nested_spec.rules, f"{label}.object.rules", nesting.enter(kind, bool(source))
        )
        match = discriminators(nested_spec)
        getter = self._reader(source, ordinal, match) if source else None
        return object_plan(getter, None, target, None, None, nested, source or "$")

    def _reader(self, path: str, ordinal: int, match: list[tuple[Getter, Any]]) -> Getter:
        segments = parse_path(path)
        if segments and segments[-1] is APPEND:
            return selector(segments, ordinal, match)
        return compile_getter(segments)


def _unread(record: Any) -> Any:
    raise AssertionError("a scoped field plan reads through its scoped getter")


def _flip_direction(step: StepSpec) -> StepSpec:
    """In a declared reverse rule, value maps and lookups run canonical to native."""
    if step.name in ("map", "lookup") and step.params is not None:
        reverse = bool(getattr(step.params, "reverse", False))
        return StepSpec(step.name, step.params.model_copy(update={"reverse": not reverse}))
    return step
