"""Connector errors: the hierarchy tells retriable from fatal, and messages hold no secrets."""

from __future__ import annotations

import pickle

import pytest

from connectors import errors
from connectors.errors import (
    AuthError,
    ClientError,
    ConfigError,
    ConnectionFailed,
    ConnectorError,
    ContractError,
    FatalError,
    PaginationLoop,
    RateLimited,
    RetriableError,
    ServerError,
    Timeout,
    add_secret_listener,
    register_secret,
    scrub,
)


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (ConnectionFailed, RetriableError),
        (Timeout, RetriableError),
        (RateLimited, RetriableError),
        (ServerError, RetriableError),
        (AuthError, FatalError),
        (ClientError, FatalError),
        (ContractError, FatalError),
        (PaginationLoop, FatalError),
        (ConfigError, FatalError),
    ],
)
def test_hierarchy_says_what_to_do_next(cls: type[ConnectorError], parent: type) -> None:
    error = cls("boom")
    assert isinstance(error, parent)
    assert isinstance(error, ConnectorError)
    assert error.retriable is (parent is RetriableError)


def test_error_carries_its_context_and_shows_it() -> None:
    error = ServerError(
        "GET /things failed", system="crm", entity="contacts", operation="read", status=503
    )
    assert (error.system, error.entity, error.operation, error.status) == (
        "crm",
        "contacts",
        "read",
        503,
    )
    assert str(error) == "crm/contacts/read: GET /things failed [HTTP 503]"


def test_rate_limited_keeps_retry_after_and_status() -> None:
    error = RateLimited("slow down", retry_after=12.5, system="oms")
    assert error.retry_after == 12.5
    assert error.status == 429


def test_errors_survive_pickling_with_context() -> None:
    error = RateLimited("slow down", retry_after=3.0, system="oms", entity="orders")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(copy) is RateLimited
    assert (copy.system, copy.entity, copy.retry_after, str(copy)) == (
        "oms",
        "orders",
        3.0,
        str(error),
    )


def test_registered_secret_is_removed_from_messages() -> None:
    register_secret("s3cr3t-value-123")
    error = ClientError("server said: bad key s3cr3t-value-123 for user")
    assert "s3cr3t-value-123" not in str(error)
    assert "***" in str(error)


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("GET https://h/x?apikey=AAA111&page=2", "AAA111"),
        ("GET https://h/x?page=2&api_key=BBB222", "BBB222"),
        ("GET https://h/x?access_token=CCC333", "CCC333"),
        ("POST body client_secret=DDD444&grant_type=client_credentials", "DDD444"),
        ("https://h/x?signature=EEE555&x=1", "EEE555"),
        ("https://h/x?password=FFF666", "FFF666"),
        ("https://h/x?token=GGG777", "GGG777"),
        ("https://h/x?key=HHH888", "HHH888"),
        ("headers: Authorization: Bearer III999", "III999"),
        ("{'Authorization': 'Basic dXNlcjpwYXNz'}", "dXNlcjpwYXNz"),
        ("X-API-Key: JJJ000", "JJJ000"),
        ("connect to https://alice:KKK111@host.example/path failed", "KKK111"),
        ('{"access_token": "LLL222", "expires_in": 60}', "LLL222"),
    ],
)
def test_scrub_masks_credentials(text: str, leak: str) -> None:
    cleaned = scrub(text)
    assert leak not in cleaned
    assert "***" in cleaned


def test_scrub_keeps_harmless_parameters() -> None:
    assert (
        scrub("GET https://h/x?page=2&monkey=3&keyword=a")
        == "GET https://h/x?page=2&monkey=3&keyword=a"
    )


def test_listener_receives_known_and_future_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors, "_listeners", [])
    register_secret("known-secret-1")
    seen: list[str] = []
    add_secret_listener(seen.append)
    register_secret("future-secret-2")
    assert "known-secret-1" in seen
    assert seen[-1] == "future-secret-2"


def test_tiny_values_are_not_treated_as_secrets() -> None:
    register_secret("ab")
    assert scrub("abc ab") == "abc ab"
