"""ApprovalRequest: a multi-step approval the office-automation system runs."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.scalars import Code, HubId, Identifier, Name, Text, UtcDatetime
from canonical.types import ExternalRef, Money

ApprovalKind = Literal["purchase", "travel", "expense", "credit_limit", "invoice_exception"]
ApprovalRequestStatus = Literal["pending", "approved", "rejected", "cancelled"]
Decision = Literal["pending", "approved", "rejected", "skipped"]


class ApprovalStep(CanonicalModel):
    """One approver's step; a decided step carries when it was decided."""

    step_no: int = Field(ge=1)
    approver_role: Code
    approver: Identifier | None = None
    decision: Decision = "pending"
    comment: Text | None = None
    decided_at: UtcDatetime | None = None

    @model_validator(mode="after")
    def _decided_at(self) -> Self:
        if (self.decision == "pending") != (self.decided_at is None):
            raise invariant_error(
                "decided_at_mismatch",
                "decided_at",
                "set exactly when the decision is not pending",
            )
        return self


class ApprovalRequest(CanonicalModel):
    """A request for approval of something another system holds (``subject_ref``)."""

    hub_id: HubId | None = None
    kind: ApprovalKind
    subject_ref: ExternalRef
    title: Name | None = None
    amount: Money | None = None
    requester: Identifier
    steps: tuple[ApprovalStep, ...] = Field(min_length=1)
    status: ApprovalRequestStatus = "pending"
    callback_ref: Identifier | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _status_matches_steps(self) -> Self:
        decisions = [step.decision for step in self.steps]
        if self.status == "approved" and any(d in ("pending", "rejected") for d in decisions):
            raise invariant_error(
                "status_mismatch", "status", "approved needs every step approved or skipped"
            )
        if self.status == "rejected" and "rejected" not in decisions:
            raise invariant_error("status_mismatch", "status", "rejected needs a rejected step")
        if self.status == "pending" and "rejected" in decisions:
            raise invariant_error(
                "status_mismatch", "status", "a rejected step ends the request; not pending"
            )
        numbers = [step.step_no for step in self.steps]
        if len(set(numbers)) != len(numbers):
            raise invariant_error("duplicate_step_no", "steps", "step_no values repeat")
        return self
