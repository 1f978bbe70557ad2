"""The reference ERP's SOAP plumbing, through its public endpoint only (zeep and raw HTTP)."""

from __future__ import annotations

import base64
import hashlib
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
import zeep
from lxml import etree
from zeep.wsse.username import UsernameToken

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

USER, PASSWORD = "hub", "erp-demo-secret"
FAULT_NS = "urn:reference:erp:fault"
SALES_OPERATIONS = {
    "GetCustomersChangedSince",
    "GetCustomer",
    "GetCustomers",
    "UpsertCustomers",
    "SetCreditLimit",
    "GetCreditLimit",
    "GetItemsChangedSince",
    "UpsertItems",
    "GetBom",
    "SetPrice",
    "GetPriceHistory",
    "CreateSalesOrder",
    "GetSalesOrder",
    "ListSalesOrders",
    "PostGoodsIssue",
    "CreateInvoice",
    "GetInvoice",
}
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    spec = get_spec("erp")
    url = f"sqlite:///{tmp_path_factory.mktemp('erp') / 'erp.db'}"
    spec.seed(url, World(seed=42, size="demo"))
    served = serve(spec.create_app(url), name="erp", port=0)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def endpoint(erp: ServedApp) -> str:
    return f"{erp.base_url}/soap/sales"


def client(endpoint: str, user: str = USER, password: str = PASSWORD, **kw: bool) -> zeep.Client:
    return zeep.Client(f"{endpoint}?wsdl", wsse=UsernameToken(user, password, **kw))


def fault_code(fault: zeep.exceptions.Fault) -> str | None:
    return fault.detail.findtext(f"{{{FAULT_NS}}}ErpFault/{{{FAULT_NS}}}Code")


def envelope(payload: str, header: str = "") -> bytes:
    return (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:s="urn:reference:erp:sales">'
        f"<soap:Header>{header}</soap:Header><soap:Body>{payload}</soap:Body></soap:Envelope>"
    ).encode()


def text_token(user: str = USER, password: str = PASSWORD) -> str:
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
        f"<wsse:Username>{user}</wsse:Username>"
        f'<wsse:Password Type="{PROFILE}#PasswordText">{password}</wsse:Password>'
        "</wsse:UsernameToken></wsse:Security>"
    )


def digest_token(nonce: bytes, created: str, password: str = PASSWORD) -> str:
    raw = hashlib.sha1(nonce + created.encode() + password.encode()).digest()  # noqa: S324
    digest = base64.b64encode(raw)
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}"><wsse:UsernameToken>'
        f"<wsse:Username>{USER}</wsse:Username>"
        f'<wsse:Password Type="{PROFILE}#PasswordDigest">{digest.decode()}</wsse:Password>'
        f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        f"<wsu:Created>{created}</wsu:Created>"
        "</wsse:UsernameToken></wsse:Security>"
    )


GET_CUSTOMER = "<s:GetCustomer><s:CustomerNo>C100000</s:CustomerNo></s:GetCustomer>"


def post(endpoint: str, body: bytes) -> requests.Response:
    return requests.post(
        endpoint, data=body, headers={"Content-Type": "text/xml; charset=utf-8"}, timeout=10
    )


def raw_fault(response: requests.Response) -> tuple[str, str]:
    """(faultcode, detail code) of a raw SOAP fault response."""
    root = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False))
    fault = root.find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault")
    assert fault is not None, response.text
    code = fault.findtext(f"detail/{{{FAULT_NS}}}ErpFault/{{{FAULT_NS}}}Code")
    return fault.findtext("faultcode"), code


def test_health_needs_no_auth(erp: ServedApp) -> None:
    response = requests.get(f"{erp.base_url}/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "sales" in response.json()["services"]


def test_wsdl_address_points_where_it_was_fetched(endpoint: str) -> None:
    response = requests.get(f"{endpoint}?wsdl", timeout=5)
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    locations = [
        a.get("location") for a in root.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address")
    ]
    assert locations == [endpoint]


def test_zeep_sees_every_sales_operation(endpoint: str) -> None:
    service = client(endpoint).service
    port = client(endpoint).wsdl.services["SalesService"].ports["SalesPort"]
    assert set(port.binding._operations) == SALES_OPERATIONS
    assert service._binding_options["address"] == endpoint


def test_call_without_security_header_is_an_auth_fault(endpoint: str) -> None:
    anonymous = zeep.Client(f"{endpoint}?wsdl")
    with pytest.raises(zeep.exceptions.Fault) as caught:
        anonymous.service.GetCustomer(CustomerNo="C100000")
    assert fault_code(caught.value) == "AUTH"
    response = post(endpoint, envelope(GET_CUSTOMER))
    assert response.status_code == 500
    assert raw_fault(response) == ("soap:Client", "AUTH")


def test_wrong_password_is_refused_without_echoing_it(endpoint: str) -> None:
    with pytest.raises(zeep.exceptions.Fault) as caught:
        client(endpoint, password="guess-Secret-42").service.GetCustomer(CustomerNo="C100000")
    assert fault_code(caught.value) == "AUTH"
    response = post(endpoint, envelope(GET_CUSTOMER, text_token(password="guess-Secret-42")))
    assert "guess-Secret-42" not in response.text
    assert PASSWORD not in response.text


def test_wrong_user_is_refused(endpoint: str) -> None:
    response = post(endpoint, envelope(GET_CUSTOMER, text_token(user="mallory")))
    assert raw_fault(response) == ("soap:Client", "AUTH")


def test_password_text_over_raw_http_works(endpoint: str) -> None:
    response = post(endpoint, envelope(GET_CUSTOMER, text_token()))
    assert response.status_code == 200, response.text
    assert "C100000" in response.text


def test_password_digest_works_and_a_replayed_nonce_is_refused(endpoint: str) -> None:
    customer = client(endpoint, use_digest=True).service.GetCustomer(CustomerNo="C100000")
    assert customer.CustomerNo == "C100000"
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = digest_token(os.urandom(16), created)
    first = post(endpoint, envelope(GET_CUSTOMER, header))
    assert first.status_code == 200, first.text
    replay = post(endpoint, envelope(GET_CUSTOMER, header))
    assert raw_fault(replay) == ("soap:Client", "AUTH")


def test_stale_or_wrong_digest_is_refused(endpoint: str) -> None:
    stale = post(
        endpoint, envelope(GET_CUSTOMER, digest_token(os.urandom(16), "2020-01-01T00:00:00Z"))
    )
    assert raw_fault(stale) == ("soap:Client", "AUTH")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    wrong = post(endpoint, envelope(GET_CUSTOMER, digest_token(os.urandom(16), now, "nope")))
    assert raw_fault(wrong) == ("soap:Client", "AUTH")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
<soap:Body><GetCustomer xmlns="urn:reference:erp:sales"><CustomerNo>&lol9;</CustomerNo>
</GetCustomer></soap:Body></soap:Envelope>"""


def test_billion_laughs_gets_a_fault_within_a_second(endpoint: str) -> None:
    started = time.monotonic()
    response = post(endpoint, BILLION_LAUGHS)
    assert time.monotonic() - started < 1.0
    assert response.status_code == 500
    assert raw_fault(response) == ("soap:Client", "XML")


def test_external_entity_is_not_resolved(endpoint: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    ).encode() + envelope(
        "<s:GetCustomer><s:CustomerNo>&xxe;</s:CustomerNo></s:GetCustomer>", text_token()
    )
    started = time.monotonic()
    response = post(endpoint, body)
    assert time.monotonic() - started < 1.0
    assert raw_fault(response) == ("soap:Client", "XML")
    assert "TOP-SECRET-CONTENT" not in response.text


def test_doctype_in_utf16_is_refused_too(endpoint: str) -> None:
    body = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>').encode(
        "utf-16"
    ) + envelope(GET_CUSTOMER, text_token()).decode().encode("utf-16")[2:]
    response = post(endpoint, body)
    assert raw_fault(response)[1] == "XML"


def test_malformed_and_oversized_bodies_are_faults(endpoint: str) -> None:
    assert raw_fault(post(endpoint, b"<soap:Envelope"))[1] == "XML"
    assert raw_fault(post(endpoint, b"<notsoap/>"))[1] == "XML"
    huge = envelope(
        "<s:GetCustomer><s:CustomerNo>"
        + "x" * (6 * 1024 * 1024)
        + "</s:CustomerNo></s:GetCustomer>"
    )
    assert raw_fault(post(endpoint, huge))[1] == "XML"


def test_unknown_operation_is_a_client_fault(endpoint: str) -> None:
    response = post(endpoint, envelope("<s:DropAllTables/>", text_token()))
    assert raw_fault(response) == ("soap:Client", "UNKNOWN_OPERATION")


def test_unknown_service_is_404(erp: ServedApp) -> None:
    assert requests.get(f"{erp.base_url}/soap/nope?wsdl", timeout=5).status_code == 404


def test_credentials_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REF_ERP_USER", "ops")
    monkeypatch.setenv("REF_ERP_PASSWORD", "rotated-Passw0rd")
    served = serve(get_spec("erp").create_app(f"sqlite:///{tmp_path / 'erp.db'}"), name="erp2")
    try:
        endpoint = f"{served.base_url}/soap/sales"
        refused = post(endpoint, envelope(GET_CUSTOMER, text_token()))
        assert raw_fault(refused) == ("soap:Client", "AUTH")
        with pytest.raises(zeep.exceptions.Fault) as caught:
            client(endpoint, "ops", "rotated-Passw0rd").service.GetCustomer(CustomerNo="C100000")
        # Authenticated, but the empty database has no such customer.
        assert fault_code(caught.value) == "NOT_FOUND"
    finally:
        served.stop()
