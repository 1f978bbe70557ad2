"""Rule lists compiled into one generated Python function each, for speed.

Safety: the generated source is built only from this module's fixed templates and
identifiers it invents (``K3``, ``P1`` ...). Every value from a mapping file (keys, constants,
messages) is bound to such an identifier as data and is never written into the source, and
``codegen_safety.check_source`` refuses any source holding other names. The code runs
without builtins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mappings.codegen_safety import check_source
from mappings.conditions import compile_scoped_when, reads_scope
from mappings.errors import StepError
from mappings.functions_text import TrimParams
from mappings.library import Pipeline
from mappings.paths import (
    APPEND,
    EMPTY_TYPES,
    MISSING,
    Getter,
    Segment,
    Setter,
    compile_getter,
    parse_path,
)
from mappings.plans import (
    ConstPlan,
    FieldPlan,
    Located,
    ObjectPlan,
    Plan,
    Predicate,
    RuleListFn,
)
from mappings.spec import Condition, When
from mappings.steps import StepFn, StepSpec

_REQUIRED = "a value is required but missing"


def _absent(var: str) -> str:
    return f"({var} is MISSING or {var} is None or ({var}.__class__ in EMPTY and not {var}))"


def _plain(segments: tuple[Segment, ...] | None, size: int) -> bool:
    return (
        segments is not None and len(segments) == size and all(isinstance(s, str) for s in segments)
    )


@dataclass(frozen=True, slots=True)
class _Scope:
    """Local variable names at one nesting depth (the record level is depth 0).

    ``ancestors`` names the elements above this one within the function; the function's
    own ancestors (``a``) come first, so ``$root`` and ``$parent`` read the right record.
    """

    depth: int
    ancestors: tuple[str, ...] = ()

    def _name(self, base: str) -> str:
        return base if self.depth == 0 else f"{base}{self.depth}"

    @property
    def src(self) -> str:
        return "src" if self.depth == 0 else f"e{self.depth}"

    @property
    def out(self) -> str:
        return "out" if self.depth == 0 else f"o{self.depth}"

    @property
    def r(self) -> str:
        return self._name("r")

    @property
    def v(self) -> str:
        return self._name("v")

    @property
    def d(self) -> str:
        return self._name("d")

    @property
    def w(self) -> str:
        return self._name("w")

    @property
    def up(self) -> str:
        """The ancestors tuple, as an expression."""
        if not self.ancestors:
            return "a"
        return f"(*a, {', '.join(self.ancestors)})"

    def inner(self, descends: bool) -> _Scope:
        ancestors = (*self.ancestors, self.src) if descends else self.ancestors
        return _Scope(self.depth + 1, ancestors)


class _Source:
    def __init__(self) -> None:
        self.bound: dict[str, Any] = {}
        self.lines: list[str] = []

    def bind(self, letter: str, value: Any) -> str:
        name = f"{letter}{len(self.bound)}"
        self.bound[name] = value
        return name

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)


def _emit_get(
    src: _Source,
    sc: _Scope,
    var: str,
    get: Getter,
    segments: tuple[Segment, ...] | None,
    indent: int,
) -> None:
    if segments is not None and _plain(segments, 1):
        src.emit(indent, f"{var} = {sc.src}.get({src.bind('K', segments[0])}, MISSING)")
    elif segments is not None and _plain(segments, 2):
        first, second = src.bind("K", segments[0]), src.bind("K", segments[1])
        fallback = src.bind("G", get)
        src.emit(indent, f"{var} = {sc.src}.get({first})")
        src.emit(
            indent,
            f"{var} = {var}.get({second}, MISSING) if {var}.__class__ is dict "
            f"else {fallback}({sc.src})",
        )
    else:
        src.emit(indent, f"{var} = {src.bind('G', get)}({sc.src})")


def _emit_put(
    src: _Source,
    sc: _Scope,
    put: Setter,
    segments: tuple[Segment, ...] | None,
    value: str,
    indent: int,
) -> None:
    out, d = sc.out, sc.d
    if segments is not None and _plain(segments, 1):
        src.emit(indent, f"{out}[{src.bind('K', segments[0])}] = {value}")
        return
    inline = (
        segments is not None
        and len(segments) == 2
        and isinstance(segments[0], str)
        and (isinstance(segments[1], str) or segments[1] is APPEND or segments[1] == 0)
    )
    if not inline or segments is None:
        src.emit(indent, f"{src.bind('S', put)}({out}, {value})")
        return
    head, tail = segments
    key, setter = src.bind("K", head), src.bind("S", put)
    src.emit(indent, f"{d} = {out}.get({key})")
    if isinstance(tail, str):
        src.emit(indent, f"if {d}.__class__ is dict:")
        src.emit(indent + 1, f"{d}[{src.bind('K', tail)}] = {value}")
    else:
        src.emit(indent, f"if {d} is None:")
        src.emit(indent + 1, f"{out}[{key}] = [{value}]")
        if tail is APPEND:
            src.emit(indent, f"elif {d}.__class__ is list:")
            src.emit(indent + 1, f"{d}.append({value})")
    src.emit(indent, "else:")
    src.emit(indent + 1, f"{setter}({out}, {value})")


def _emit_when(
    src: _Source, sc: _Scope, when: Predicate | None, spec: When | None, indent: int
) -> int:
    if spec is not None and reads_scope(spec):
        holds = src.bind("W", compile_scoped_when(spec))
        src.emit(indent, f"if {holds}({sc.src}, {sc.up}, n):")
        return indent + 1
    if when is None:
        return indent
    condition = spec[0] if isinstance(spec, list) and len(spec) == 1 else spec
    segments = parse_path(condition.path) if isinstance(condition, Condition) else None
    simple = segments is not None and (_plain(segments, 1) or _plain(segments, 2))
    if not isinstance(condition, Condition) or condition.op in ("in", "not_in") or not simple:
        src.emit(indent, f"if {src.bind('W', when)}({sc.src}):")
        return indent + 1
    w = sc.w
    _emit_get(src, sc, w, compile_getter(parse_path(condition.path)), segments, indent)
    if condition.op in ("exists", "missing"):
        test = _absent(w)
        src.emit(indent, f"if not {test}:" if condition.op == "exists" else f"if {test}:")
    elif condition.value is None:
        test = f"({w} is MISSING or {w} is None)"
        src.emit(indent, f"if {test}:" if condition.op == "eq" else f"if not {test}:")
    else:
        operator = "==" if condition.op == "eq" else "!="
        src.emit(indent, f"if {w} {operator} {src.bind('C', condition.value)}:")
    return indent + 1


def _emit_pipe(src: _Source, sc: _Scope, pipe: Pipeline, indent: int) -> None:
    v = sc.v
    src.emit(indent, f"if {v} is not MISSING and {v} is not None:")
    full = src.bind("P", pipe.run)
    if pipe.chain is None:
        src.emit(indent + 1, f"{v} = {full}({v})")
        return
    src.emit(indent + 1, f"if {v}.__class__ is list or {v}.__class__ is tuple:")
    src.emit(indent + 2, f"{v} = {full}({v})")
    src.emit(indent + 1, "else:")
    depth = indent + 2
    for position, (fn, spec) in enumerate(zip(pipe.chain, pipe.specs, strict=True)):
        if position:
            src.emit(depth, f"if {v} is not None:")
            depth += 1
        _emit_step(src, v, fn, spec, depth)


def _emit_step(src: _Source, v: str, fn: StepFn, spec: StepSpec, indent: int) -> None:
    """Text steps run as string methods inline; the function still reports wrong types."""
    call = f"{v} = {src.bind('F', fn)}({v})"
    params = spec.params
    if spec.name == "trim" and isinstance(params, TrimParams | None):
        side = "both" if params is None else params.side
        method = {"both": "strip", "left": "lstrip", "right": "rstrip"}[side]
        chars = "" if params is None or params.chars is None else src.bind("C", params.chars)
        inline = f"{v} = {v}.{method}({chars})"
    elif spec.name == "normalize_whitespace":
        inline = f"{v} = {src.bind('C', ' ')}.join({v}.split())"
    elif spec.name in ("upper", "lower"):
        inline = f"{v} = {v}.{spec.name}()"
    else:
        src.emit(indent, call)
        return
    src.emit(indent, f"if {v}.__class__ is str:")
    src.emit(indent + 1, inline)
    src.emit(indent, "else:")
    src.emit(indent + 1, call)


def _emit_field(src: _Source, sc: _Scope, plan: FieldPlan, indent: int) -> None:
    v = sc.v
    indent = _emit_when(src, sc, plan.when, plan.when_spec, indent)
    if plan.scoped is not None:
        src.emit(indent, f"{v} = {src.bind('G', plan.scoped)}({sc.src}, {sc.up}, n)")
    else:
        _emit_get(src, sc, v, plan.get, plan.get_segments, indent)
    if plan.pipe is not None:
        _emit_pipe(src, sc, plan.pipe, indent)
    src.emit(indent, f"if {_absent(v)}:")
    if plan.default is not None:
        default = f"{src.bind('D', plan.default)}()"
        _emit_put(src, sc, plan.put, plan.put_segments, default, indent + 1)
    elif plan.required:
        src.emit(indent + 1, f"raise StepError({src.bind('M', _REQUIRED)}, show_value=False)")
    else:
        src.emit(indent + 1, "pass")
    src.emit(indent, "else:")
    _emit_put(src, sc, plan.put, plan.put_segments, v, indent + 1)


def _emit_const(src: _Source, sc: _Scope, plan: ConstPlan, indent: int) -> None:
    indent = _emit_when(src, sc, plan.when, plan.when_spec, indent)
    value = src.bind("C", plan.value) if plan.scalar else f"{src.bind('D', plan.fresh)}()"
    _emit_put(src, sc, plan.put, plan.put_segments, value, indent)


def _emit_object(src: _Source, sc: _Scope, plan: ObjectPlan, indent: int) -> None:
    """The nested rules run inline, inside their own try so failures name the nested rule."""
    inner = sc.inner(descends=plan.get is not None)
    element, built = inner.src, inner.out
    indent = _emit_when(src, sc, plan.when, plan.when_spec, indent)
    if plan.get is None:
        src.emit(indent, f"{element} = {sc.src}")
    else:
        _emit_get(src, sc, element, plan.get, plan.get_segments, indent)
        src.emit(indent, f"if not {_absent(element)}:")
        indent += 1
        src.emit(indent, f"if {element}.__class__ is not dict:")
        message = src.bind("M", plan.not_object)
        src.emit(indent + 1, f"raise StepError({message}, {element}.__class__)")
    src.emit(indent, f"{built} = {{}}")
    src.emit(indent, "try:")
    _emit_list(src, inner, plan.plans, indent + 1)
    caught = f"x{inner.depth}"
    src.emit(indent, f"except Exception as {caught}:")
    failure = src.bind("E", plan.failure)
    src.emit(indent + 1, f"raise {failure}(Located({inner.r}, {caught}), {sc.out}) from {caught}")
    src.emit(indent, f"if {built}:")
    _emit_put(src, sc, plan.put, plan.put_segments, built, indent + 1)


def _emit_list(src: _Source, sc: _Scope, plans: Sequence[Plan], indent: int) -> None:
    src.emit(indent, f"{sc.r} = 0")
    for index, plan in enumerate(plans):
        if index:
            src.emit(indent, f"{sc.r} = {index}")
        if isinstance(plan, FieldPlan):
            _emit_field(src, sc, plan, indent)
        elif isinstance(plan, ConstPlan):
            _emit_const(src, sc, plan, indent)
        elif isinstance(plan, ObjectPlan):
            _emit_object(src, sc, plan, indent)
        else:
            src.emit(indent, f"{src.bind('X', plan.run)}({sc.src}, {sc.out}, {sc.up}, n)")


def generate(plans: Sequence[Plan], label: str) -> tuple[RuleListFn, str]:
    """One function running every plan in order; failures raise ``Located``."""
    src = _Source()
    scope = _Scope(0)
    src.emit(0, "def make():")
    src.emit(1, "def run(src, out, a, n):")
    src.emit(2, "r = 0")
    src.emit(2, "try:")
    _emit_list(src, scope, plans, 3)
    src.emit(2, "except Exception as exc:")
    src.emit(3, "raise Located(r, exc) from exc")
    src.emit(1, "return run")
    text = "\n".join(src.lines) + "\n"
    check_source(text)
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "MISSING": MISSING,
        "EMPTY": EMPTY_TYPES,
        "StepError": StepError,
        "Located": Located,
        "Exception": Exception,
        "dict": dict,
        "list": list,
        "tuple": tuple,
        "str": str,
        **src.bound,
    }
    code = compile(text, f"<mapping {label}>", "exec")
    exec(code, namespace)  # noqa: S102 - source built from fixed templates, checked above
    run: RuleListFn = namespace["make"]()
    return run, text
