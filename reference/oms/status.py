"""The order status machine: which status may follow which."""

from __future__ import annotations

from reference.oms.errors import IllegalTransition

OPEN_FOR_ALLOCATION = frozenset({"NEW", "PARTIALLY_ALLOCATED", "BACKORDERED"})
# Statuses in which allocations are still only promises held by the OMS (not yet released).
HOLDING_STOCK = frozenset({"ALLOCATED", "PARTIALLY_ALLOCATED"})

_ALLOCATION_RESULTS = frozenset({"ALLOCATED", "PARTIALLY_ALLOCATED", "BACKORDERED"})

TRANSITIONS: dict[str, frozenset[str]] = {
    "NEW": _ALLOCATION_RESULTS | {"CANCELLED"},
    # A later run may fill more of a partly allocated or backordered order.
    "PARTIALLY_ALLOCATED": frozenset({"ALLOCATED", "PARTIALLY_ALLOCATED", "RELEASED", "CANCELLED"}),
    "BACKORDERED": _ALLOCATION_RESULTS | {"CANCELLED"},
    "ALLOCATED": frozenset({"RELEASED", "CANCELLED"}),
    "RELEASED": frozenset({"SHIPPED", "PARTIALLY_SHIPPED"}),
    "PARTIALLY_SHIPPED": frozenset({"SHIPPED", "PARTIALLY_SHIPPED", "INVOICED"}),
    "SHIPPED": frozenset({"INVOICED"}),
    "INVOICED": frozenset({"CLOSED"}),
    "CLOSED": frozenset(),
    "CANCELLED": frozenset(),
}


def can_move(current: str, target: str) -> bool:
    """Whether the machine allows ``current`` -> ``target``."""
    return target in TRANSITIONS.get(current, frozenset())


def check_move(current: str, target: str) -> None:
    """Raise IllegalTransition (409) unless ``current`` -> ``target`` is allowed."""
    if not can_move(current, target):
        raise IllegalTransition(current, target)
