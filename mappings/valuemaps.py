"""Value maps compiled into two lookups: native to canonical and the derived reverse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mappings.errors import StepError
from mappings.spec import ValueMap
from mappings.steps import StepFn

_NOT_FOUND = object()


def _policy(name: str, policy: str, direction: str) -> StepFn:
    """What an unknown value becomes: an error, itself, or a declared default."""
    if policy == "passthrough":
        return lambda value: value
    if policy.startswith("default:"):
        fallback = policy.removeprefix("default:")
        return lambda value: fallback
    label = f"value map {name!r} ({direction}) has no entry for this value"

    def refuse(value: Any) -> Any:
        raise StepError(label, value)

    return refuse


def _lookup(
    name: str, table: Mapping[Any, Any], ignore_case: bool, policy: str, direction: str
) -> StepFn:
    unknown = _policy(name, policy, direction)
    if ignore_case:
        folded = {k.casefold() if isinstance(k, str) else k: v for k, v in table.items()}

        def translate_folded(value: Any) -> Any:
            found = folded.get(value.casefold() if isinstance(value, str) else value, _NOT_FOUND)
            return unknown(value) if found is _NOT_FOUND else found

        return translate_folded
    exact = dict(table)

    def translate(value: Any) -> Any:
        found = exact.get(value, _NOT_FOUND)
        return unknown(value) if found is _NOT_FOUND else found

    return translate


def reverse_table(spec: ValueMap) -> dict[Any, Any]:
    """Canonical value to native value: the first native key wins, then explicit overrides."""
    table: dict[Any, Any] = {}
    for native, canonical in spec.values.items():
        table.setdefault(canonical, native)
    table.update(spec.reverse)
    return table


def compile_value_map(name: str, spec: ValueMap) -> tuple[StepFn, StepFn]:
    """The forward and reverse translations of one value map."""
    reverse_policy = spec.reverse_unknown
    if reverse_policy is None:
        reverse_policy = "passthrough" if spec.unknown == "passthrough" else "error"
    forward = _lookup(name, spec.values, spec.ignore_case, spec.unknown, "native to canonical")
    reverse = _lookup(name, reverse_table(spec), False, reverse_policy, "canonical to native")
    return forward, reverse
