"""The whitelisted function library: parsing steps, building pipelines, inverting them.

Nothing here resolves a name to code outside this table: a mapping file can only name
functions listed in ``FUNCTIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, ValidationError

from mappings.errors import StepError
from mappings.functions_amounts import AMOUNT_FUNCTIONS
from mappings.functions_numbers import NUMBER_FUNCTIONS
from mappings.functions_text import TEXT_FUNCTIONS
from mappings.functions_time import TIME_FUNCTIONS
from mappings.steps import IDENTITY, BuildContext, Function, Params, StepFn, StepSpec, elementwise


class MapParams(Params):
    """Translate through a value map declared under ``value_maps``."""

    name: str = Field(description="Name of the value map.")
    reverse: bool = Field(False, description="Use the map from canonical to native values.")


class LookupParams(Params):
    """Replace an id by the matching id of another entity, through the xref table."""

    entity: str = Field(description="Entity type of the id, e.g. customer or product.")
    system: str | None = Field(None, description="System of the native id; the file's own.")
    reverse: bool = Field(False, description="Translate a canonical id to the system's id.")


def _map(params: MapParams, ctx: BuildContext) -> StepFn:
    try:
        forward, reverse = ctx.value_maps[params.name]
    except KeyError:
        known = ", ".join(sorted(ctx.value_maps)) or "none declared"
        raise ValueError(f"no value map named {params.name!r} (known: {known})") from None
    return reverse if params.reverse else forward


def _lookup(params: LookupParams, ctx: BuildContext) -> StepFn:
    resolver = ctx.resolver
    entity = params.entity
    system = params.system or ctx.system
    reverse = params.reverse

    def lookup(value: Any) -> Any:
        if resolver is None:
            raise StepError("lookup: no xref resolver is bound to this mapping", show_value=False)
        text = value if isinstance(value, str) else str(value)
        if reverse:
            found = resolver.system_id(entity, text, system)
            where = f"lookup: {system} has no id for {entity}"
        else:
            found = resolver.canonical_id(entity, system, text)
            where = f"lookup: no canonical {entity} for {system} id"
        if found is None:
            raise StepError(where, value)
        return found

    return lookup


def _flip_map(params: MapParams) -> StepSpec:
    return StepSpec("map", params.model_copy(update={"reverse": not params.reverse}))


def _flip_lookup(params: LookupParams) -> StepSpec:
    return StepSpec("lookup", params.model_copy(update={"reverse": not params.reverse}))


FUNCTIONS: Mapping[str, Function] = {
    function.name: function
    for function in (
        *TEXT_FUNCTIONS,
        *NUMBER_FUNCTIONS,
        *AMOUNT_FUNCTIONS,
        *TIME_FUNCTIONS,
        Function("map", "Translate through a named value map.", _map, MapParams, True, _flip_map),
        Function(
            "lookup",
            "Translate an id through the xref table.",
            _lookup,
            LookupParams,
            True,
            _flip_lookup,
        ),
    )
}


def parse_step(raw: Any) -> StepSpec:
    """A step from its YAML form: ``name`` or ``{name: {params}}`` (``{map: NAME}`` too)."""
    if isinstance(raw, StepSpec):
        return raw
    if isinstance(raw, str):
        name, given = raw, None
    elif isinstance(raw, dict) and len(raw) == 1:
        ((name, given),) = raw.items()
    else:
        raise ValueError("a step is a function name or a one-key object {name: {parameters}}")
    function = FUNCTIONS.get(name) if isinstance(name, str) else None
    if function is None:
        allowed = ", ".join(sorted(FUNCTIONS))
        raise ValueError(f"unknown function {name!r}; allowed: {allowed}")
    if function.params is None:
        if given not in (None, {}):
            raise ValueError(f"{name} takes no parameters")
        return StepSpec(name)
    if name == "map" and isinstance(given, str):
        given = {"name": given}
    if given is None:
        if function.params_required:
            raise ValueError(f"{name} needs parameters")
        return StepSpec(name, None)
    if not isinstance(given, dict):
        raise ValueError(f"parameters of {name} must be an object")
    try:
        return StepSpec(name, function.params.model_validate(given))
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or name}: {error['msg']}"
            for error in exc.errors(include_url=False)
        )
        raise ValueError(f"{name}: {details}") from None


@dataclass(frozen=True, slots=True)
class Pipeline:
    """Steps built once: ``run`` handles any value; ``chain`` is the scalar fast path."""

    run: StepFn
    chain: tuple[StepFn, ...] | None
    specs: tuple[StepSpec, ...] = ()


def build_pipeline(steps: Sequence[StepSpec], ctx: BuildContext) -> Pipeline | None:
    """The steps in order, stopping at None; None when there are no steps."""
    built: list[tuple[str, StepFn]] = []
    scalar: list[StepFn] = []
    for spec in steps:
        function = FUNCTIONS[spec.name]
        fn = function.build(spec.params, ctx)
        built.append((spec.name, elementwise(fn) if function.elementwise else fn))
        scalar.append(fn)
    if not built:
        return None
    # A scalar in, scalar out chain may skip the list handling; split makes lists.
    fast = all(FUNCTIONS[spec.name].elementwise and spec.name != "split" for spec in steps)
    chain = tuple(scalar) if fast else None
    if len(built) == 1:
        return Pipeline(_guarded(*built[0]), chain, tuple(steps))
    named = tuple(built)

    def pipeline(value: Any) -> Any:
        for name, fn in named:
            try:
                value = fn(value)
            except StepError:
                raise
            except Exception as exc:
                raise StepError(f"{name} failed ({type(exc).__name__})", show_value=False) from exc
            if value is None:
                return None
        return value

    return Pipeline(pipeline, chain, tuple(steps))


def _guarded(name: str, fn: StepFn) -> StepFn:
    def step(value: Any) -> Any:
        try:
            return fn(value)
        except StepError:
            raise
        except Exception as exc:
            raise StepError(f"{name} failed ({type(exc).__name__})", show_value=False) from exc

    return step


def invert_steps(steps: Sequence[StepSpec]) -> list[StepSpec] | str:
    """The inverse pipeline (reversed, each step inverted), or the name of the blocking step."""
    inverted: list[StepSpec] = []
    for spec in reversed(steps):
        inverse = FUNCTIONS[spec.name].inverse
        if inverse is None:
            return spec.name
        if inverse == IDENTITY:
            continue
        assert not isinstance(inverse, str)
        result = inverse(spec.params)
        if result is None:
            return spec.name
        inverted.append(result)
    return inverted


def step_json_schema() -> dict[str, Any]:
    """JSON Schema of one step, listing every function and its parameters for editors."""
    bare = sorted(name for name, fn in FUNCTIONS.items() if not fn.params_required)
    options: list[dict[str, Any]] = [
        {
            "type": "string",
            "enum": bare,
            "description": "A function without parameters (or with its defaults).",
        }
    ]
    for name, function in sorted(FUNCTIONS.items()):
        if function.params is None:
            value: dict[str, Any] = {"type": "null"}
        else:
            value = function.params.model_json_schema(by_alias=True)
            value.pop("title", None)
            if name == "map":
                value = {"anyOf": [{"type": "string", "description": "Value map name."}, value]}
            elif not function.params_required:
                value = {"anyOf": [value, {"type": "null"}]}
        options.append(
            {
                "type": "object",
                "title": name,
                "description": function.summary,
                "properties": {name: value},
                "required": [name],
                "additionalProperties": False,
            }
        )
    return {"title": "Step", "description": "One function of a pipeline.", "anyOf": options}
