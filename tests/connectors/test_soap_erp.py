"""Contract tests of the SOAP connector against the reference ERP, on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
import zeep
from zeep.wsse.username import UsernameToken

from connectors.base import Connector
from connectors.errors import AuthError, ClientError, FatalError, RetriableError
from connectors.profile import parse_profile
from connectors.soap import (
    SoapAuthFault,
    SoapClientFault,
    WsdlCache,
    hardened_settings,
    load_soap_profile,
    soap_connector,
)
from reference.erp import SPEC
from reference.kit.server import ServedApp, serve
from reference.seed.world import World

USER, PASSWORD = "hub", "erp-demo-secret"
PAGE = 40
BATCH = 50


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=42, size="demo")


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory, world: World) -> Iterator[ServedApp]:
    url = f"sqlite:///{tmp_path_factory.mktemp('soap-erp') / 'erp.db'}"
    SPEC.seed(url, world)
    served = serve(SPEC.create_app(url), name="erp", port=0)
    yield served
    served.stop()


def erp_document(base_url: str, **auth: Any) -> dict[str, Any]:
    """A SOAP profile document for the ERP's sales service, with its soap: options."""
    return {
        "name": "erp",
        "kind": "soap",
        "base_url": f"{base_url}/soap/sales",
        "wsdl": f"{base_url}/soap/sales?wsdl",
        "timeouts": {"connect": 2, "read": 10},
        "retry": {"max_attempts": 2, "backoff_base": 0.01, "backoff_cap": 0.05},
        "auth": {
            "kind": "ws_security_username_token",
            "username": USER,
            "password": "env:ERP_PASSWORD",
            "password_type": "digest",
        }
        | auth,
        "entities": {
            "customers": {
                "operation": "GetCustomersChangedSince",
                "records_path": "Customer",
                "id_field": "CustomerNo",
                "incremental": {"param": "ChangedSince", "cursor_field": "ChangedAt"},
                "batch_size": BATCH,
                "write": {
                    "mode": "batch",
                    "batch_size": 500,
                    "body_path": "Customer",
                    "results_path": "Result",
                    "id_path": "Key",
                },
            },
            "credit_limits": {
                "operation": "GetCreditLimit",
                "records_path": "$",
                "id_field": "CustomerNo",
                "write": {"mode": "single"},
            },
        },
        "soap": {
            "service": "SalesService",
            "port": "SalesPort",
            "entities": {
                "customers": {"write_operation": "UpsertCustomers", "page_size": PAGE},
                "credit_limits": {
                    "write_operation": "SetCreditLimit",
                    "token_element": None,
                    "page_size_element": None,
                },
            },
        },
    }


def connect(
    erp: ServedApp, password: str = PASSWORD, *, cache: WsdlCache | None = None, **kw: Any
) -> Connector:
    document = erp_document(erp.base_url, **kw)
    soap = document.pop("soap")
    return soap_connector(
        parse_profile(document),
        soap,
        environ={"ERP_PASSWORD": password},
        cache=cache if cache is not None else WsdlCache(),
    )


@pytest.fixture(scope="module")
def erp_conn(erp: ServedApp) -> Iterator[Connector]:
    with connect(erp) as connector:
        yield connector


def direct_count(erp: ServedApp) -> int:
    """Customers changed since epoch, counted with plain zeep and no connector code."""
    client = zeep.Client(
        f"{erp.base_url}/soap/sales?wsdl",
        wsse=UsernameToken(USER, PASSWORD),
        settings=hardened_settings(),
    )
    total, token = 0, None
    while True:
        answer = client.service.GetCustomersChangedSince(
            ChangedSince="1970-01-01T00:00:00+00:00", ContinuationToken=token, MaxRecords=500
        )
        total += len(answer.Customer)
        token = answer.ContinuationToken
        if not token:
            return total


def new_customer(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "Name1": name,
        "CountryKey": "DE",
        "Currency": "EUR",
        "PaymentTermsKey": "Z030",
        **fields,
    }


def read_all(connector: Connector, since: dict[str, Any] | None = None) -> list[Any]:
    assert connector.source is not None
    return list(connector.source.read("customers", since=since))


def test_reads_every_page_of_customers_changed_since_epoch(
    erp_conn: Connector, erp: ServedApp, world: World
) -> None:
    batches = read_all(erp_conn)
    records = [record for batch in batches for record in batch.records]
    seeded = sum(1 for customer in world.customers() if customer.in_erp)
    assert len(records) == seeded == direct_count(erp)
    assert len({record["CustomerNo"] for record in records}) == len(records)
    assert len(records) > PAGE  # several pages were followed
    assert all(len(batch) <= BATCH for batch in batches)
    assert all(isinstance(record["CreditLimit"], Decimal) for record in records)
    last = records[-1]
    assert batches[-1].cursor == {
        "field": "ChangedAt",
        "value": last["ChangedAt"],
        "id": last["CustomerNo"],
    }
    assert last["ChangedAt"].endswith("+00:00")


def test_cursor_moves_with_each_batch_and_a_resumed_read_sees_nothing_twice(
    erp_conn: Connector,
) -> None:
    batches = read_all(erp_conn)
    assert batches[0].cursor is not None
    assert batches[0].cursor["id"] == batches[0].records[-1]["CustomerNo"]
    resumed = read_all(erp_conn, since=batches[0].cursor)
    first_ids = {record["CustomerNo"] for record in batches[0].records}
    later_ids = {record["CustomerNo"] for batch in resumed for record in batch.records}
    assert first_ids.isdisjoint(later_ids)
    assert len(first_ids) + len(later_ids) == sum(len(batch) for batch in batches)
    assert read_all(erp_conn, since=batches[-1].cursor) == []


def test_a_written_batch_lands_and_reads_back_incrementally(erp_conn: Connector) -> None:
    assert erp_conn.sink is not None
    cursor = read_all(erp_conn)[-1].cursor
    tag = uuid.uuid4().hex[:8]
    customers = [new_customer(f"Soap Test {tag} {n}", City="Berlin") for n in range(3)]
    results = erp_conn.sink.write("customers", customers)
    assert [result.ok for result in results] == [True, True, True]
    keys = [result.target_id for result in results]
    assert all(key and key.startswith("C") for key in keys)
    changed = [record for batch in read_all(erp_conn, since=cursor) for record in batch.records]
    assert {record["CustomerNo"]: record["Name1"] for record in changed} == {
        key: customer["Name1"] for key, customer in zip(keys, customers, strict=True)
    }


def test_one_bad_record_fails_alone_and_the_rest_of_the_batch_lands(
    erp_conn: Connector,
) -> None:
    assert erp_conn.sink is not None
    cursor = read_all(erp_conn)[-1].cursor
    tag = uuid.uuid4().hex[:8]
    batch = [
        new_customer(f"Good {tag} 1"),
        new_customer(f"Bad {tag}", CountryKey="Germany"),  # the ERP refuses it
        new_customer(f"Good {tag} 2"),
        {"CountryKey": "DE", "Currency": "EUR", "PaymentTermsKey": "Z030"},  # no Name1
        new_customer(f"Good {tag} 3"),
        new_customer(f"Odd {tag}", Nickname="x"),  # an element the WSDL does not have
    ]
    results = erp_conn.sink.write("customers", batch)
    assert [result.ok for result in results] == [True, False, True, False, True, False]
    refused = results[1].error
    assert isinstance(refused, SoapClientFault)
    assert (refused.fault_code, refused.fault_field) == ("VALIDATION", "CountryKey")
    assert isinstance(results[3].error, ClientError)
    assert "Name1" in str(results[3].error)
    assert isinstance(results[5].error, ClientError)
    assert "Nickname" in str(results[5].error)
    # zeep refused the whole batch before sending it; the records that fit went once.
    landed = [record["Name1"] for b in read_all(erp_conn, since=cursor) for record in b.records]
    assert sorted(landed) == [f"Good {tag} 1", f"Good {tag} 2", f"Good {tag} 3"]


def test_batches_are_split_at_the_profile_batch_size(erp: ServedApp) -> None:
    document = erp_document(erp.base_url)
    document["entities"]["customers"]["write"]["batch_size"] = 2
    soap = document.pop("soap")
    posts: list[str] = []
    session = requests.Session()
    session.hooks["response"].append(
        lambda response, **_: (
            posts.append(response.url) if response.request.method == "POST" else None
        )
    )
    connector = soap_connector(
        parse_profile(document),
        soap,
        environ={"ERP_PASSWORD": PASSWORD},
        session=session,
        cache=WsdlCache(),
    )
    with connector:
        assert connector.sink is not None
        tag = uuid.uuid4().hex[:8]
        results = connector.sink.write(
            "customers", [new_customer(f"Split {tag} {n}") for n in range(5)]
        )
    assert all(result.ok for result in results)
    assert len(posts) == 3  # 2 + 2 + 1


def test_wrong_password_is_an_auth_error_that_does_not_show_the_password(
    erp: ServedApp,
) -> None:
    wrong = "not-the-erp-password-" + uuid.uuid4().hex[:6]
    for password_type in ("digest", "text"):
        with connect(erp, wrong, password_type=password_type) as connector:
            assert connector.source is not None
            with pytest.raises(AuthError) as caught:
                read_all(connector)
        assert isinstance(caught.value, SoapAuthFault)
        assert caught.value.fault_code == "AUTH"
        assert not caught.value.retriable
        assert wrong not in str(caught.value)
        assert wrong not in repr(caught.value)


def test_plain_text_password_is_accepted(erp: ServedApp) -> None:
    with connect(erp, password_type="text") as connector:
        assert len(read_all(connector)) > 0


def test_client_faults_map_to_fatal_errors_with_code_and_field(erp_conn: Connector) -> None:
    assert erp_conn.sink is not None
    client = erp_conn.sink.client  # type: ignore[attr-defined]
    with pytest.raises(SoapClientFault) as caught:
        client.call("GetCustomer", {"CustomerNo": "C999999"}, entity="customers")
    error = caught.value
    assert isinstance(error, FatalError)
    assert not isinstance(error, RetriableError)
    assert (error.fault_code, error.fault_field) == ("NOT_FOUND", "CustomerNo")
    assert (error.system, error.entity, error.operation) == ("erp", "customers", "GetCustomer")


def test_single_record_writes_report_each_outcome(erp_conn: Connector) -> None:
    assert erp_conn.sink is not None
    existing = read_all(erp_conn)[0].records[0]["CustomerNo"]
    results = erp_conn.sink.write(
        "credit_limits",
        [
            {"CustomerNo": existing, "CreditLimit": Decimal("12345.60")},
            {"CustomerNo": "C999999", "CreditLimit": Decimal("1.00")},
        ],
    )
    assert results[0].ok
    assert results[0].target_id == existing
    assert not results[1].ok
    assert isinstance(results[1].error, SoapClientFault)
    assert results[1].error.fault_code == "NOT_FOUND"
    client = erp_conn.sink.client  # type: ignore[attr-defined]
    credit = client.call("GetCreditLimit", {"CustomerNo": existing}, entity="credit_limits")
    assert credit.CreditLimit == Decimal("12345.60")


def test_wsdl_is_fetched_once_for_two_connectors_to_the_same_url(erp: ServedApp) -> None:
    wsdl_gets: list[str] = []

    def counting_session() -> requests.Session:
        session = requests.Session()
        session.hooks["response"].append(
            lambda response, **_: (
                wsdl_gets.append(response.url) if response.request.method == "GET" else None
            )
        )
        return session

    cache = WsdlCache()
    document = erp_document(erp.base_url)
    soap = document.pop("soap")
    profile = parse_profile(document)
    environ = {"ERP_PASSWORD": PASSWORD}
    first = soap_connector(profile, soap, session=counting_session(), environ=environ, cache=cache)
    second = soap_connector(profile, soap, session=counting_session(), environ=environ, cache=cache)
    assert wsdl_gets == []  # building a connector fetches nothing
    for connector in (first, second):
        with connector:
            assert connector.source is not None
            assert next(iter(connector.source.read("customers", batch_size=5))).records
    assert wsdl_gets == [f"{erp.base_url}/soap/sales?wsdl"]
    assert cache.loads == 1


def test_a_profile_file_with_soap_options_loads_and_reads(erp: ServedApp, tmp_path: Path) -> None:
    file = tmp_path / "erp.yaml"
    file.write_text(yaml.safe_dump(erp_document(erp.base_url)), encoding="utf-8")
    profile, soap = load_soap_profile(file)
    assert soap.entities["customers"].write_operation == "UpsertCustomers"
    with soap_connector(
        profile, soap, environ={"ERP_PASSWORD": PASSWORD}, cache=WsdlCache()
    ) as connector:
        assert connector.source is not None
        assert len(next(iter(connector.source.read("customers")))) == BATCH
