"""Step 1 of approvals: approved OA travel and expense claims -> ERP cost postings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from canonical.approval import ApprovalRequest
from connectors.errors import FatalError, RetriableError
from hub.processes.approvals_common import (
    CLAIM_KINDS,
    PROCESS_NAME,
    dead_letter,
    mapping,
    oa_instances,
    oa_record,
    to_approval,
)
from hub.processes.framework import ProcessContext, StepResult
from hub.store.process_items import advance, get_item, track_item
from mappings import MappingError

POSTED = "posted"


@dataclass(frozen=True)
class CostAccount:
    """Where a claim kind is booked in the ERP."""

    claim_type: str  # the ERP's ClaimType
    cost_center: str
    gl_account: str  # an expense account, 400000-699999


# Claims are booked on the shared-services cost centers by kind; override per deployment
# with ctx.options["approvals.cost_accounts"] = {"travel": CostAccount(...), ...}.
COST_ACCOUNTS: dict[str, CostAccount] = {
    "travel": CostAccount("TRAVEL", "CC4100", "640000"),  # travel expenses
    "expense": CostAccount("EXPENSE", "CC4200", "670000"),  # other employee expenses
}


def cost_accounts(ctx: ProcessContext) -> Mapping[str, CostAccount]:
    override: Mapping[str, CostAccount] = ctx.options.get("approvals.cost_accounts", {})
    return {**COST_ACCOUNTS, **override}


def claim_record(record: dict[str, Any]) -> dict[str, Any]:
    """The OA record (instance with history) to map; a claim is its own subject.

    The OA mapping requires ``subjectRef`` ("<system>:<id>" of what is approved), which a
    claim an employee filed in the OA does not carry: it becomes ``oa:<instance id>``.
    """
    variables = dict(record.get("variables") or {})
    variables.setdefault("subjectRef", {"value": f"oa:{record['id']}", "type": "String"})
    return {**record, "variables": variables}


def posting_for(instance_id: str, claim: ApprovalRequest, account: CostAccount) -> dict[str, Any]:
    """The PostCostPosting payload of an approved claim; ApprovalId makes it idempotent."""
    if claim.amount is None:
        raise ValueError("an approved claim without an amount cannot be posted")
    decided = [step.decided_at for step in claim.steps if step.decided_at is not None]
    posting: dict[str, Any] = {
        "ApprovalId": instance_id,
        "ClaimType": account.claim_type,
        "CostCenter": account.cost_center,
        "GLAccount": account.gl_account,
        "Amount": claim.amount.amount,
        "Currency": claim.amount.currency,
        "Employee": claim.requester[:40],
        "Text": f"{claim.kind} claim {claim.callback_ref or instance_id}"[:120],
    }
    if decided:
        # Booked on the day of the final approval, so a re-post sends the same date.
        posting["PostingDate"] = max(decided).date()
    return posting


def post_expense_claims(ctx: ProcessContext) -> StepResult:
    """Post every approved, not yet posted travel/expense claim as one ERP cost posting."""
    result = StepResult()
    oa = ctx.systems.rest("oa")
    erp = ctx.systems.soap("erp-procurement")
    oa_mapping = mapping(ctx, "oa", "approval_request")
    accounts = cost_accounts(ctx)
    for kind in CLAIM_KINDS:
        for instance in oa_instances(oa, processDefinitionKey=kind, status="APPROVED"):
            instance_id = str(instance["id"])
            key = f"claim:{instance_id}"
            with ctx.sessions.begin() as session:
                known = get_item(session, PROCESS_NAME, key)
                if known is not None and known.stage == POSTED:
                    continue
            record: dict[str, Any] = dict(instance)
            try:
                record = claim_record(oa_record(oa, instance))
                claim = to_approval(oa_mapping, record)
                posting = posting_for(instance_id, claim, accounts[kind])
                answer = erp.call("PostCostPosting", posting, entity="cost_postings")
            except RetriableError as exc:
                result.add("retry_later")
                result.notes.append(f"{key}: {type(exc).__name__}, retried next run")
                continue
            except (FatalError, MappingError, ValueError, KeyError) as exc:
                dead_letter(ctx, stage="post_cost", key=key, error=exc, payload=record)
                result.add("dead_letters")
                continue
            document_no = str(answer["CostPosting"]["DocumentNo"])
            with ctx.sessions.begin() as session:
                item, _ = track_item(
                    session, PROCESS_NAME, key, stage="approved", run_key=ctx.run_key
                )
                advance(
                    item,
                    POSTED,
                    status="done",
                    kind=kind,
                    business_key=instance.get("businessKey"),
                    document_no=document_no,
                    amount=str(posting["Amount"]),
                    currency=posting["Currency"],
                )
            result.add("costs_posted" if answer["Created"] else "costs_found_in_erp")
    return result
