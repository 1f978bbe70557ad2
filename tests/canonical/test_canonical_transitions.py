"""Status lifecycles: legal moves pass, illegal ones are refused naming both states."""

from __future__ import annotations

from itertools import pairwise
from typing import get_args

import pytest

from canonical import (
    APPROVAL_LIFECYCLE,
    ORDER_LIFECYCLE,
    PURCHASE_ORDER_LIFECYCLE,
    ApprovalRequestStatus,
    IllegalTransition,
    OrderStatus,
    PurchaseOrderStatus,
    allowed_next,
    check_order_transition,
    check_purchase_order_transition,
    check_transition,
)


@pytest.mark.parametrize(
    ("lifecycle", "status_type"),
    [
        (ORDER_LIFECYCLE, OrderStatus),
        (PURCHASE_ORDER_LIFECYCLE, PurchaseOrderStatus),
        (APPROVAL_LIFECYCLE, ApprovalRequestStatus),
    ],
)
def test_lifecycle_states_are_the_model_status_values(lifecycle, status_type) -> None:
    assert lifecycle.states == set(get_args(status_type))
    for state in lifecycle.states:
        assert allowed_next(lifecycle, state) <= lifecycle.states


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("draft", "pending"),
        ("pending", "confirmed"),
        ("confirmed", "allocated"),
        ("allocated", "partially_shipped"),
        ("partially_shipped", "shipped"),
        ("shipped", "invoiced"),
        ("invoiced", "completed"),
        ("on_hold", "confirmed"),
        ("allocated", "cancelled"),
        ("shipped", "shipped"),
    ],
)
def test_legal_order_transitions_pass(current: str, new: str) -> None:
    check_order_transition(current, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("shipped", "draft"),
        ("cancelled", "confirmed"),
        ("completed", "cancelled"),
        ("draft", "shipped"),
        ("partially_shipped", "cancelled"),
        ("pending", "teleported"),
    ],
)
def test_illegal_order_transitions_name_both_states(current: str, new: str) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_order_transition(current, new)
    assert isinstance(caught.value, ValueError)
    assert (caught.value.current, caught.value.new) == (current, new)
    assert repr(current) in str(caught.value)
    assert repr(new) in str(caught.value)


def test_purchase_order_happy_path_and_refusals() -> None:
    path = ["draft", "pending_approval", "approved", "sent", "acknowledged", "received", "closed"]
    for current, new in pairwise(path):
        check_purchase_order_transition(current, new)
    with pytest.raises(IllegalTransition, match=r"'pending_approval'.*'sent'"):
        check_purchase_order_transition("pending_approval", "sent")
    with pytest.raises(IllegalTransition, match=r"'received'.*'cancelled'"):
        check_purchase_order_transition("received", "cancelled")


def test_every_pair_agrees_with_allowed_next() -> None:
    for lifecycle in (ORDER_LIFECYCLE, PURCHASE_ORDER_LIFECYCLE, APPROVAL_LIFECYCLE):
        for current in lifecycle.states:
            for new in lifecycle.states:
                legal = new == current or new in allowed_next(lifecycle, current)
                if legal:
                    check_transition(lifecycle, current, new)
                else:
                    with pytest.raises(IllegalTransition):
                        check_transition(lifecycle, current, new)


def test_terminal_states_allow_nothing_next() -> None:
    assert allowed_next(ORDER_LIFECYCLE, "completed") == frozenset()
    assert allowed_next(PURCHASE_ORDER_LIFECYCLE, "cancelled") == frozenset()
    assert "cancelled" in allowed_next(ORDER_LIFECYCLE, "pending")
