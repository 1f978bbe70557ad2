"""Contract tests: the six shipped profiles against the six reference systems, on loopback.

Each system is seeded with the demo world and served on a free port; its profile is loaded
from connectors/profiles/ with ``HUB_<SYSTEM>_URL`` pointing at it and the demo
credentials in the ``env:`` references; then every readable entity is read to the end
through `connector_from_profile` and counted against what the system itself reports, and
every writable master-data entity takes a batch that is read back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pytest
import requests
import yaml
import zeep
from zeep.wsse.username import UsernameToken

from connectors.base import Connector, Cursor, Record
from connectors.profile import SCHEMA_PATH, Profile, load_profile
from connectors.rest import connector_from_profile
from connectors.soap import hardened_settings
from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

PROFILES = Path(__file__).resolve().parents[2] / "connectors" / "profiles"
Counter = Callable[[ServedApp, str], int]


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=42, size="demo")


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, world: World
) -> Iterator[dict[str, ServedApp]]:
    """All six systems, seeded and running; stopped when the module is done."""
    running: dict[str, ServedApp] = {}
    folder = tmp_path_factory.mktemp("reference-profiles")
    try:
        for name in ("crm", "erp", "oms", "wms", "srm", "oa"):
            spec = get_spec(name)
            url = f"sqlite:///{folder / f'{name}.db'}"
            spec.seed(url, world)
            running[name] = serve(spec.create_app(url), name=name, port=0)
        yield running
    finally:
        for app in running.values():
            app.stop()


def environ_for(served: dict[str, ServedApp]) -> dict[str, str]:
    """What the hub sets: each system's URL and its demo credentials, under HUB_ names."""
    crm, erp, oms = (get_spec(name).credentials for name in ("crm", "erp", "oms"))
    wms, srm, oa = (get_spec(name).credentials for name in ("wms", "srm", "oa"))
    environ = {f"HUB_{name.upper()}_URL": app.base_url for name, app in served.items()}
    environ |= {
        "HUB_CRM_CLIENT_ID": crm["client_id"],
        "HUB_CRM_CLIENT_SECRET": crm["client_secret"],
        "HUB_ERP_USER": erp["REF_ERP_USER"],
        "HUB_ERP_PASSWORD": erp["REF_ERP_PASSWORD"],
        "HUB_OMS_API_KEY": oms["api_key"],
        "HUB_WMS_USER": wms["user"],
        "HUB_WMS_PASSWORD": wms["password"],
        "HUB_SRM_API_KEY": srm["apikey"],
        "HUB_OA_TOKEN": oa["token"],
    }
    return environ


@pytest.fixture(scope="module")
def environ(served: dict[str, ServedApp]) -> dict[str, str]:
    return environ_for(served)


def profile(name: str, environ: dict[str, str]) -> Profile:
    return load_profile(PROFILES / f"{name}.yaml", environ=environ)


def read_all(
    connector: Connector, entity: str, since: Cursor | None = None
) -> tuple[list[Record], Cursor | None]:
    """Every record of an entity, through the connector, and the cursor after the last."""
    assert connector.source is not None
    records: list[Record] = []
    cursor = since
    for batch in connector.source.read(entity, since=since):
        records.extend(batch.records)
        cursor = batch.cursor or cursor
    return records, cursor


def ids(profile: Profile, entity: str, records: list[Record]) -> list[str]:
    field = profile.entity(entity).id_field
    return [str(record[field]) for record in records]


# --- what each system reports about its own lists, read without connector code ----------


def crm_count(app: ServedApp, path: str) -> int:
    creds = get_spec("crm").credentials
    token = requests.post(
        f"{app.base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(creds["client_id"], creds["client_secret"]),
        timeout=10,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    total, params = 0, {"limit": 1000}
    while True:
        body = requests.get(
            f"{app.base_url}{path}", params=params, headers=headers, timeout=10
        ).json()
        total += len(body["items"])
        if not body["next_cursor"]:
            return total
        params = {"cursor": body["next_cursor"]}


def oms_count(app: ServedApp, path: str) -> int:
    key = {"X-API-Key": get_spec("oms").credentials["api_key"]}
    response = requests.get(f"{app.base_url}{path}", params={"limit": 1}, headers=key, timeout=10)
    response.raise_for_status()
    total = response.headers.get("X-Total-Count")
    return int(total) if total is not None else len(response.json())


def wms_count(app: ServedApp, path: str) -> int:
    creds = get_spec("wms").credentials
    response = requests.get(
        f"{app.base_url}{path}",
        params={"page_size": 1},
        auth=(creds["user"], creds["password"]),
        timeout=10,
    )
    response.raise_for_status()
    return int(response.json()["total_items"])


def srm_count(app: ServedApp, path: str) -> int:
    params = {"limit": 1, "apikey": get_spec("srm").credentials["apikey"]}
    response = requests.get(f"{app.base_url}{path}", params=params, timeout=10)
    response.raise_for_status()
    return int(response.json()["total"])


def oa_count(app: ServedApp, path: str) -> int:
    headers = {"Authorization": f"Bearer {get_spec('oa').credentials['token']}"}
    response = requests.get(f"{app.base_url}{path}", headers=headers, timeout=10)
    response.raise_for_status()
    total = response.headers.get("X-Total-Count")
    return int(total) if total is not None else len(response.json())


def erp_counter(service: str) -> Callable[[ServedApp, str], int]:
    def count(app: ServedApp, operation: str) -> int:
        creds = get_spec("erp").credentials
        client = zeep.Client(
            f"{app.base_url}/soap/{service}?wsdl",
            wsse=UsernameToken(creds["REF_ERP_USER"], creds["REF_ERP_PASSWORD"]),
            settings=hardened_settings(),
        )
        call = getattr(client.service, operation)
        paged = "ContinuationToken" in str(client.service._binding.get(operation).input.signature())
        since = (
            {"ChangedSince": "1970-01-01T00:00:00+00:00"}
            if "ChangedSince" in str(client.service._binding.get(operation).input.signature())
            else {}
        )
        total, token = 0, None
        while True:
            extra = {"ContinuationToken": token, "MaxRecords": 1000} if paged else {}
            answer = call(**since, **extra)
            records = [value for key, value in answer.__values__.items() if isinstance(value, list)]
            total += len(records[0]) if records else 0
            token = getattr(answer, "ContinuationToken", None) if paged else None
            if not token:
                return total

    return count


READABLE: dict[str, tuple[str, Counter]] = {
    "crm": ("crm", crm_count),
    "erp": ("erp", erp_counter("sales")),
    "erp-procurement": ("erp", erp_counter("procurement")),
    "oms": ("oms", oms_count),
    "wms": ("wms", wms_count),
    "srm": ("srm", srm_count),
    "oa": ("oa", oa_count),
}


def test_every_profile_is_valid_against_the_published_schema() -> None:
    schema = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    files = sorted(PROFILES.glob("*.yaml"))
    assert {file.stem for file in files} == set(READABLE)
    for file in files:
        jsonschema.validate(yaml.safe_load(file.read_text(encoding="utf-8")), schema)


def test_urls_default_to_the_fixed_loopback_ports() -> None:
    ports = {"crm": 8101, "erp": 8102, "erp-procurement": 8102, "oms": 8103}
    ports |= {"wms": 8104, "srm": 8105, "oa": 8106}
    for name, port in ports.items():
        loaded = load_profile(PROFILES / f"{name}.yaml", environ={})
        assert loaded.base_url.startswith(f"http://127.0.0.1:{port}")


@pytest.mark.parametrize("name", sorted(READABLE))
def test_every_readable_entity_reads_to_the_end(
    name: str, served: dict[str, ServedApp], environ: dict[str, str]
) -> None:
    system, count = READABLE[name]
    loaded = profile(name, environ)
    readable = [entity for entity, spec in loaded.entities.items() if spec.readable]
    assert readable
    with connector_from_profile(loaded, environ=environ) as connector:
        for entity in readable:
            spec = loaded.entity(entity)
            records, _ = read_all(connector, entity)
            where = spec.operation if loaded.kind == "soap" else spec.path
            assert where is not None
            assert len(records) == count(served[system], where), entity
            if loaded.kind == "rest" and entity not in ("stock", "stock_summary", "inventory"):
                assert len(set(ids(loaded, entity, records))) == len(records), entity


def write_and_read_back(
    loaded: Profile,
    environ: dict[str, str],
    entity: str,
    records: list[Record],
    *,
    keys: list[str] | None = None,
) -> list[str]:
    """Write a batch; the ids written must come back in a read after the previous cursor."""
    with connector_from_profile(loaded, environ=environ) as connector:
        assert connector.sink is not None
        before, cursor = read_all(connector, entity)
        results = connector.sink.write(entity, records, idempotency_keys=keys)
        assert [result.error for result in results] == [None] * len(records)
        written = [str(result.target_id) for result in results]
        after, _ = read_all(connector, entity, since=cursor)
    seen = set(ids(loaded, entity, after))
    assert set(written) <= seen
    if loaded.entity(entity).incremental is None:
        assert len(after) >= len(before)
    return written


def tag() -> str:
    return uuid.uuid4().hex[:8].upper()


def test_crm_master_data_writes(environ: dict[str, str]) -> None:
    loaded, mark = profile("crm", environ), tag()
    accounts = [
        {"accountName": f"Profile Test {mark} {n}", "externalIds": {"erp": f"CT{mark}{n}"}}
        for n in range(3)
    ]
    written = write_and_read_back(
        loaded, environ, "accounts", accounts, keys=[f"acc-{mark}-{n}" for n in range(3)]
    )
    contacts = [{"accountId": written[n], "lastName": f"Tester{mark}{n}"} for n in range(3)]
    write_and_read_back(
        loaded, environ, "contacts", contacts, keys=[f"con-{mark}-{n}" for n in range(3)]
    )
    products = [
        {
            "productCode": f"PT-{mark}-{n}",
            "name": f"Profile product {n}",
            "externalIds": {"erp": f"PT-{mark}-{n}"},
            "priceBookEntries": [{"currency": "EUR", "unitPrice": f"{n + 1}.50"}],
        }
        for n in range(3)
    ]
    first = write_and_read_back(loaded, environ, "products", products)
    # the upsert is by ERP number: new prices for the same products update them
    for record in products:
        record["priceBookEntries"] = [{"currency": "EUR", "unitPrice": "9.90"}]
    assert write_and_read_back(loaded, environ, "products", products) == first


def test_erp_master_data_writes(environ: dict[str, str]) -> None:
    sales, mark = profile("erp", environ), tag()
    customers = [
        {
            "Name1": f"Profile {mark} {n}",
            "CountryKey": "DE",
            "Currency": "EUR",
            "PaymentTermsKey": "Z030",
        }
        for n in range(3)
    ]
    write_and_read_back(sales, environ, "customers", customers)
    items = [
        {"MaterialNo": f"PT-{mark}-{n}", "Description": f"Profile item {n}", "BaseUoM": "ST"}
        for n in range(3)
    ]
    assert write_and_read_back(sales, environ, "items", items) == [i["MaterialNo"] for i in items]
    procurement = profile("erp-procurement", environ)
    vendors = [
        {
            "Name1": f"Vendor {mark} {n}",
            "CountryKey": "DE",
            "PaymentTermsKey": "Z030",
            "ExternalRef": f"VT-{mark}-{n}",
        }
        for n in range(2)
    ]
    write_and_read_back(procurement, environ, "vendors", vendors)


def test_oms_master_data_writes(environ: dict[str, str]) -> None:
    loaded, mark = profile("oms", environ), tag()
    customers = [
        {
            "customer_ref": f"PT-{mark}-{n}",
            "name": f"Profile {n}",
            "tier": "silver",
            "country": "DE",
        }
        for n in range(3)
    ]
    write_and_read_back(loaded, environ, "customers", customers)
    with connector_from_profile(loaded, environ=environ) as connector:
        rows, _ = read_all(connector, "inventory")
    updates = [
        {
            "warehouse": row["warehouse"],
            "item_sku": row["item_sku"],
            "qty_available": row["qty_available"] + 1,
            "as_of_seq": row["as_of_seq"] + 1,
        }
        for row in rows[:3]
    ]
    write_and_read_back(loaded, environ, "inventory", updates)
    products = [
        {
            "item_sku": f"PT-{mark}-{n}",
            "name": f"Profile product {n}",
            "list_price_minor": 150 + n,
            "currency": "EUR",
        }
        for n in range(3)
    ]
    written = write_and_read_back(loaded, environ, "products", products)
    assert written == [p["item_sku"] for p in products]


def test_wms_master_data_writes(environ: dict[str, str]) -> None:
    loaded, mark = profile("wms", environ), tag()
    items = [{"item_code": f"PT-{mark}-{n}", "descr": f"Profile item {n}"} for n in range(3)]
    assert write_and_read_back(loaded, environ, "items", items) == [i["item_code"] for i in items]


def test_srm_master_data_writes(environ: dict[str, str]) -> None:
    loaded, mark = profile("srm", environ), tag()
    vendors = [
        {
            "name": f"Profile vendor {mark} {n}",
            "country": "DE",
            "currency": "EUR",
            "email": f"v{n}.{mark.lower()}@example.test",
        }
        for n in range(3)
    ]
    write_and_read_back(loaded, environ, "vendors", vendors)


def test_oa_process_start_is_idempotent_by_business_key(environ: dict[str, str]) -> None:
    loaded, mark = profile("oa", environ), tag()
    variables = {
        "amount": {"value": "250.00", "type": "String"},
        "currency": {"value": "EUR", "type": "String"},
        "requester": {"value": "hub", "type": "String"},
    }
    starts = [
        {"processDefinitionKey": "expense", "businessKey": f"PT-{mark}", "variables": variables}
    ]
    first = write_and_read_back(loaded, environ, "process_instances", starts)
    with connector_from_profile(loaded, environ=environ) as connector:
        assert connector.sink is not None
        again = connector.sink.write("process_instances", starts)
    assert [result.target_id for result in again] == first
