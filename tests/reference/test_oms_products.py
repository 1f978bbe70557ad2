"""Reference OMS sellable catalogue through its HTTP API, and order lines priced from it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

KEY = {"X-API-Key": "oms-demo-key"}
READONLY = {"X-API-Key": "oms-readonly-key"}


@pytest.fixture(scope="module")
def oms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    spec = get_spec("oms")
    url = f"sqlite:///{tmp_path_factory.mktemp('oms-products') / 'oms.db'}"
    spec.seed(url, World(seed=42, size="demo"))
    served: ServedApp = serve(spec.create_app(url), name="oms", port=0)
    yield served.base_url
    served.stop()


@pytest.fixture
def api() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers.update(KEY)
        yield session


def sku() -> str:
    return f"T-{uuid.uuid4().hex[:8].upper()}"


def item(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Garden Pump 3000",
        "gtin": "4001234567006",
        "list_price_minor": 1390,
        "currency": "EUR",
    }
    body.update(fields)
    return body


def order(lines: list[dict[str, Any]], currency: str = "EUR") -> dict[str, Any]:
    return {
        "channel": "WEB",
        "channel_order_ref": f"T-{uuid.uuid4().hex[:10]}",
        "customer_ref": "C999001",
        "currency": currency,
        "ship_to": {"city": "Berlin", "country": "DE"},
        "lines": lines,
    }


def test_the_seeded_catalogue_is_empty_and_needs_a_key(oms: str, api: requests.Session):
    assert requests.get(f"{oms}/products", timeout=10).status_code == 401
    response = requests.get(f"{oms}/products", headers=READONLY, timeout=10)
    assert response.status_code == 200
    assert [p for p in response.json() if not p["item_sku"].startswith("T-")] == []
    write = requests.put(f"{oms}/products/{sku()}", json=item(), headers=READONLY, timeout=10)
    assert write.status_code == 403


def test_put_creates_replaces_and_leaves_an_identical_item_untouched(
    oms: str, api: requests.Session
):
    code = sku()
    created = api.put(f"{oms}/products/{code}", json=item())
    assert created.status_code == 201, created.text
    first = created.json()
    assert (first["item_sku"], first["list_price_minor"], first["currency"]) == (code, 1390, "EUR")
    assert (first["active"], first["version"], first["changed"]) == (True, 1, True)

    same = api.put(f"{oms}/products/{code}", json=item())
    assert same.status_code == 200
    assert (same.json()["changed"], same.json()["updated_at"]) == (False, first["updated_at"])

    repriced = api.put(f"{oms}/products/{code}", json=item(list_price_minor=1499))
    body = repriced.json()
    assert (repriced.status_code, body["changed"], body["version"]) == (200, True, 2)
    assert body["updated_at"] > first["updated_at"]
    read = api.get(f"{oms}/products/{code}").json()
    assert (read["list_price_minor"], read["version"]) == (1499, 2)
    assert api.get(f"{oms}/products/{sku()}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (item(currency=None), "currency"),
        (item(list_price_minor=None), "list_price_minor"),
        (item(list_price_minor=-1), "list_price_minor"),
        (item(list_price_minor=13.9), "list_price_minor"),
        (item(currency="eur"), "currency"),
        (item(gtin="4001234567007"), "gtin"),
        (item(name=""), "name"),
        (item(item_sku="X"), "item_sku"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    oms: str, api: requests.Session, body: dict[str, Any], field: str
):
    response = api.put(f"{oms}/products/{sku()}", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_lists_page_by_link_header_and_filter_by_updated_since(oms: str, api: requests.Session):
    codes = [sku() for _ in range(5)]
    made = [api.put(f"{oms}/products/{code}", json=item()).json() for code in codes]
    since = made[0]["updated_at"]
    seen: list[str] = []
    url: str | None = f"{oms}/products?limit=2&updated_since={requests.utils.quote(since)}"
    while url:
        response = api.get(url)
        assert response.status_code == 200
        assert response.headers["X-Total-Count"] == "5"
        seen += [p["item_sku"] for p in response.json()]
        url = response.links.get("next", {}).get("url")
    assert seen == codes

    api.put(f"{oms}/products/{codes[1]}", json=item(active=False))
    changed = api.get(f"{oms}/products", params={"updated_since": made[-1]["updated_at"]}).json()
    assert [p["item_sku"] for p in changed] == [codes[-1], codes[1]]
    naive = api.get(f"{oms}/products", params={"updated_since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422


def test_an_order_line_without_a_price_takes_the_list_price(oms: str, api: requests.Session):
    code = sku()
    api.put(f"{oms}/products/{code}", json=item(list_price_minor=2450))
    lines = [{"item_sku": code, "qty": 2}, {"item_sku": code, "qty": 1, "unit_price_minor": 2000}]
    response = api.post(f"{oms}/orders", json=order(lines))
    assert response.status_code == 201, response.text
    got = [
        (line["unit_price_minor"], line["line_total_minor"]) for line in response.json()["lines"]
    ]
    assert got == [(2450, 4900), (2000, 2000)]
    assert response.json()["total_minor"] == 6900


@pytest.mark.parametrize("case", ["unknown", "other_currency", "inactive", "unpriced"])
def test_a_line_without_a_price_needs_a_sellable_catalogue_price(
    oms: str, api: requests.Session, case: str
):
    code = sku()
    if case == "inactive":
        api.put(f"{oms}/products/{code}", json=item(active=False))
    elif case == "unpriced":
        api.put(f"{oms}/products/{code}", json=item(list_price_minor=None, currency=None))
    elif case == "other_currency":
        api.put(f"{oms}/products/{code}", json=item())
    currency = "GBP" if case == "other_currency" else "EUR"
    lines = [
        {"item_sku": "PRICED", "qty": 1, "unit_price_minor": 100},
        {"item_sku": code, "qty": 1},
    ]
    response = api.post(f"{oms}/orders", json=order(lines, currency))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "lines.1.unit_price_minor"
