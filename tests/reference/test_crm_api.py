"""Reference CRM through its public HTTP API: auth, paging, tombstones, ETags, idempotency."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from reference.crm import CrmSettings, create_app
from reference.crm.config import Client
from reference.crm.seed import seed
from reference.kit.server import ServedApp, serve
from reference.seed.world import World

HUB = ("hub", "hub-test-secret")
READER = ("reader", "reader-test-secret")
SETTINGS = CrmSettings(
    clients=(
        Client(*HUB),
        Client(*READER, scopes=frozenset({"crm.read"})),
    )
)


def get_token(base: str, creds: tuple[str, str] = HUB, scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = requests.post(f"{base}/oauth/token", data=data, auth=creds, timeout=10)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=42, size="demo")


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory, world: World) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('crm') / 'crm.db'}"
    seed(url, world)
    served = serve(create_app(url, SETTINGS), name="crm")
    yield served.base_url
    served.stop()


@pytest.fixture(scope="module")
def api(crm: str) -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {get_token(crm)}"
    yield session
    session.close()


def new_account(api: requests.Session, crm: str, **fields: Any) -> dict[str, Any]:
    body = {"accountName": f"Test {uuid.uuid4().hex[:8]}", **fields}
    response = api.post(f"{crm}/accounts", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def read_all(
    api: requests.Session, url: str, **params: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """Every item of a listing, following next_cursor; also the resume cursor at the end."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = dict(params)
    while True:
        response = api.get(url, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items, page["resume_cursor"]
        query = {"cursor": page["next_cursor"]}


# --- auth -----------------------------------------------------------------------------


def test_health_is_open_but_data_needs_a_bearer_token(crm: str) -> None:
    assert requests.get(f"{crm}/health", timeout=10).json()["status"] == "ok"
    response = requests.get(f"{crm}/accounts", timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthorized"


def test_token_endpoint_accepts_basic_or_form_credentials(crm: str) -> None:
    by_basic = requests.post(
        f"{crm}/oauth/token", data={"grant_type": "client_credentials"}, auth=HUB, timeout=10
    )
    by_form = requests.post(
        f"{crm}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": HUB[0], "client_secret": HUB[1]},
        timeout=10,
    )
    for response in (by_basic, by_form):
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 300
        assert set(body["scope"].split()) == {"crm.read", "crm.write"}
    assert by_basic.json()["access_token"] != by_form.json()["access_token"]


def test_token_endpoint_rejects_bad_clients_and_grants(crm: str) -> None:
    wrong = requests.post(
        f"{crm}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(HUB[0], "not-the-secret"),
        timeout=10,
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert "not-the-secret" not in wrong.text
    grant = requests.post(
        f"{crm}/oauth/token", data={"grant_type": "password"}, auth=HUB, timeout=10
    )
    assert grant.status_code == 400
    assert grant.json()["error"] == "unsupported_grant_type"
    scope = requests.post(
        f"{crm}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "crm.write"},
        auth=READER,
        timeout=10,
    )
    assert scope.status_code == 400
    assert scope.json()["error"] == "invalid_scope"


def test_unknown_bearer_token_is_401(crm: str) -> None:
    response = requests.get(
        f"{crm}/accounts", headers={"Authorization": "Bearer made-up-token"}, timeout=10
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize(
    ("creds", "scope"), [(READER, None), (HUB, "crm.read")], ids=["read-only-client", "scope"]
)
def test_writing_without_the_write_scope_is_403(
    crm: str, creds: tuple[str, str], scope: str | None
) -> None:
    headers = {"Authorization": f"Bearer {get_token(crm, creds, scope)}"}
    assert requests.get(f"{crm}/accounts", headers=headers, timeout=10).status_code == 200
    response = requests.post(
        f"{crm}/accounts", json={"accountName": "Nope"}, headers=headers, timeout=10
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_tokens_expire_after_their_lifetime(tmp_path: Path) -> None:
    settings = CrmSettings(token_lifetime=2, clients=(Client(*HUB),))
    served: ServedApp = serve(create_app(f"sqlite:///{tmp_path / 'crm.db'}", settings), name="crm")
    try:
        response = requests.post(
            f"{served.base_url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=HUB,
            timeout=10,
        )
        assert response.json()["expires_in"] == 2
        headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        url = f"{served.base_url}/accounts"
        assert requests.get(url, headers=headers, timeout=10).status_code == 200
        time.sleep(2.2)
        expired = requests.get(url, headers=headers, timeout=10)
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "invalid_token"
    finally:
        served.stop()


# --- seeded data ------------------------------------------------------------------------


def test_seed_loads_every_crm_customer_with_its_dirt(
    crm: str, api: requests.Session, world: World
) -> None:
    accounts, _ = read_all(api, f"{crm}/accounts", limit=50)
    by_tax = {a["taxNumber"]: a for a in accounts if a["taxNumber"]}
    expected = [c for c in world.customers() if c.in_crm]
    assert expected
    for customer in expected:
        account = by_tax[customer.tax_id]
        assert account["accountName"] == customer.legal_name
        assert account["email"] == customer.crm_email
        assert account["billingAddress"]["country"] == customer.crm_country
        assert account["creditLimit"] == f"{customer.credit_limit:.2f}"
        assert account["externalIds"] == ({"erp": customer.number} if customer.linked else {})
        assert account["accountId"].startswith("acc_")
    not_in_crm = {c.tax_id for c in world.customers() if not c.in_crm}
    assert not_in_crm.isdisjoint(by_tax)
    first = expected[0]
    account_id = by_tax[first.tax_id]["accountId"]
    contacts, _ = read_all(api, f"{crm}/contacts", accountId=account_id)
    assert [c["primary"] for c in contacts] == [True]


# --- paging -----------------------------------------------------------------------------


def test_cursor_paging_reads_each_account_once_while_others_insert(
    crm: str, api: requests.Session
) -> None:
    before, _ = read_all(api, f"{crm}/accounts", limit=200)
    inserted: list[str] = []
    errors: list[str] = []
    stop = threading.Event()

    def insert() -> None:
        writer = requests.Session()
        writer.headers["Authorization"] = api.headers["Authorization"]
        for n in range(40):
            if stop.is_set():
                return
            response = writer.post(f"{crm}/accounts", json={"accountName": f"Concurrent {n}"})
            if response.status_code != 201:
                errors.append(response.text)
                return
            inserted.append(response.json()["accountId"])

    thread = threading.Thread(target=insert)
    thread.start()
    seen: list[str] = []
    try:
        query: dict[str, Any] = {"limit": 9}
        while True:
            page = api.get(f"{crm}/accounts", params=query).json()
            seen.extend(item["accountId"] for item in page["items"])
            if page["next_cursor"] is None:
                break
            query = {"cursor": page["next_cursor"]}
    finally:
        thread.join(30)
        stop.set()
    assert not errors
    # Whatever committed after the last page shows up when the reader resumes.
    rest, _ = read_all(api, f"{crm}/accounts", cursor=page["resume_cursor"])
    seen.extend(item["accountId"] for item in rest)
    assert len(seen) == len(set(seen)), "an account was returned twice"
    assert set(seen) == {a["accountId"] for a in before} | set(inserted)
    assert len(inserted) == 40


def test_listing_is_ordered_by_last_modified_then_id(crm: str, api: requests.Session) -> None:
    items, _ = read_all(api, f"{crm}/accounts", limit=37)
    keys = [(datetime.fromisoformat(a["lastModified"]), a["accountId"]) for a in items]
    assert keys == sorted(keys)
    assert all(a["lastModified"].endswith("+00:00") for a in items)


def test_updated_since_is_an_inclusive_lower_bound(crm: str, api: requests.Session) -> None:
    account = new_account(api, crm)
    since = datetime.fromisoformat(account["lastModified"])
    items, _ = read_all(api, f"{crm}/accounts", updated_since=since.isoformat())
    assert account["accountId"] in {a["accountId"] for a in items}
    assert all(datetime.fromisoformat(a["lastModified"]) >= since for a in items)
    later = (since + timedelta(microseconds=1)).isoformat()
    after, _ = read_all(api, f"{crm}/accounts", updated_since=later)
    assert account["accountId"] not in {a["accountId"] for a in after}
    naive = api.get(f"{crm}/accounts", params={"updated_since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422
    assert naive.json()["error"]["field"] == "updated_since"


def test_a_cursor_is_opaque_but_checked(crm: str, api: requests.Session) -> None:
    bad = api.get(f"{crm}/accounts", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "cursor"
    page = api.get(f"{crm}/accounts", params={"limit": 5, "include_deleted": "false"}).json()
    mixed = api.get(
        f"{crm}/accounts", params={"cursor": page["next_cursor"], "include_deleted": "true"}
    )
    assert mixed.status_code == 422
    assert mixed.json()["error"]["code"] == "invalid_cursor"


# --- tombstones -------------------------------------------------------------------------


def test_deleted_accounts_remain_as_tombstones(crm: str, api: requests.Session) -> None:
    account = new_account(api, crm)
    account_id = account["accountId"]
    deleted = api.delete(f"{crm}/accounts/{account_id}")
    assert deleted.status_code == 200
    assert api.get(f"{crm}/accounts/{account_id}").status_code == 410
    since = account["lastModified"]

    listed, _ = read_all(api, f"{crm}/accounts")
    assert account_id not in {a["accountId"] for a in listed}
    for params in ({"include_deleted": "true"}, {"updated_since": since}):
        items, _ = read_all(api, f"{crm}/accounts", **params)
        stones = [a for a in items if a["accountId"] == account_id]
        assert len(stones) == 1
        assert set(stones[0]) == {"accountId", "deleted", "lastModified"}
        assert stones[0]["deleted"] is True
        assert stones[0]["lastModified"] > since
    quiet, _ = read_all(api, f"{crm}/accounts", updated_since=since, include_deleted="false")
    assert account_id not in {a["accountId"] for a in quiet}


# --- optimistic concurrency -------------------------------------------------------------


def test_updates_need_a_matching_if_match(crm: str, api: requests.Session) -> None:
    account = new_account(api, crm, tier="bronze")
    url = f"{crm}/accounts/{account['accountId']}"
    etag = api.get(url).headers["ETag"]

    missing = api.patch(url, json={"tier": "gold"})
    assert missing.status_code == 428
    assert missing.json()["error"]["field"] == "If-Match"

    ok = api.patch(url, json={"tier": "gold"}, headers={"If-Match": etag})
    assert ok.status_code == 200
    assert ok.json()["tier"] == "gold"
    assert ok.json()["version"] == account["version"] + 1
    assert ok.headers["ETag"] != etag

    stale = api.patch(url, json={"tier": "silver"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    stale_put = api.put(url, json={"accountName": "Replaced"}, headers={"If-Match": etag})
    assert stale_put.status_code == 412
    assert api.put(url, json={"accountName": "Replaced"}).status_code == 428
    assert api.get(url).json()["tier"] == "gold"

    replaced = api.put(
        url, json={"accountName": "Replaced"}, headers={"If-Match": ok.headers["ETag"]}
    )
    assert replaced.status_code == 200
    assert replaced.json()["accountName"] == "Replaced"
    assert replaced.json()["tier"] is None  # PUT replaces the whole account


# --- upsert by external id ----------------------------------------------------------------


def test_upsert_by_external_id_creates_then_updates(crm: str, api: requests.Session) -> None:
    number = f"C9{uuid.uuid4().int % 10**6:06d}"
    url = f"{crm}/accounts/by-external-id/erp/{number}"
    created = api.put(url, json={"accountName": "Upserted GmbH", "creditLimit": "5000.00"})
    assert created.status_code == 201
    body = created.json()
    assert body["externalIds"] == {"erp": number}
    assert created.headers["Location"] == f"/accounts/{body['accountId']}"

    updated = api.put(url, json={"accountName": "Upserted GmbH & Co", "creditLimit": "7500.00"})
    assert updated.status_code == 200
    assert updated.json()["accountId"] == body["accountId"]
    assert updated.json()["accountName"] == "Upserted GmbH & Co"
    assert updated.json()["creditLimit"] == "7500.00"
    assert updated.json()["version"] == 2
    fetched = api.get(url).json()
    assert fetched["accountId"] == body["accountId"]

    clash = api.put(url, json={"accountName": "X", "externalIds": {"erp": "C1"}})
    assert clash.status_code == 422
    assert clash.json()["error"]["field"] == "externalIds.erp"


def test_an_external_id_belongs_to_one_account(crm: str, api: requests.Session) -> None:
    number = f"C8{uuid.uuid4().int % 10**6:06d}"
    new_account(api, crm, externalIds={"erp": number})
    response = api.post(
        f"{crm}/accounts", json={"accountName": "Twin", "externalIds": {"erp": number}}
    )
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "externalIds.erp"


# --- idempotency ----------------------------------------------------------------------------


def test_idempotency_key_replays_the_first_response(crm: str, api: requests.Session) -> None:
    key = str(uuid.uuid4())
    body = {"accountName": f"Once {key[:8]}", "creditLimit": "1000.00"}
    first = api.post(f"{crm}/accounts", json=body, headers={"Idempotency-Key": key})
    again = api.post(f"{crm}/accounts", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()

    since = first.json()["createdAt"]
    items, _ = read_all(api, f"{crm}/accounts", updated_since=since)
    assert [a["accountName"] for a in items].count(body["accountName"]) == 1

    other = api.post(
        f"{crm}/accounts", json={**body, "creditLimit": "2000.00"}, headers={"Idempotency-Key": key}
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_failed_create_does_not_burn_its_idempotency_key(crm: str, api: requests.Session) -> None:
    key = str(uuid.uuid4())
    body = {"accountId": "acc_missing", "lastName": "Nobody"}
    failed = api.post(f"{crm}/contacts", json=body, headers={"Idempotency-Key": key})
    assert failed.status_code == 422
    assert failed.json()["error"]["field"] == "accountId"
    account = new_account(api, crm)
    fixed = {**body, "accountId": account["accountId"]}
    # A different body now: the key was never stored, so this is a fresh create.
    created = api.post(f"{crm}/contacts", json=fixed, headers={"Idempotency-Key": key})
    assert created.status_code == 201
    assert created.json()["contactId"].startswith("con_")


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "accountName"),
        ({"accountName": "X", "creditLimit": 100.5}, "creditLimit"),
        ({"accountName": "X", "creditLimit": "10.001"}, "creditLimit"),
        ({"accountName": "X", "email": "not-an-email"}, "email"),
        ({"accountName": "X", "colour": "red"}, "colour"),
        ({"accountName": "X", "billingAddress": {"town": "Berlin"}}, "billingAddress.town"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    crm: str, api: requests.Session, body: dict[str, Any], field: str
) -> None:
    response = api.post(f"{crm}/accounts", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_patch_may_clear_optional_fields_but_not_required_ones(
    crm: str, api: requests.Session
) -> None:
    account = new_account(api, crm, industry="retail")
    url = f"{crm}/accounts/{account['accountId']}"
    headers = {"If-Match": f'"{account["version"]}"'}
    refused = api.patch(url, json={"accountName": None}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "accountName"
    cleared = api.patch(url, json={"industry": None}, headers=headers)
    assert cleared.status_code == 200
    assert cleared.json()["industry"] is None
    assert cleared.json()["accountName"] == account["accountName"]
