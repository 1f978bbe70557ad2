"""Reference CRM business rules over HTTP: opportunity stages, credit limits, order history."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from reference.crm import CrmSettings, create_app
from reference.crm.config import Client
from reference.crm.opportunities import next_stages
from reference.kit.server import serve

HUB = ("hub", "hub-test-secret")
LINES = [
    {"sku": "FG-1060", "quantity": 3, "price": "12.50"},
    {"sku": "MR-1120", "quantity": 2, "price": "100.00"},
]


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('crm') / 'crm.db'}"
    served = serve(create_app(url, CrmSettings(clients=(Client(*HUB),))), name="crm")
    yield served.base_url
    served.stop()


@pytest.fixture(scope="module")
def api(crm: str) -> Iterator[requests.Session]:
    token = requests.post(
        f"{crm}/oauth/token", data={"grant_type": "client_credentials"}, auth=HUB, timeout=10
    ).json()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    yield session
    session.close()


@pytest.fixture
def account(crm: str, api: requests.Session) -> dict[str, Any]:
    body = {"accountName": f"Flow {uuid.uuid4().hex[:8]}", "creditLimit": "10000.00"}
    response = api.post(f"{crm}/accounts", json={**body, "currency": "EUR"})
    assert response.status_code == 201
    created: dict[str, Any] = response.json()
    return created


def patch(api: requests.Session, url: str, body: dict[str, Any]) -> requests.Response:
    """PATCH with the current ETag, as a careful client does."""
    etag = api.get(url).headers["ETag"]
    return api.patch(url, json=body, headers={"If-Match": etag})


# --- opportunities ---------------------------------------------------------------------


def test_stage_rules_allow_one_step_forward_any_step_back_and_losing() -> None:
    assert next_stages("prospecting") == ["qualification", "closed_lost"]
    assert next_stages("proposal") == ["prospecting", "qualification", "negotiation", "closed_lost"]
    assert "closed_won" in next_stages("negotiation")
    assert next_stages("closed_won") == next_stages("closed_lost") == []


def test_opportunity_walks_the_stages_to_closed_won(
    crm: str, api: requests.Session, account: dict[str, Any]
) -> None:
    created = api.post(
        f"{crm}/opportunities", json={"accountId": account["accountId"], "name": "Big deal"}
    )
    assert created.status_code == 201
    opp = created.json()
    assert opp["stage"] == "prospecting"
    assert opp["amount"] == "0.00"
    url = f"{crm}/opportunities/{opp['opportunityId']}"

    skip = patch(api, url, {"stage": "proposal"})
    assert skip.status_code == 409
    assert skip.json()["error"] == {
        "code": "illegal_transition",
        "message": skip.json()["error"]["message"],
        "field": "stage",
    }
    for stage in ("qualification", "proposal", "negotiation"):
        moved = patch(api, url, {"stage": stage})
        assert moved.status_code == 200, moved.text
        assert moved.json()["stage"] == stage

    empty = patch(api, url, {"stage": "closed_won"})
    assert empty.status_code == 422
    assert empty.json()["error"]["field"] == "lines"

    won = patch(api, url, {"stage": "closed_won", "lines": LINES})
    assert won.status_code == 200
    assert won.json()["stage"] == "closed_won"
    assert won.json()["amount"] == "237.50"
    assert won.json()["lines"] == LINES

    listed = api.get(
        f"{crm}/opportunities", params={"stage": "closed_won", "accountId": account["accountId"]}
    ).json()["items"]
    assert [o["opportunityId"] for o in listed] == [opp["opportunityId"]]

    assert patch(api, url, {"stage": "negotiation"}).status_code == 409
    assert patch(api, url, {"name": "Renamed"}).json()["error"]["code"] == "closed"
    placed = patch(api, url, {"orderRef": "SO-900001"})
    assert placed.status_code == 200
    assert placed.json()["orderRef"] == "SO-900001"


def test_open_opportunities_may_be_lost_but_not_created_closed(
    crm: str, api: requests.Session, account: dict[str, Any]
) -> None:
    body = {"accountId": account["accountId"], "name": "Maybe", "lines": LINES}
    closed = api.post(f"{crm}/opportunities", json={**body, "stage": "closed_won"})
    assert closed.status_code == 422
    assert closed.json()["error"]["field"] == "stage"
    opp = api.post(f"{crm}/opportunities", json=body).json()
    url = f"{crm}/opportunities/{opp['opportunityId']}"
    lost = patch(api, url, {"stage": "closed_lost"})
    assert lost.status_code == 200
    assert patch(api, url, {"orderRef": "SO-1"}).status_code == 409


def test_opportunity_needs_an_existing_account(crm: str, api: requests.Session) -> None:
    response = api.post(f"{crm}/opportunities", json={"accountId": "acc_nope", "name": "Ghost"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "accountId"


# --- credit-limit requests ---------------------------------------------------------------


def test_credit_limit_request_is_approved_and_sets_the_limit(
    crm: str, api: requests.Session, account: dict[str, Any]
) -> None:
    url = f"{crm}/accounts/{account['accountId']}/credit-limit-requests"
    created = api.post(url, json={"requestedLimit": "25000.00", "reason": "Seasonal orders"})
    assert created.status_code == 201
    request = created.json()
    assert request["requestId"].startswith("clr_")
    assert (request["status"], request["currentLimit"], request["requestedLimit"]) == (
        "pending",
        "10000.00",
        "25000.00",
    )
    second = api.post(url, json={"requestedLimit": "30000.00", "reason": "More"})
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "pending_request_exists"

    pending = api.get(
        f"{crm}/credit-limit-requests",
        params={"status": "pending", "accountId": account["accountId"]},
    ).json()["items"]
    assert [r["requestId"] for r in pending] == [request["requestId"]]

    decision_url = f"{crm}/credit-limit-requests/{request['requestId']}/decision"
    decided = api.post(decision_url, json={"status": "approved", "approvedLimit": "20000.00"})
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    assert decided.json()["approvedLimit"] == "20000.00"
    assert decided.json()["decidedAt"] is not None

    after = api.get(f"{crm}/accounts/{account['accountId']}").json()
    assert after["creditLimit"] == "20000.00"
    assert after["version"] == account["version"] + 1

    again = api.post(decision_url, json={"status": "rejected"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_decided"


def test_rejected_credit_limit_request_leaves_the_limit(
    crm: str, api: requests.Session, account: dict[str, Any]
) -> None:
    url = f"{crm}/accounts/{account['accountId']}/credit-limit-requests"
    request = api.post(url, json={"requestedLimit": "99000.00", "reason": "Too much"}).json()
    decided = api.post(
        f"{crm}/credit-limit-requests/{request['requestId']}/decision",
        json={"status": "rejected", "note": "risk"},
    )
    assert decided.status_code == 200
    assert decided.json()["approvedLimit"] is None
    assert api.get(f"{crm}/accounts/{account['accountId']}").json()["creditLimit"] == "10000.00"
    # With nothing pending any more, a new request may be opened.
    assert api.post(url, json={"requestedLimit": "12000.00", "reason": "x"}).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requestedLimit": 5000, "reason": ""}, "reason"),
        ({"requestedLimit": 5000.5, "reason": "x"}, "requestedLimit"),
        ({"requestedLimit": "-1.00", "reason": "x"}, "requestedLimit"),
    ],
)
def test_credit_limit_request_input_is_validated(
    crm: str, api: requests.Session, account: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    url = f"{crm}/accounts/{account['accountId']}/credit-limit-requests"
    response = api.post(url, json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


# --- order history and tickets -------------------------------------------------------------


def test_order_history_appends_and_lists(
    crm: str, api: requests.Session, account: dict[str, Any]
) -> None:
    url = f"{crm}/accounts/{account['accountId']}/orders"
    order = {
        "orderNumber": "SO-700001",
        "orderDate": "2026-03-01T09:30:00+00:00",
        "status": "shipped",
        "currency": "EUR",
        "total": "237.50",
        "lines": LINES,
        "source": "oms",
    }
    created = api.post(url, json=order)
    assert created.status_code == 201
    assert created.json()["orderId"].startswith("ord_")
    second = api.post(url, json={**order, "orderNumber": "SO-700002", "total": "1.00"})
    assert second.status_code == 201
    listed = api.get(url).json()["items"]
    assert [o["orderNumber"] for o in listed] == ["SO-700001", "SO-700002"]
    assert listed[0]["lines"] == LINES
    duplicate = api.post(url, json=order)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["field"] == "orderNumber"
    assert api.get(f"{crm}/accounts/acc_nope/orders").status_code == 404


def test_a_closed_ticket_is_final(crm: str, api: requests.Session, account: dict[str, Any]) -> None:
    ticket = api.post(
        f"{crm}/tickets",
        json={"accountId": account["accountId"], "subject": "Broken", "status": "open"},
    ).json()
    url = f"{crm}/tickets/{ticket['ticketId']}"
    assert patch(api, url, {"status": "closed"}).status_code == 200
    reopened = patch(api, url, {"status": "open"})
    assert reopened.status_code == 409
    assert reopened.json()["error"]["code"] == "closed"
