"""Process 7, approvals, end to end: the six reference systems, approver actors, run_process.

Outcomes are read back through the systems' APIs: the ERP's cost postings and credit
limits, the CRM's requests and accounts, the OA's instances and history.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from hub.processes.approvals import PROCESS
from hub.processes.approvals_credit import oa_business_key
from hub.processes.framework import ProcessContext, run_process
from hub.store import list_dead_letters
from reference.actors.approvers import ApproverTeam, approver_team

WAIT = 15.0


@pytest.fixture
def team(landscape, start_actor) -> ApproverTeam:
    """The seeded approvers with their default policies, deciding in the background."""
    actors = approver_team(landscape.url("oa"), landscape.world, interval=0.05)
    start_actor(actors)
    return actors


def get(client: Any, path: str, **params: str) -> Any:
    return client.json(client.request("GET", path, params=params or None))


def crm_accounts(ctx: ProcessContext) -> Iterator[dict[str, Any]]:
    crm = ctx.systems.rest("crm")
    params: dict[str, str] = {"limit": "200"}
    while True:
        body = get(crm, "/accounts", **params)
        yield from body["items"]
        if not body["next_cursor"]:
            return
        params = {"cursor": body["next_cursor"]}


def erp_credit(ctx: ProcessContext, customer_no: str) -> Any:
    return ctx.systems.soap("erp").call("GetCreditLimit", {"CustomerNo": customer_no})


def pending_request_accounts(ctx: ProcessContext) -> set[str]:
    crm = ctx.systems.rest("crm")
    body = get(crm, "/credit-limit-requests", status="pending", limit="1000")
    return {item["accountId"] for item in body["items"]}


def eur_accounts(ctx: ProcessContext, *, linked: bool, skip: set[str]) -> Iterator[dict[str, Any]]:
    """Active EUR accounts without a pending request, with (or without) an ERP customer."""
    busy = pending_request_accounts(ctx) | skip
    for account in crm_accounts(ctx):
        erp_no = (account.get("externalIds") or {}).get("erp")
        if account["accountId"] in busy or account.get("status") != "active":
            continue
        if account.get("currency") != "EUR" or bool(erp_no) != linked:
            continue
        if linked and erp_credit(ctx, erp_no)["Currency"] != "EUR":
            continue
        yield account


def request_limit(ctx: ProcessContext, account_id: str, limit: Decimal) -> dict[str, Any]:
    crm = ctx.systems.rest("crm")
    response = crm.request(
        "POST",
        f"/accounts/{account_id}/credit-limit-requests",
        json={"requestedLimit": str(limit), "currency": "EUR", "reason": "Framework contract"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201
    return crm.json(response)


def crm_request(ctx: ProcessContext, request_id: str) -> dict[str, Any]:
    return get(ctx.systems.rest("crm"), f"/credit-limit-requests/{request_id}")


def oa_history(ctx: ProcessContext, request_id: str) -> dict[str, Any]:
    oa = ctx.systems.rest("oa")
    key = oa_business_key(request_id)
    (instance,) = get(
        oa, "/process-instances", processDefinitionKey="credit_limit", businessKey=key
    )
    return get(oa, f"/process-instances/{instance['id']}/history")


def test_credit_limit_requests_end_approved_or_rejected(landscape, make_context, team) -> None:
    ctx = make_context("credit-1")
    finance = team.by_user("fin.okafor").policy.limit_for("credit_limit")
    accounts = eur_accounts(ctx, linked=True, skip=set())
    good, big = next(accounts), next(accounts)
    good_erp, big_erp = good["externalIds"]["erp"], big["externalIds"]["erp"]
    big_limit_before = Decimal(str(erp_credit(ctx, big_erp)["CreditLimit"]))
    wanted = Decimal(str(erp_credit(ctx, good_erp)["CreditLimit"])) + Decimal("12345.67")
    assert wanted <= finance, "the test wants an amount finance approves"
    approved = request_limit(ctx, good["accountId"], wanted)
    rejected = request_limit(ctx, big["accountId"], finance + Decimal("1000.00"))

    result = run_process(PROCESS, ctx, wait_timeout=WAIT)

    assert result.status == "succeeded", result.error
    assert Decimal(str(erp_credit(ctx, good_erp)["CreditLimit"])) == wanted
    crm = ctx.systems.rest("crm")
    assert crm_request(ctx, approved["requestId"])["status"] == "approved"
    assert Decimal(get(crm, f"/accounts/{good['accountId']}")["creditLimit"]) == wanted

    decided = crm_request(ctx, rejected["requestId"])
    assert decided["status"] == "rejected"
    (rejecting,) = [s for s in oa_history(ctx, rejected["requestId"])["steps"] if s["decision"]]
    assert rejecting["decision"] == "reject"
    assert decided["decisionNote"] == rejecting["comment"]
    assert str(finance) in decided["decisionNote"]
    assert Decimal(str(erp_credit(ctx, big_erp)["CreditLimit"])) == big_limit_before
    assert Decimal(get(crm, f"/accounts/{big['accountId']}")["creditLimit"]) != (
        finance + Decimal("1000.00")
    )

    again = run_process(PROCESS, make_context("credit-2"), wait_timeout=WAIT)
    assert again.status == "succeeded", again.error
    assert again.counts["credit_limits_set"] == 0
    assert again.counts["credit_approvals_started"] == 0
    assert Decimal(str(erp_credit(ctx, good_erp)["CreditLimit"])) == wanted


def cost_postings(ctx: ProcessContext, approval_id: str) -> list[Any]:
    erp = ctx.systems.soap("erp-procurement")
    since = datetime.now(UTC) - timedelta(days=1)
    found, token = [], None
    while True:
        payload: dict[str, Any] = {"ChangedSince": since, "MaxRecords": 1000}
        if token:
            payload["ContinuationToken"] = token
        page = erp.call("ListCostPostings", payload)
        found += [p for p in page["CostPosting"] or [] if p["ApprovalId"] == approval_id]
        token = page["ContinuationToken"]
        if not token:
            return found


def test_approved_claims_become_one_cost_posting_each(start_landscape, start_actor) -> None:
    own = start_landscape()  # its own world: no other test's run has posted claims yet
    ctx = own.context("claims-1")
    oa = ctx.systems.rest("oa")
    team = start_actor(approver_team(own.url("oa"), own.world, interval=0.05))
    team.run_once()  # the seeded claims wait for their approvers: decide them now
    claims = [
        instance
        for kind in ("travel", "expense")
        for instance in get(oa, "/process-instances", processDefinitionKey=kind, status="APPROVED")
    ]
    assert claims, "the approvers approved none of the seeded claims"

    first = run_process(PROCESS, ctx, wait_timeout=WAIT)
    second = run_process(PROCESS, own.context("claims-2"), wait_timeout=WAIT)

    assert first.status == second.status == "succeeded", (first.error, second.error)
    assert first.counts["costs_posted"] == len(claims)
    assert second.counts["costs_posted"] == 0
    for claim in claims:
        (posting,) = cost_postings(ctx, claim["id"])
        assert Decimal(str(posting["Amount"])) == Decimal(claim["variables"]["amount"]["value"])
        assert posting["ClaimType"] == claim["processDefinitionKey"].upper()


def test_unmatched_account_becomes_a_dead_letter(landscape, make_context, team) -> None:
    ctx = make_context("unmatched-1")
    account = next(eur_accounts(ctx, linked=False, skip=set()))
    request = request_limit(ctx, account["accountId"], Decimal("20000.00"))

    result = run_process(PROCESS, ctx, wait_timeout=WAIT)

    again = run_process(PROCESS, make_context("unmatched-2"), wait_timeout=WAIT)

    assert result.status == again.status == "succeeded", (result.error, again.error)
    assert result.counts["dead_letters"] >= 1
    with landscape.sessions() as session:
        letters = list_dead_letters(session, flow="approvals")
    (letter,) = [x for x in letters if x.record_key == f"credit:{request['requestId']}"]
    assert letter.stage == "match_account"
    assert account["accountId"] in letter.message
    assert letter.attempts == 2  # retried on the second run, still one open letter
    assert crm_request(ctx, request["requestId"])["status"] == "pending"
