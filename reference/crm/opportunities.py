"""Opportunity stages and their legal transitions.

prospecting -> qualification -> proposal -> negotiation -> closed_won, one step forward at
a time; any open stage may fall back to an earlier open stage or end as closed_lost;
closed_won needs negotiation first and at least one order line. Closed is final: a won
opportunity only accepts its ``orderRef`` (the order the hub placed for it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reference.crm.errors import ApiError
from reference.crm.models import Opportunity
from reference.crm.native import stored_lines
from reference.crm.records import reject_nulls, touch

OPEN_STAGES = ("prospecting", "qualification", "proposal", "negotiation")
CLOSED_STAGES = ("closed_won", "closed_lost")


def next_stages(current: str) -> list[str]:
    """Stages an opportunity in ``current`` may move to."""
    if current in CLOSED_STAGES:
        return []
    position = OPEN_STAGES.index(current)
    allowed = list(OPEN_STAGES[:position])
    if position + 1 < len(OPEN_STAGES):
        allowed.append(OPEN_STAGES[position + 1])
    else:
        allowed.append("closed_won")
    allowed.append("closed_lost")
    return allowed


def check_transition(current: str, new: str) -> None:
    if new == current or new in next_stages(current):
        return
    allowed = ", ".join(next_stages(current)) or "none (closed is final)"
    raise ApiError(
        409,
        "illegal_transition",
        f"stage: cannot move from {current} to {new}; allowed: {allowed}",
        field="stage",
    )


def apply_patch(row: Opportunity, changes: dict[str, Any], now: datetime) -> None:
    """Apply a PATCH under the stage rules."""
    reject_nulls(changes, ("name", "stage", "currency", "lines"))
    new_stage = changes.get("stage", row.stage)
    check_transition(row.stage, new_stage)
    if row.stage in CLOSED_STAGES:
        allowed = {"stage", "order_ref"} if row.stage == "closed_won" else {"stage"}
        if set(changes) - allowed:
            raise ApiError(
                409, "closed", f"opportunity {row.id} is {row.stage}; it can no longer change"
            )
    lines = stored_lines(changes["lines"]) if "lines" in changes else row.lines
    if new_stage == "closed_won" and not lines:
        raise ApiError(
            422,
            "required_for_closed_won",
            "lines: a won opportunity carries the order to place (at least one line)",
            field="lines",
        )
    if changes.get("order_ref") is not None and new_stage != "closed_won":
        raise ApiError(
            422, "invalid", "orderRef: only a closed_won opportunity has an order", field="orderRef"
        )
    for name, value in changes.items():
        if name == "lines":
            row.lines = lines
        elif name == "close_date":
            row.close_date = value.isoformat() if value is not None else None
        elif name != "stage":
            setattr(row, name, value)
    if new_stage != row.stage:
        row.stage = new_stage
        row.stage_changed_at = now
    touch(row, now)
