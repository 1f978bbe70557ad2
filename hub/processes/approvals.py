"""Process 7, approvals: OA claims -> ERP costs; CRM credit requests -> OA -> ERP -> CRM.

Steps (each idempotent; see docs/processes.md, "Approvals"):

1. ``post_expense_claims``: approved OA travel/expense instances -> one ERP cost posting
   each (PostCostPosting, idempotent by the OA instance id as ApprovalId).
2. ``start_credit_limit_approvals``: pending CRM credit-limit requests -> OA ``credit_limit``
   instances (idempotent by businessKey, derived from the CRM request id).
3. ``await_credit_decisions`` (waits): how many of those the approvers have not decided.
4. ``apply_credit_decisions``: approved -> ERP SetCreditLimit, then the CRM request approved
   (which sets the account's limit); rejected -> the CRM request rejected with the comment.
"""

from __future__ import annotations

from hub.processes.approvals_claims import post_expense_claims
from hub.processes.approvals_common import PROCESS_NAME
from hub.processes.approvals_credit import (
    apply_credit_decisions,
    await_credit_decisions,
    start_credit_limit_approvals,
)
from hub.processes.framework import Process, Step

PROCESS = Process(
    PROCESS_NAME,
    "Approvals: travel and expense claims to ERP costs; credit limits CRM -> OA -> ERP",
    (
        Step(
            "post_expense_claims",
            post_expense_claims,
            "Approved OA travel/expense claims become ERP cost postings",
        ),
        Step(
            "start_credit_limit_approvals",
            start_credit_limit_approvals,
            "Pending CRM credit-limit requests start OA credit_limit approvals",
        ),
        Step(
            "await_credit_decisions",
            await_credit_decisions,
            "Wait until the approvers decided every credit-limit approval",
            waits=True,
        ),
        Step(
            "apply_credit_decisions",
            apply_credit_decisions,
            "Decisions go to the ERP credit limit and back to the CRM request",
        ),
    ),
)

__all__ = ["PROCESS"]
