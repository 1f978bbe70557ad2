"""SOAP connector edge cases on a mocked wire: retries, timeouts, hostile XML, auth, limits."""

from __future__ import annotations

import logging
import random
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from connectors.base import Connector
from connectors.errors import (
    ConfigError,
    ConnectionFailed,
    ContractError,
    FatalError,
    PaginationLoop,
    ServerError,
    Timeout,
)
from connectors.profile import parse_profile
from connectors.soap import (
    SoapServerFault,
    UnsafeXml,
    WsdlCache,
    soap_connector,
)
from tests.connectors.conftest import FakeClock

ROOT = Path(__file__).resolve().parents[2]
WSDL = (ROOT / "reference" / "erp" / "wsdl" / "sales.wsdl").read_bytes()
ENDPOINT = "http://erp.test/soap/sales"
PASSWORD = "mock-erp-password-5150"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XML = "text/xml; charset=utf-8"


def document(**top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "erp",
        "kind": "soap",
        "base_url": ENDPOINT,
        "timeouts": {"connect": 1.5, "read": 4},
        "retry": {"max_attempts": 3, "backoff_base": 0.5, "backoff_cap": 4, "jitter": 0},
        "auth": {
            "kind": "ws_security_username_token",
            "username": "hub",
            "password": "env:ERP_PASSWORD",
            "password_type": "text",
        },
        "entities": {
            "customers": {
                "operation": "GetCustomersChangedSince",
                "records_path": "Customer",
                "id_field": "CustomerNo",
                "incremental": {"param": "ChangedSince", "cursor_field": "ChangedAt"},
                "write": {"mode": "batch", "batch_size": 500, "body_path": "Customer"},
            }
        },
    }
    data.update(top)
    return data


def build(clock: FakeClock, soap: dict[str, Any] | None = None, **top: Any) -> Connector:
    return soap_connector(
        parse_profile(document(**top)),
        {"entities": {"customers": {"write_operation": "UpsertCustomers"}}}
        if soap is None
        else soap,
        environ={"ERP_PASSWORD": PASSWORD},
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(3),
        cache=WsdlCache(),
    )


def envelope(body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}" '
        f'xmlns:s="urn:reference:erp:sales"><soap:Body>{body}</soap:Body></soap:Envelope>'
    )


def customer(number: int, changed: str = "2026-01-02T03:04:05.000006+00:00") -> str:
    return (
        f"<s:Customer><s:CustomerNo>C{number}</s:CustomerNo><s:Name1>Acme {number}</s:Name1>"
        "<s:CountryKey>DE</s:CountryKey><s:Currency>EUR</s:Currency>"
        "<s:PaymentTermsKey>Z030</s:PaymentTermsKey><s:CreditLimit>5000.10</s:CreditLimit>"
        f"<s:ChangedAt>{changed}</s:ChangedAt></s:Customer>"
    )


def page(*numbers: int, token: str | None = None) -> str:
    more = f"<s:ContinuationToken>{token}</s:ContinuationToken>" if token else ""
    rows = "".join(customer(n) for n in numbers)
    return envelope(
        f"<s:GetCustomersChangedSinceResponse>{rows}{more}</s:GetCustomersChangedSinceResponse>"
    )


def fault(code: str, kind: str = "Client", message: str = "refused") -> str:
    return envelope(
        f"<soap:Fault><faultcode>soap:{kind}</faultcode><faultstring>{message}</faultstring>"
        '<detail><erp:ErpFault xmlns:erp="urn:reference:erp:fault">'
        f"<erp:Code>{code}</erp:Code><erp:Field>CustomerNo</erp:Field></erp:ErpFault></detail>"
        "</soap:Fault>"
    )


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
    + envelope(
        "<s:GetCustomersChangedSinceResponse>&lol9;</s:GetCustomersChangedSinceResponse>"
    ).split("?>", 1)[1]
)


@pytest.fixture
def wire() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{ENDPOINT}?wsdl", body=WSDL, content_type=XML)
        yield mock


def posts(wire: Any) -> list[Any]:
    return [call for call in wire.calls if call.request.method == "POST"]


def read(connector: Connector, **kw: Any) -> list[dict[str, Any]]:
    assert connector.source is not None
    return [
        record for batch in connector.source.read("customers", **kw) for record in batch.records
    ]


def test_a_503_without_a_fault_is_retried_with_backoff(wire: Any, clock: FakeClock) -> None:
    wire.post(
        ENDPOINT, status=503, body="<html>Service Unavailable</html>", content_type="text/html"
    )
    wire.post(ENDPOINT, body=page(100001, 100002), content_type=XML)
    records = read(build(clock))
    assert [record["CustomerNo"] for record in records] == ["C100001", "C100002"]
    assert records[0]["CreditLimit"] == Decimal("5000.10")
    assert records[0]["ChangedAt"] == "2026-01-02T03:04:05.000006+00:00"
    assert len(posts(wire)) == 2
    assert clock.sleeps == [0.5]


def test_5xx_errors_that_never_clear_raise_after_the_last_attempt(
    wire: Any, clock: FakeClock
) -> None:
    wire.post(ENDPOINT, status=500, body="proxy error", content_type="text/plain")
    with pytest.raises(ServerError) as caught:
        read(build(clock))
    assert caught.value.retriable
    assert len(posts(wire)) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_timeouts_and_connection_errors_are_retried(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, body=requests.ReadTimeout("read timed out"))
    wire.post(ENDPOINT, body=requests.ConnectionError("connection reset"))
    wire.post(ENDPOINT, body=page(100001), content_type=XML)
    assert len(read(build(clock))) == 1
    assert len(posts(wire)) == 3


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (requests.ConnectTimeout("connect timed out"), Timeout),
        (requests.ConnectionError("refused"), ConnectionFailed),
    ],
)
def test_a_lasting_network_failure_raises_its_own_class(
    wire: Any, clock: FakeClock, failure: Exception, error: type[Exception]
) -> None:
    wire.post(ENDPOINT, body=failure)
    with pytest.raises(error):
        read(build(clock))
    assert len(posts(wire)) == 3


def test_every_request_carries_connect_and_read_timeouts(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, body=page(100001), content_type=XML)
    read(build(clock))
    assert [call.request.req_kwargs["timeout"] for call in wire.calls] == [(1.5, 4.0)] * 2


def test_a_429_waits_as_long_as_retry_after_says(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, status=429, headers={"Retry-After": "3"}, body="slow down")
    wire.post(ENDPOINT, body=page(100001), content_type=XML)
    assert len(read(build(clock))) == 1
    assert clock.sleeps == [3.0]


def test_a_server_fault_is_retriable_but_not_retried_within_the_call(
    wire: Any, clock: FakeClock
) -> None:
    wire.post(
        ENDPOINT, status=500, body=fault("SERVER", "Server", "database busy"), content_type=XML
    )
    with pytest.raises(SoapServerFault) as caught:
        read(build(clock))
    assert caught.value.retriable
    assert caught.value.fault_code == "SERVER"
    assert len(posts(wire)) == 1


@pytest.mark.parametrize("status", [200, 500, 503])
def test_billion_laughs_is_refused_fast_as_a_fatal_error(
    wire: Any, clock: FakeClock, status: int
) -> None:
    wire.post(ENDPOINT, status=status, body=BILLION_LAUGHS, content_type=XML)
    started = time.perf_counter()
    with pytest.raises(UnsafeXml) as caught:
        read(build(clock))
    assert time.perf_counter() - started < 2
    assert isinstance(caught.value, ContractError)
    assert isinstance(caught.value, FatalError)
    assert len(posts(wire)) == 1  # never retried


def test_a_wsdl_with_a_doctype_is_refused(clock: FakeClock) -> None:
    hostile = WSDL.replace(b"?>", b'?>\n<!DOCTYPE x [<!ENTITY e "boom">]>', 1)
    with responses.RequestsMock() as mock:
        mock.get(f"{ENDPOINT}?wsdl", body=hostile, content_type=XML)
        with pytest.raises(UnsafeXml):
            read(build(clock))


def test_fault_messages_never_show_the_password(wire: Any, clock: FakeClock) -> None:
    wire.post(
        ENDPOINT,
        status=500,
        body=fault("AUTH", message=f"bad password {PASSWORD}"),
        content_type=XML,
    )
    with pytest.raises(FatalError) as caught:
        read(build(clock))
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in repr(caught.value)


def test_the_request_carries_a_username_token(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, body=page(), content_type=XML)
    read(build(clock))
    sent = posts(wire)[0].request.body
    sent = sent.decode() if isinstance(sent, bytes) else sent
    assert "<wsse:Username>hub</wsse:Username>" in sent
    assert "#PasswordText" in sent
    assert "<s:ChangedSince>1970-01-01T00:00:00+00:00</s:ChangedSince>" in sent.replace(
        "ns0:", "s:"
    )


def test_continuation_tokens_are_followed_and_a_repeated_one_stops_the_read(
    wire: Any, clock: FakeClock
) -> None:
    wire.post(ENDPOINT, body=page(100001, token="t1"), content_type=XML)
    wire.post(ENDPOINT, body=page(100002, token="t2"), content_type=XML)
    wire.post(ENDPOINT, body=page(100003, token="t1"), content_type=XML)
    with pytest.raises(PaginationLoop):
        read(build(clock))
    bodies = [call.request.body for call in posts(wire)]
    assert b"ContinuationToken" not in bodies[0]
    assert b">t1</" in bodies[1]
    assert b">t2</" in bodies[2]


def test_the_token_bucket_paces_calls_to_the_system(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, body=page(100001, token="a"), content_type=XML)
    wire.post(ENDPOINT, body=page(100002, token="b"), content_type=XML)
    wire.post(ENDPOINT, body=page(100003), content_type=XML)
    records = read(build(clock, rate_limit={"requests_per_second": 2, "burst": 1}))
    assert len(records) == 3
    # The WSDL fetch takes the burst token; each of the three calls then waits 0.5 s.
    assert clock.sleeps == pytest.approx([0.5, 0.5, 0.5])


def test_a_write_that_may_not_be_repeated_is_not_retried(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, status=503, body="busy", content_type="text/plain")
    connector = build(clock)
    assert connector.sink is not None
    record = {"Name1": "Acme", "CountryKey": "DE", "Currency": "EUR", "PaymentTermsKey": "Z030"}
    results = connector.sink.write("customers", [record, record])
    assert [type(result.error) for result in results] == [ServerError, ServerError]
    assert len(posts(wire)) == 1


def test_an_idempotent_write_is_retried_and_mapped_per_record(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, status=503, body="busy", content_type="text/plain")
    wire.post(
        ENDPOINT,
        body=envelope(
            "<s:UpsertCustomersResponse>"
            "<s:Result><s:Index>1</s:Index><s:ErrorCode>CONFLICT</s:ErrorCode>"
            "<s:ErrorField>VatRegNo</s:ErrorField><s:ErrorMessage>taken</s:ErrorMessage></s:Result>"
            "<s:Result><s:Index>0</s:Index><s:Key>C100777</s:Key><s:Action>UPDATED</s:Action></s:Result>"
            "</s:UpsertCustomersResponse>"
        ),
        content_type=XML,
    )
    soap = {
        "entities": {"customers": {"write_operation": "UpsertCustomers", "idempotent_writes": True}}
    }
    connector = build(clock, soap)
    assert connector.sink is not None
    record = {
        "CustomerNo": "C100777",
        "Name1": "A",
        "CountryKey": "DE",
        "Currency": "EUR",
        "PaymentTermsKey": "Z030",
    }
    first, second = connector.sink.write("customers", [record, {**record, "CustomerNo": "C100778"}])
    assert first.ok
    assert first.target_id == "C100777"
    assert not second.ok
    assert getattr(second.error, "fault_code", None) == "CONFLICT"
    assert "VatRegNo" in str(second.error)


def test_an_unknown_operation_is_a_config_error_on_first_use(wire: Any, clock: FakeClock) -> None:
    entities = document()["entities"]
    entities["customers"]["operation"] = "GetCustomersChangedSinse"
    with pytest.raises(ConfigError, match="GetCustomersChangedSince"):
        read(build(clock, entities=entities))


@pytest.mark.parametrize(
    ("soap", "needle"),
    [
        ({}, "write_operation"),
        ({"entities": {"vendors": {}}}, "unknown entities"),
        ({"entities": {"customers": {"write_operation": "X", "page_size": 0}}}, "page_size"),
    ],
)
def test_soap_options_are_checked_against_the_profile(
    clock: FakeClock, soap: dict[str, Any], needle: str
) -> None:
    with pytest.raises(ConfigError, match=needle):
        build(clock, soap)


def test_a_rate_limited_write_is_still_retried(wire: Any, clock: FakeClock) -> None:
    wire.post(ENDPOINT, status=429, body="slow", content_type="text/plain")
    wire.post(
        ENDPOINT,
        body=envelope(
            "<s:UpsertCustomersResponse><s:Result><s:Index>0</s:Index><s:Key>C1</s:Key>"
            "</s:Result></s:UpsertCustomersResponse>"
        ),
        content_type=XML,
    )
    connector = build(clock)
    assert connector.sink is not None
    record = {"Name1": "Acme", "CountryKey": "DE", "Currency": "EUR", "PaymentTermsKey": "Z030"}
    [result] = connector.sink.write("customers", [record])
    assert result.ok
    assert len(posts(wire)) == 2


def test_nothing_logged_even_at_debug_shows_the_password(
    wire: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    wire.post(ENDPOINT, status=503, body="busy", content_type="text/plain")
    wire.post(ENDPOINT, body=page(100001), content_type=XML)
    with caplog.at_level(logging.DEBUG):
        read(build(clock))
    assert "attempt 1 failed" in caplog.text
    assert PASSWORD not in caplog.text


def test_an_idempotency_key_fills_its_element_and_makes_the_write_retriable(
    wire: Any, clock: FakeClock
) -> None:
    wire.post(ENDPOINT, status=503, body="busy", content_type="text/plain")
    wire.post(
        ENDPOINT,
        body=envelope(
            "<s:UpsertCustomersResponse><s:Result><s:Index>0</s:Index><s:Key>C1</s:Key>"
            "</s:Result></s:UpsertCustomersResponse>"
        ),
        content_type=XML,
    )
    soap = {
        "entities": {
            "customers": {"write_operation": "UpsertCustomers", "idempotency_element": "VatRegNo"}
        }
    }
    connector = build(clock, soap)
    assert connector.sink is not None
    record = {"Name1": "Acme", "CountryKey": "DE", "Currency": "EUR", "PaymentTermsKey": "Z030"}
    [result] = connector.sink.write("customers", [record], idempotency_keys=["key-42"])
    assert result.ok
    assert result.target_id == "C1"
    sent = [call.request.body for call in posts(wire)]
    assert len(sent) == 2
    assert all(b">key-42</" in body for body in sent)


def test_the_shared_factory_builds_a_soap_connector_without_touching_the_network(
    wire: Any,
) -> None:
    from connectors.rest.factory import connector_from_profile
    from connectors.soap import SoapSink, SoapSource

    connector = connector_from_profile(
        parse_profile(document()),
        soap={"entities": {"customers": {"write_operation": "UpsertCustomers"}}},
        environ={"ERP_PASSWORD": PASSWORD},
        cache=WsdlCache(),
    )
    assert isinstance(connector.source, SoapSource)
    assert isinstance(connector.sink, SoapSink)
    assert len(wire.calls) == 0
