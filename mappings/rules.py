"""Rules compiled into closures, inbound as written and outbound as derived or declared."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mappings.conditions import Predicate, compile_when, condition_paths
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
    Getter,
    compile_getter,
    compile_setter,
    parse_path,
)
from mappings.plans import (
    CallPlan,
    FieldPlan,
    Plan,
)
from mappings.runners import (
    CompiledList,
    CompiledRule,
    compile_list,
    const_plan,
    discriminators,
    each_runner,
    fresh,
    multi_getter,
    multi_setter,
    object_plan,
    path_text,
    selector,
    setter_for,
)
from mappings.spec import Rule, When
from mappings.steps import BuildContext, StepSpec


class RuleCompiler:
    """Compiles a file's rule lists, inbound and outbound, naming rules in every error."""

    def __init__(self, file: str, ctx: BuildContext) -> None:
        self.file = file
        self.ctx = ctx

    def fail(self, info: RuleInfo, message: str) -> MappingCompileError:
        return MappingCompileError(message, file=self.file, rule=info)

    # inbound ---------------------------------------------------------------------------

    def inbound(self, rules: Sequence[Rule], prefix: str, outbound: bool = False) -> CompiledList:
        """Compile rules as written (``outbound`` for declared reverse rules)."""
        compiled = [
            self._forward(rule, f"{prefix}[{index}]", outbound) for index, rule in enumerate(rules)
        ]
        return compile_list(compiled, f"{self.file} {prefix}")

    def _forward(self, rule: Rule, label: str, outbound: bool) -> CompiledRule:
        info = RuleInfo(label, path_text(rule.source), path_text(rule.target))
        try:
            plan = self._forward_plan(rule, label, outbound)
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

    def _forward_plan(self, rule: Rule, label: str, outbound: bool) -> Plan:
        when = compile_when(rule.when)
        kind = rule.kind
        if kind == "const":
            assert isinstance(rule.target, str)
            return const_plan(rule.target, when, rule.when, rule.const)
        if kind == "field":
            default = fresh(rule.default) if "default" in rule.model_fields_set else None
            pipe = build_pipeline(self._steps(rule, outbound), self.ctx)
            return self._field(
                rule.source, rule.target, pipe, when, rule.when, default, rule.required
            )
        nested_spec = rule.each if kind == "each" else rule.object_
        assert nested_spec is not None
        nested = self.inbound(nested_spec.rules, f"{label}.{kind}.rules", outbound)
        source = path_text(rule.source) or "$"
        target = path_text(rule.target) or ""
        if kind == "each":
            return CallPlan(
                each_runner(
                    compile_getter(parse_path(source)),
                    setter_for(target),
                    when,
                    compile_when(nested_spec.keep_if),
                    nested,
                    source,
                    target,
                )
            )
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
        getter: Getter | None = None,
    ) -> FieldPlan:
        get_segments = put_segments = None
        if getter is not None:
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
            get, get_segments, put, put_segments, pipe, when, when_spec, default, required
        )

    # outbound --------------------------------------------------------------------------

    def outbound(self, rules: Sequence[Rule], prefix: str) -> CompiledList:
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
            result = self._backward(rule, label, ordinal)
            if result is not None:
                compiled.append(result)
        return compile_list(compiled, f"{self.file} {prefix} (outbound)")

    def _backward(self, rule: Rule, label: str, ordinal: int) -> CompiledRule | None:
        info = RuleInfo(label, path_text(rule.source), path_text(rule.target))
        if rule.reverse == "skip":
            return None
        if isinstance(rule.reverse, Rule):
            if rule.reverse.reverse is not None:
                raise self.fail(info, "a reverse rule cannot declare its own reverse")
            return self._forward(rule.reverse, f"{label}.reverse", outbound=True)
        if rule.kind == "const":
            return None
        try:
            plan = self._derive(rule, label, info, ordinal)
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

    def _derive(self, rule: Rule, label: str, info: RuleInfo, ordinal: int) -> Plan:
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
            return self._field(rule.target, rule.source, pipe, None, None, None, False, getter)
        nested_spec = rule.each if kind == "each" else rule.object_
        assert nested_spec is not None
        nested = self.outbound(nested_spec.rules, f"{label}.{kind}.rules")
        source = rule.target if isinstance(rule.target, str) else ""
        target = rule.source if isinstance(rule.source, str) else ""
        if kind == "each":
            return CallPlan(
                each_runner(
                    compile_getter(parse_path(source)),
                    setter_for(target),
                    None,
                    None,
                    nested,
                    source,
                    target,
                )
            )
        match = discriminators(nested_spec)
        getter = self._reader(source, ordinal, match) if source else None
        return object_plan(getter, None, target, None, None, nested, source or "$")

    def _reader(self, path: str, ordinal: int, match: list[tuple[Getter, Any]]) -> Getter:
        segments = parse_path(path)
        if segments and segments[-1] is APPEND:
            return selector(segments, ordinal, match)
        return compile_getter(segments)


def _flip_direction(step: StepSpec) -> StepSpec:
    """In a declared reverse rule, value maps and lookups run canonical to native."""
    if step.name in ("map", "lookup") and step.params is not None:
        reverse = bool(getattr(step.params, "reverse", False))
        return StepSpec(step.name, step.params.model_copy(update={"reverse": not reverse}))
    return step
