"""The plans rules compile to, which the code generator turns into Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mappings.library import Pipeline
from mappings.paths import (
    Getter,
    ScopedGetter,
    Segment,
    Setter,
)
from mappings.spec import When

# A rule list runs on (element, output, ancestors from the record down, position in its each).
RuleListFn = Callable[[dict[str, Any], dict[str, Any], tuple[Any, ...], int], None]
Predicate = Callable[[dict[str, Any]], bool]


class Located(Exception):
    """A rule of a generated list failed: which one (``index``) and how (``error``)."""

    def __init__(self, index: int, error: BaseException) -> None:
        self.index = index
        self.error = error
        super().__init__(index)


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """Read, transform, default, write; segments let simple paths run inline."""

    get: Getter
    get_segments: tuple[Segment, ...] | None
    put: Setter
    put_segments: tuple[Segment, ...] | None
    pipe: Pipeline | None
    when: Predicate | None
    when_spec: When | None
    default: Callable[[], Any] | None
    required: bool
    scoped: ScopedGetter | None = None


@dataclass(frozen=True, slots=True)
class ConstPlan:
    """Write a constant (``fresh`` makes a copy per record for lists and objects)."""

    put: Setter
    put_segments: tuple[Segment, ...] | None
    fresh: Callable[[], Any]
    scalar: bool
    value: Any
    when: Predicate | None
    when_spec: When | None


@dataclass(frozen=True, slots=True)
class ObjectPlan:
    """Map one object (or the record itself, when ``get`` is None) with a nested list.

    Objects with a source are one level deeper for ``$parent``; the record's own are not.
    """

    get: Getter | None
    get_segments: tuple[Segment, ...] | None
    put: Setter
    put_segments: tuple[Segment, ...] | None
    when: Predicate | None
    when_spec: When | None
    plans: tuple[Plan, ...]
    failure: Callable[[Located, dict[str, Any]], BaseException]
    not_object: str


@dataclass(frozen=True, slots=True)
class CallPlan:
    """A rule run by its own function (each sub-mappings), given ancestors and position."""

    run: RuleListFn


Plan = FieldPlan | ConstPlan | ObjectPlan | CallPlan
