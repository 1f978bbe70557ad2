"""Auth plug-ins: keys, basic, bearer, and OAuth2 tokens cached, refreshed early, retried on 401."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

import pytest
import requests
import responses
from pydantic import SecretStr

from connectors.base import Connector
from connectors.errors import AuthError, ClientError
from connectors.rest.auth import OAuth2ClientCredentials
from tests.connectors.conftest import BASE, FakeClock, profile_from

URL = f"{BASE}/things"
TOKEN_URL = f"{BASE}/oauth/token"


def with_auth(auth: dict[str, object]) -> object:
    return profile_from({"things": {"path": "/things"}}, auth=auth)


def read(connector: Connector) -> list[dict[str, object]]:
    assert connector.source is not None
    return [r for b in connector.source.read("things") for r in b.records]


@responses.activate
def test_api_key_header(connect: Callable[..., Connector]) -> None:
    responses.get(URL, json=[])
    profile = with_auth({"kind": "api_key_header", "header": "X-API-Key", "key": "env:OMS_KEY"})
    read(connect(profile, environ={"OMS_KEY": "oms-key-123"}))
    assert responses.calls[0].request.headers["X-API-Key"] == "oms-key-123"


@responses.activate
def test_api_key_in_query_is_scrubbed_from_errors(connect: Callable[..., Connector]) -> None:
    responses.get(URL, status=404, body="no such thing")
    profile = with_auth({"kind": "api_key_query", "param": "sig2", "key": "env:Q_KEY"})
    with pytest.raises(ClientError) as info:
        read(connect(profile, environ={"Q_KEY": "query-key-456"}))
    assert "sig2=query-key-456" in (responses.calls[0].request.url or "")
    assert "query-key-456" not in str(info.value)
    assert "query-key-456" not in repr(info.value)
    assert "sig2=***" in str(info.value)


@responses.activate
def test_basic_auth_with_airflow_connection(connect: Callable[..., Connector]) -> None:
    responses.get(URL, json=[])
    profile = with_auth(
        {"kind": "basic", "username": "airflow:wms.login", "password": "airflow:wms"}
    )
    read(connect(profile, environ={"AIRFLOW_CONN_WMS": "http://hub:pw-789@wms.local"}))
    expected = "Basic " + base64.b64encode(b"hub:pw-789").decode()
    assert responses.calls[0].request.headers["Authorization"] == expected


@responses.activate
def test_bearer_and_401_is_auth_error(connect: Callable[..., Connector]) -> None:
    responses.get(URL, status=401, json={"error": "invalid token"})
    profile = with_auth({"kind": "bearer", "token": "env:TOK"})
    with pytest.raises(AuthError) as info:
        read(connect(profile, environ={"TOK": "bearer-tok-1"}))
    assert responses.calls[0].request.headers["Authorization"] == "Bearer bearer-tok-1"
    assert info.value.status == 401
    assert len(responses.calls) == 1  # fatal: not retried


class TokenServer:
    """A fake token endpoint that issues numbered tokens with a given lifetime."""

    def __init__(self, lifetime: int = 3600) -> None:
        self.lifetime = lifetime
        self.issued = 0
        self.forms: list[dict[str, list[str]]] = []
        self.auth_headers: list[str | None] = []

    def __call__(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.issued += 1
        body = request.body if isinstance(request.body, str) else (request.body or b"").decode()
        self.forms.append(parse_qs(body))
        self.auth_headers.append(request.headers.get("Authorization"))
        token = {
            "access_token": f"tok-{self.issued}",
            "token_type": "bearer",
            "expires_in": self.lifetime,
        }
        return 200, {}, json.dumps(token)


def oauth_profile() -> object:
    return with_auth(
        {
            "kind": "oauth2_client_credentials",
            "token_url": "/oauth/token",
            "client_id": "hub",
            "client_secret": "env:CS",
            "scope": "crm.read",
        }
    )


def bearer_of(call: responses.Call) -> str:
    return str(call.request.headers["Authorization"])


@responses.activate
def test_oauth2_token_is_cached(connect: Callable[..., Connector]) -> None:
    server = TokenServer()
    responses.add_callback(responses.POST, TOKEN_URL, callback=server)
    responses.get(URL, json=[])
    connector = connect(oauth_profile(), environ={"CS": "client-secret-1"})
    read(connector)
    read(connector)
    assert server.issued == 1
    assert server.forms[0]["grant_type"] == ["client_credentials"]
    assert server.forms[0]["scope"] == ["crm.read"]
    expected = "Basic " + base64.b64encode(b"hub:client-secret-1").decode()
    assert server.auth_headers[0] == expected
    api_calls = [c for c in responses.calls if c.request.url.startswith(URL)]
    assert [bearer_of(c) for c in api_calls] == ["Bearer tok-1", "Bearer tok-1"]


@responses.activate
def test_oauth2_token_is_refreshed_before_expiry(
    clock: FakeClock, connect: Callable[..., Connector]
) -> None:
    server = TokenServer(lifetime=600)  # skew: min(30 s, 10% of 600 s) = 30 s
    responses.add_callback(responses.POST, TOKEN_URL, callback=server)
    responses.get(URL, json=[])
    connector = connect(oauth_profile(), environ={"CS": "client-secret-1"})
    read(connector)
    clock.advance(569)  # still 31 s of life left: keep the token
    read(connector)
    assert server.issued == 1
    clock.advance(2)  # 29 s left, inside the skew: refresh before it expires
    read(connector)
    assert server.issued == 2
    api_calls = [c for c in responses.calls if c.request.url.startswith(URL)]
    assert bearer_of(api_calls[-1]) == "Bearer tok-2"


@responses.activate
def test_oauth2_refreshes_once_on_401_and_retries(connect: Callable[..., Connector]) -> None:
    server = TokenServer()
    responses.add_callback(responses.POST, TOKEN_URL, callback=server)
    responses.get(URL, status=401)  # tok-1 was revoked early
    responses.get(URL, json=[{"id": 1}])
    rows = read(connect(oauth_profile(), environ={"CS": "client-secret-1"}))
    assert rows == [{"id": 1}]
    assert server.issued == 2
    api_calls = [c for c in responses.calls if c.request.url.startswith(URL)]
    assert [bearer_of(c) for c in api_calls] == ["Bearer tok-1", "Bearer tok-2"]


@responses.activate
def test_oauth2_second_401_is_an_auth_error(connect: Callable[..., Connector]) -> None:
    server = TokenServer()
    responses.add_callback(responses.POST, TOKEN_URL, callback=server)
    responses.get(URL, status=401)
    with pytest.raises(AuthError):
        read(connect(oauth_profile(), environ={"CS": "client-secret-1"}))
    assert server.issued == 2  # one refresh, not an endless loop


@responses.activate
def test_oauth2_refused_credentials_are_an_auth_error_without_the_secret(
    connect: Callable[..., Connector],
) -> None:
    responses.post(TOKEN_URL, status=401, json={"error": "invalid_client"})
    with pytest.raises(AuthError, match="invalid_client") as info:
        read(connect(oauth_profile(), environ={"CS": "wrong-secret-55"}))
    assert "wrong-secret-55" not in str(info.value)


@responses.activate
def test_oauth2_fetches_once_when_threads_race() -> None:
    server = TokenServer()
    responses.add_callback(responses.POST, TOKEN_URL, callback=server)
    auth = OAuth2ClientCredentials(TOKEN_URL, "hub", SecretStr("s-1234"))
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(auth.token())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tokens == ["tok-1"] * 8
    assert server.issued == 1


@responses.activate
def test_oauth2_client_secret_in_body_when_asked() -> None:
    server = TokenServer()
    responses.add_callback(responses.POST, TOKEN_URL, callback=server)
    auth = OAuth2ClientCredentials(TOKEN_URL, "hub", SecretStr("s-1234"), client_auth="body")
    auth.token()
    assert server.forms[0]["client_secret"] == ["s-1234"]
    assert server.auth_headers[0] is None
