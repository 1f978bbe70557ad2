"""The seeded process definitions and routing of an amount through their steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reference.oa.models import ProcessDefinition


def _step(step_id: str, name: str, role: str, above: str | None = None) -> dict[str, Any]:
    return {"id": step_id, "name": name, "role": role, "amountAbove": above}


# Thresholds are per definition, in its currency, and exclusive ("above 5,000").
DEFINITIONS: list[dict[str, Any]] = [
    {
        "key": "purchase",
        "name": "Purchase requisition approval",
        "currency": "EUR",
        "steps": [
            _step("manager_approval", "Manager approval", "manager"),
            _step("finance_approval", "Finance approval", "finance", "5000.00"),
            _step("ceo_approval", "CEO approval", "ceo", "50000.00"),
        ],
    },
    {
        "key": "travel",
        "name": "Travel request",
        "currency": "EUR",
        "steps": [
            _step("manager_approval", "Manager approval", "manager"),
            _step("finance_approval", "Finance approval", "finance", "3000.00"),
        ],
    },
    {
        "key": "expense",
        "name": "Expense claim",
        "currency": "EUR",
        "steps": [
            _step("manager_approval", "Manager approval", "manager"),
            _step("finance_approval", "Finance approval", "finance", "1000.00"),
        ],
    },
    {
        "key": "credit_limit",
        "name": "Customer credit limit change",
        "currency": "EUR",
        "steps": [
            _step("finance_approval", "Finance approval", "finance"),
            _step("ceo_approval", "CEO approval", "ceo", "100000.00"),
        ],
    },
    {
        "key": "invoice_exception",
        "name": "Invoice exception (3-way match failed)",
        "currency": "EUR",
        "steps": [_step("finance_approval", "Finance approval", "finance")],
    },
]


def route(definition: ProcessDefinition, amount: Decimal) -> list[dict[str, Any]]:
    """The steps an amount must pass, in order: those without a floor or whose floor it exceeds."""
    return [
        step
        for step in definition.steps
        if step["amountAbove"] is None or amount > Decimal(step["amountAbove"])
    ]
