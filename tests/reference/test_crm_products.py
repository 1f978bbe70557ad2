"""Reference CRM product catalogue through its HTTP API: price books, upsert, paging, rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from reference.crm import CrmSettings, create_app
from reference.crm.config import Client
from reference.crm.seed import seed
from reference.kit.server import serve
from reference.seed.world import World

HUB = ("hub", "hub-test-secret")
READER = ("reader", "reader-test-secret")
SETTINGS = CrmSettings(
    clients=(Client(*HUB), Client(*READER, scopes=frozenset({"crm.read"}))),
)


def token(base: str, creds: tuple[str, str]) -> str:
    response = requests.post(
        f"{base}/oauth/token", data={"grant_type": "client_credentials"}, auth=creds, timeout=10
    )
    assert response.status_code == 200, response.text
    value: str = response.json()["access_token"]
    return value


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('crm-products') / 'crm.db'}"
    seed(url, World(seed=42, size="demo"))
    served = serve(create_app(url, SETTINGS), name="crm")
    yield served.base_url
    served.stop()


@pytest.fixture(scope="module")
def api(crm: str) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token(crm, HUB)}"
        yield session


def code() -> str:
    return f"T-{uuid.uuid4().hex[:8].upper()}"


def product(sku: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "productCode": sku,
        "name": f"Test product {sku}",
        "family": "TOOLS",
        "gtin": "4001234567006",
        "unitOfMeasure": "EA",
        "priceBookEntries": [
            {"priceBook": "standard", "currency": "EUR", "unitPrice": "13.90"},
            {"priceBook": "standard", "currency": "GBP", "unitPrice": "11.82"},
        ],
    }
    body.update(fields)
    return body


def upsert(api: requests.Session, crm: str, sku: str, body: dict[str, Any]) -> requests.Response:
    return api.put(f"{crm}/products/by-external-id/erp/{sku}", json=body)


def read_all(api: requests.Session, url: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = dict(params)
    while True:
        response = api.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        if body["next_cursor"] is None:
            return items
        query = {"cursor": body["next_cursor"]}


def test_the_seeded_catalogue_is_empty_and_needs_a_token(crm: str, api: requests.Session):
    assert requests.get(f"{crm}/products", timeout=10).status_code == 401
    answer = api.get(f"{crm}/products", params={"limit": 1000}).json()
    # the hub fills the catalogue from the ERP; the seed brings none
    assert [p for p in answer["items"] if not p["productCode"].startswith("T-")] == []


def test_a_reader_may_list_but_not_write(crm: str):
    headers = {"Authorization": f"Bearer {token(crm, READER)}"}
    assert requests.get(f"{crm}/products", headers=headers, timeout=10).status_code == 200
    sku = code()
    response = requests.put(
        f"{crm}/products/by-external-id/erp/{sku}", json=product(sku), headers=headers, timeout=10
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_upsert_by_external_id_creates_then_replaces_and_keeps_entry_ids(
    crm: str, api: requests.Session
):
    sku = code()
    created = upsert(api, crm, sku, product(sku))
    assert created.status_code == 201, created.text
    first = created.json()
    assert first["productId"].startswith("prd_")
    assert created.headers["Location"] == f"/products/{first['productId']}"
    assert created.headers["ETag"] == '"1"'
    assert first["externalIds"] == {"erp": sku}
    assert first["isActive"] is True
    prices = {(e["priceBook"], e["currency"]): e for e in first["priceBookEntries"]}
    assert prices[("standard", "EUR")]["unitPrice"] == "13.90"
    assert all(e["entryId"].startswith("pbe_") for e in prices.values())

    changed = product(sku)
    changed["priceBookEntries"][0]["unitPrice"] = "15.00"
    second = upsert(api, crm, sku, changed)
    assert second.status_code == 200
    after = second.json()
    assert (after["productId"], after["version"]) == (first["productId"], 2)
    new_prices = {(e["priceBook"], e["currency"]): e for e in after["priceBookEntries"]}
    assert new_prices[("standard", "EUR")]["unitPrice"] == "15.00"
    assert {k: e["entryId"] for k, e in new_prices.items()} == {
        k: e["entryId"] for k, e in prices.items()
    }
    read = api.get(f"{crm}/products/{first['productId']}").json()
    assert read == after


def test_an_identical_upsert_changes_nothing(crm: str, api: requests.Session):
    sku = code()
    first = upsert(api, crm, sku, product(sku)).json()
    again = upsert(api, crm, sku, product(sku))
    assert again.status_code == 200
    assert (again.json()["version"], again.json()["lastModified"]) == (
        first["version"],
        first["lastModified"],
    )


def test_dropping_an_entry_removes_that_price(crm: str, api: requests.Session):
    sku = code()
    upsert(api, crm, sku, product(sku))
    only_eur = product(sku, priceBookEntries=[{"currency": "EUR", "unitPrice": "9.99"}])
    after = upsert(api, crm, sku, only_eur).json()
    assert [(e["priceBook"], e["currency"], e["unitPrice"]) for e in after["priceBookEntries"]] == [
        ("standard", "EUR", "9.99")
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"priceBookEntries": [{"currency": "EUR", "unitPrice": 13.9}]},
            "priceBookEntries.0.unitPrice",
        ),
        (
            {"priceBookEntries": [{"currency": "EUR", "unitPrice": "-1.00"}]},
            "priceBookEntries.0.unitPrice",
        ),
        (
            {"priceBookEntries": [{"currency": "eur", "unitPrice": "1.00"}]},
            "priceBookEntries.0.currency",
        ),
        ({"gtin": "4001234567007"}, "gtin"),
        ({"name": ""}, "name"),
        ({"lastModified": "2026-01-01T00:00:00+00:00"}, "lastModified"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    crm: str, api: requests.Session, change: dict[str, Any], field: str
):
    sku = code()
    response = upsert(api, crm, sku, product(sku, **change))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_price_book_rules(crm: str, api: requests.Session):
    sku = code()
    twice = [{"currency": "EUR", "unitPrice": "1.00"}, {"currency": "EUR", "unitPrice": "2.00"}]
    response = upsert(api, crm, sku, product(sku, priceBookEntries=twice))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "priceBookEntries.1.currency"

    custom_only = [{"priceBook": "PL02", "currency": "USD", "unitPrice": "5.00"}]
    response = upsert(api, crm, sku, product(sku, priceBookEntries=custom_only))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "standard_price_required"

    with_standard = [*custom_only, {"currency": "USD", "unitPrice": "6.00"}]
    assert upsert(api, crm, sku, product(sku, priceBookEntries=with_standard)).status_code == 201


def test_codes_and_external_ids_belong_to_one_product(crm: str, api: requests.Session):
    sku = code()
    upsert(api, crm, sku, product(sku))
    other = upsert(api, crm, code(), product(sku))
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "duplicate_product_code"
    contradicting = upsert(api, crm, sku, product(sku, externalIds={"erp": "ELSEWHERE"}))
    assert contradicting.status_code == 422
    assert contradicting.json()["error"]["field"] == "externalIds.erp"


def test_replace_by_id_needs_if_match(crm: str, api: requests.Session):
    sku = code()
    created = upsert(api, crm, sku, product(sku)).json()
    url = f"{crm}/products/{created['productId']}"
    body = product(sku, name="Renamed", externalIds={"erp": sku})
    assert api.put(url, json=body).status_code == 428
    assert api.put(url, json=body, headers={"If-Match": '"7"'}).status_code == 412
    response = api.put(url, json=body, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert (response.json()["name"], response.headers["ETag"]) == ("Renamed", '"2"')


def test_lists_page_by_cursor_and_updated_since_sees_changes_and_deletions(
    crm: str, api: requests.Session
):
    skus = [code() for _ in range(5)]
    made = [upsert(api, crm, sku, product(sku)).json() for sku in skus]
    since = made[0]["lastModified"]
    listed = read_all(api, f"{crm}/products", updated_since=since, limit=2)
    assert [p["productCode"] for p in listed] == skus
    order = [(p["lastModified"], p["productId"]) for p in listed]
    assert order == sorted(order)

    first = api.get(f"{crm}/products", params={"updated_since": since, "limit": 5}).json()
    resume = first["resume_cursor"]
    changed = product(skus[1], isActive=False)
    upsert(api, crm, skus[1], changed)
    gone = api.delete(f"{crm}/products/{made[2]['productId']}")
    assert gone.status_code == 200
    later = api.get(f"{crm}/products", params={"cursor": resume}).json()["items"]
    assert [(p["productId"], p.get("isActive"), p.get("deleted")) for p in later] == [
        (made[1]["productId"], False, None),
        (made[2]["productId"], None, True),
    ]
    assert api.get(f"{crm}/products/{made[2]['productId']}").status_code == 410
    by_code = api.get(f"{crm}/products", params={"productCode": skus[3]}).json()["items"]
    assert [p["productId"] for p in by_code] == [made[3]["productId"]]

    revived = upsert(api, crm, skus[2], product(skus[2]))
    assert (revived.status_code, revived.json()["productId"]) == (200, made[2]["productId"])


def test_create_with_idempotency_key_replays(crm: str, api: requests.Session):
    sku = code()
    key = {"Idempotency-Key": f"prd-{sku}"}
    first = api.post(f"{crm}/products", json=product(sku), headers=key)
    again = api.post(f"{crm}/products", json=product(sku), headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["productId"] == first.json()["productId"]
