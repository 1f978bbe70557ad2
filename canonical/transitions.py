"""Legal status lifecycles as data, and the checks that refuse illegal moves.

Staying in the same state is always legal: at-least-once delivery repeats messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class IllegalTransition(ValueError):
    """A status change the lifecycle does not allow."""

    def __init__(self, lifecycle: str, current: str, new: str) -> None:
        self.lifecycle = lifecycle
        self.current = current
        self.new = new
        super().__init__(f"{lifecycle}: illegal transition from {current!r} to {new!r}")


@dataclass(frozen=True)
class Lifecycle:
    """A named state machine: state -> states it may move to."""

    name: str
    transitions: Mapping[str, frozenset[str]]

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self.transitions)


def _lifecycle(name: str, table: dict[str, tuple[str, ...]]) -> Lifecycle:
    return Lifecycle(name, {state: frozenset(nexts) for state, nexts in table.items()})


ORDER_LIFECYCLE = _lifecycle(
    "order",
    {
        "draft": ("pending", "cancelled"),
        "pending": ("confirmed", "on_hold", "cancelled"),
        "on_hold": ("pending", "confirmed", "cancelled"),
        "confirmed": ("allocated", "on_hold", "cancelled"),
        "allocated": ("partially_shipped", "shipped", "on_hold", "cancelled"),
        "partially_shipped": ("shipped",),
        "shipped": ("invoiced",),
        "invoiced": ("completed",),
        "completed": (),
        "cancelled": (),
    },
)

PURCHASE_ORDER_LIFECYCLE = _lifecycle(
    "purchase_order",
    {
        "draft": ("pending_approval", "approved", "cancelled"),
        "pending_approval": ("approved", "rejected", "draft", "cancelled"),
        "rejected": ("draft", "cancelled"),
        "approved": ("sent", "cancelled"),
        "sent": ("acknowledged", "cancelled"),
        "acknowledged": ("partially_received", "received", "cancelled"),
        "partially_received": ("received", "closed"),
        "received": ("closed",),
        "closed": (),
        "cancelled": (),
    },
)

APPROVAL_LIFECYCLE = _lifecycle(
    "approval_request",
    {
        "pending": ("approved", "rejected", "cancelled"),
        "approved": (),
        "rejected": (),
        "cancelled": (),
    },
)


def _require_state(lifecycle: Lifecycle, state: str, current: str, new: str) -> None:
    if state not in lifecycle.transitions:
        raise IllegalTransition(lifecycle.name, current, new)


def allowed_next(lifecycle: Lifecycle, current: str) -> frozenset[str]:
    """States ``current`` may move to (itself excluded); unknown states raise KeyError."""
    return lifecycle.transitions[current]


def check_transition(lifecycle: Lifecycle, current: str, new: str) -> None:
    """Raise IllegalTransition unless ``current -> new`` is legal in ``lifecycle``."""
    _require_state(lifecycle, current, current, new)
    _require_state(lifecycle, new, current, new)
    if new != current and new not in lifecycle.transitions[current]:
        raise IllegalTransition(lifecycle.name, current, new)


def check_order_transition(current: str, new: str) -> None:
    """Raise IllegalTransition unless a sales order may go from ``current`` to ``new``."""
    check_transition(ORDER_LIFECYCLE, current, new)


def check_purchase_order_transition(current: str, new: str) -> None:
    """Raise IllegalTransition unless a purchase order may go from ``current`` to ``new``."""
    check_transition(PURCHASE_ORDER_LIFECYCLE, current, new)
