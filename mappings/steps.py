"""What every function of the library is made of: parameters, a builder, an inverse."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
)
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from mappings.errors import StepError

if TYPE_CHECKING:
    from mappings.xref import XrefResolver

StepFn = Callable[[Any], Any]
Rounding = Literal["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"]
ROUNDING_MODES: Mapping[str, str] = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "half_down": ROUND_HALF_DOWN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
    "ceiling": ROUND_CEILING,
    "floor": ROUND_FLOOR,
}


class Params(BaseModel):
    """Parameters of one function; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One parsed pipeline step: a library function name and its validated parameters."""

    name: str
    params: Params | None = None


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What builders may use besides their parameters: value maps and the xref resolver."""

    value_maps: Mapping[str, tuple[StepFn, StepFn]] = field(default_factory=dict)
    resolver: XrefResolver | None = None
    system: str = ""


Builder = Callable[[Any, BuildContext], StepFn]
Inverse = Callable[[Any], "StepSpec | None"]
IDENTITY: Literal["identity"] = "identity"


@dataclass(frozen=True, slots=True)
class Function:
    """A whitelisted function: ``inverse`` is None (not invertible), IDENTITY or a builder."""

    name: str
    summary: str
    build: Builder
    params: type[Params] | None = None
    params_required: bool = False
    inverse: Inverse | Literal["identity"] | None = None
    elementwise: bool = True


def expect_text(value: Any, name: str) -> str:
    """The value when it is a string; otherwise a StepError naming the function."""
    if isinstance(value, str):
        return value
    raise StepError(f"{name} needs text, got {type(value).__name__}", value)


def elementwise(fn: StepFn) -> StepFn:
    """Apply ``fn`` to each item of a list value, or to a single value."""

    def apply(value: Any) -> Any:
        if type(value) is list or type(value) is tuple:
            return [None if item is None else fn(item) for item in value]
        return fn(value)

    return apply
