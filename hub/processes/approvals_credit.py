"""Steps 2-4 of approvals: CRM credit-limit request -> OA -> ERP credit limit -> CRM."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from canonical.approval import ApprovalRequest, ApprovalStep
from canonical.types import ExternalRef
from connectors.errors import FatalError, RetriableError
from connectors.rest.client import RestClient
from hub.processes.approvals_common import (
    CREDIT_KIND,
    PROCESS_NAME,
    crm_pages,
    dead_letter,
    mapping,
    oa_record,
    to_approval,
)
from hub.processes.framework import ProcessContext, StepResult
from hub.store.process_items import advance, get_item, items_at, track_item
from hub.store.xref import canonical_id_for, system_id_for
from mappings import MappingError, Rejected

STARTED = "oa_started"
ERP_SET = "erp_limit_set"
DECIDED = "crm_decided"
UNMATCHED = "unmatched"
# The xref entity of customers (the canonical model's name, as the customer flows keep it).
CUSTOMER = "Customer"
CRM_NOTE_MAX = 255
_HANDLED = (FatalError, MappingError, ValueError, KeyError, LookupError)


def oa_business_key(request_id: str) -> str:
    """The OA businessKey of a CRM request: its id, with ``_`` (refused by the OA) as ``.``.

    CRM ids are ``clr_<hex>``, so the replacement cannot make two ids collide.
    """
    return request_id.replace("_", ".")


@dataclass(frozen=True)
class CreditItem:
    """What the state store knows about one credit-limit request (read, then released)."""

    key: str
    stage: str
    data: dict[str, Any]

    @property
    def request_id(self) -> str:
        return str(self.data["request_id"])


def _items(ctx: ProcessContext, stages: list[str]) -> list[CreditItem]:
    with ctx.sessions.begin() as session:
        return [
            CreditItem(item.item_key, item.stage, dict(item.data or {}))
            for item in items_at(session, PROCESS_NAME, stages, status=None)
            if item.item_key.startswith("credit:")
        ]


def _move(
    ctx: ProcessContext, key: str, stage: str, status: str | None = None, **data: Any
) -> None:
    with ctx.sessions.begin() as session:
        item = get_item(session, PROCESS_NAME, key)
        if item is None:  # pragma: no cover - items are tracked before they move
            raise LookupError(f"process item {key} vanished")
        advance(item, stage, status=status, **data)


# --- step 2 --------------------------------------------------------------------------------


def start_body(request: dict[str, Any], approval: ApprovalRequest, native: dict[str, Any]) -> Any:
    """The OA start request: the mapped variables, the business key and what to decide on."""
    variables = dict(native.get("variables") or {})
    details = {
        "accountId": request.get("accountId"),
        "currentLimit": request.get("currentLimit"),
        "reason": approval.title,
    }
    variables["details"] = {"value": details, "type": "Json"}
    return {"businessKey": oa_business_key(approval.callback_ref or ""), "variables": variables}


def start_credit_limit_approvals(ctx: ProcessContext) -> StepResult:
    """Start one OA ``credit_limit`` approval per pending CRM credit-limit request."""
    result = StepResult()
    crm, oa = ctx.systems.rest("crm"), ctx.systems.rest("oa")
    crm_mapping = mapping(ctx, "crm", "approval_request")
    oa_mapping = mapping(ctx, "oa", "approval_request")
    for request in crm_pages(crm, "/credit-limit-requests", {"status": "pending"}):
        request_id = str(request.get("requestId"))
        key = f"credit:{request_id}"
        with ctx.sessions.begin() as session:
            known = get_item(session, PROCESS_NAME, key)
            if known is not None and known.stage in (STARTED, ERP_SET, DECIDED, UNMATCHED):
                continue
        try:
            approval = to_approval(crm_mapping, request)
            native = oa_mapping.to_native(approval)
            if isinstance(native, Rejected):
                raise ValueError(f"{native.filter}: {native.reason}")
            response = oa.request(
                "POST",
                f"/process-definitions/{CREDIT_KIND}/start",
                entity="process_instances",
                json=start_body(request, approval, native),
            )
            instance = oa.json(response)
        except RetriableError as exc:
            result.add("retry_later")
            result.notes.append(f"{key}: {type(exc).__name__}, retried next run")
            continue
        except _HANDLED as exc:
            dead_letter(ctx, stage="start_approval", key=key, error=exc, payload=request)
            result.add("dead_letters")
            continue
        assert approval.amount is not None  # required by crm/approval_request.yaml
        data = {
            "request_id": request_id,
            "account_id": approval.subject_ref.id,
            "instance_id": instance["id"],
            "business_key": instance["businessKey"],
            "amount": str(approval.amount.amount),
            "currency": approval.amount.currency,
        }
        with ctx.sessions.begin() as session:
            item, _ = track_item(
                session, PROCESS_NAME, key, stage=STARTED, run_key=ctx.run_key, data=data
            )
            advance(item, STARTED, status="active", **data)
        result.add(
            "credit_approvals_started" if response.status_code == 201 else "credit_approvals_found"
        )
    return result


# --- step 3 --------------------------------------------------------------------------------


def _instance(oa: RestClient, item: CreditItem) -> dict[str, Any]:
    instance: dict[str, Any] = oa.json(
        oa.request(
            "GET", f"/process-instances/{item.data['instance_id']}", entity="process_instances"
        )
    )
    return instance


def await_credit_decisions(ctx: ProcessContext) -> StepResult:
    """Count the credit-limit approvals the approvers have not decided yet (``waiting``)."""
    result = StepResult()
    result.counts["waiting"] = 0
    oa = ctx.systems.rest("oa")
    for item in _items(ctx, [STARTED]):
        status = _instance(oa, item).get("status")
        result.add("waiting" if status == "ACTIVE" else "credit_decided")
    return result


# --- step 4 --------------------------------------------------------------------------------


def erp_customer_no(ctx: ProcessContext, crm: RestClient, account_id: str) -> str | None:
    """The ERP customer of a CRM account: through the xref, else the account's externalIds."""
    with ctx.sessions.begin() as session:
        canonical = canonical_id_for(session, CUSTOMER, "crm", account_id)
        if canonical is not None:
            number = system_id_for(session, CUSTOMER, canonical, "erp")
            if number:
                return number
    account = crm.json(crm.request("GET", f"/accounts/{account_id}", entity="accounts"))
    external = (account.get("externalIds") or {}).get("erp")
    return str(external) if external else None


def final_comment(approval: ApprovalRequest) -> str | None:
    """The comment of the step that ended the approval (the rejecting or the last one)."""
    decided = [s for s in approval.steps if s.decision in ("approved", "rejected")]
    rejected = [s for s in decided if s.decision == "rejected"]
    step = rejected[0] if rejected else (decided[-1] if decided else None)
    return None if step is None else step.comment


def crm_decision(item: CreditItem, approval: ApprovalRequest) -> dict[str, Any]:
    """The CRM decision body, through crm/approval_request.yaml's outbound fields."""
    if approval.status not in ("approved", "rejected"):
        raise ValueError(f"approval {approval.callback_ref} is {approval.status}, not decided")
    last = max((s.decided_at for s in approval.steps if s.decided_at), default=None)
    return ApprovalRequest(
        kind=CREDIT_KIND,
        subject_ref=ExternalRef(system="crm", id=str(item.data["account_id"])),
        amount=approval.amount,
        requester="crm",
        steps=(
            ApprovalStep(
                step_no=1,
                approver_role="finance",
                decision=approval.status,
                comment=final_comment(approval),
                decided_at=last,
            ),
        ),
        status=approval.status,
        callback_ref=item.request_id,
    ).model_dump(mode="python", exclude_none=True)


def decide_in_crm(ctx: ProcessContext, crm: RestClient, item: CreditItem, canonical: Any) -> None:
    """Post the decision to the CRM; a repeat of the same decision is not an error."""
    native = mapping(ctx, "crm", "approval_request").to_native(canonical)
    if isinstance(native, Rejected):
        raise ValueError(f"{native.filter}: {native.reason}")
    body: dict[str, Any] = {"status": native["status"]}
    note = native.get("decisionNote")
    if note:
        # The CRM keeps 255 characters of note; an approver may write 2,000 in the OA.
        body["note"] = note if len(note) <= CRM_NOTE_MAX else note[: CRM_NOTE_MAX - 1] + "\u2026"
    if native["status"] == "approved":
        body["approvedLimit"] = native["requestedLimit"]
    path = f"/credit-limit-requests/{item.request_id}"
    response = crm.request(
        "POST", f"{path}/decision", entity="credit_limit_requests", json=body, allow_status=(409,)
    )
    if response.status_code == 409:
        current = crm.json(crm.request("GET", path, entity="credit_limit_requests"))
        if current.get("status") != body["status"]:
            raise ValueError(
                f"CRM request {item.request_id} was already {current.get('status')} elsewhere"
            )


def _apply(
    ctx: ProcessContext, item: CreditItem, approval: ApprovalRequest, result: StepResult
) -> None:
    crm = ctx.systems.rest("crm")
    if approval.status == "approved" and item.stage in (STARTED, UNMATCHED):
        account_id = str(item.data["account_id"])
        customer_no = erp_customer_no(ctx, crm, account_id)
        if customer_no is None:
            reason = f"CRM account {account_id} has no ERP customer (no xref, no externalIds.erp)"
            dead_letter(ctx, stage="match_account", key=item.key, error=reason, payload=item.data)
            _move(ctx, item.key, UNMATCHED, status="failed", reason=reason)
            result.add("dead_letters")
            return
        amount = Decimal(str(item.data["amount"]))
        ctx.systems.soap("erp").call(
            "SetCreditLimit",
            {"CustomerNo": customer_no, "CreditLimit": amount, "Currency": item.data["currency"]},
            entity="credit_limits",
        )
        _move(ctx, item.key, ERP_SET, status="active", customer_no=customer_no)
        result.add("credit_limits_set")
    decide_in_crm(ctx, crm, item, crm_decision(item, approval))
    _move(ctx, item.key, DECIDED, status="done", decision=approval.status)
    result.add(f"credit_requests_{approval.status}")


def apply_credit_decisions(ctx: ProcessContext) -> StepResult:
    """Carry each decided approval to the ERP (approved) and back to the CRM request."""
    result = StepResult()
    oa = ctx.systems.rest("oa")
    oa_mapping = mapping(ctx, "oa", "approval_request")
    # Unmatched items are retried each run: the account may have been linked meanwhile (its
    # open dead letter counts the attempts).
    for item in _items(ctx, [STARTED, ERP_SET, UNMATCHED]):
        record: dict[str, Any] = dict(item.data)
        try:
            instance = _instance(oa, item)
            if instance.get("status") == "ACTIVE":
                continue
            record = oa_record(oa, instance)
            approval = to_approval(oa_mapping, record)
            _apply(ctx, item, approval, result)
        except RetriableError as exc:
            result.add("retry_later")
            result.notes.append(f"{item.key}: {type(exc).__name__}, retried next run")
        except _HANDLED as exc:
            dead_letter(ctx, stage="apply_decision", key=item.key, error=exc, payload=record)
            result.add("dead_letters")
    return result
