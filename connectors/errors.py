"""Errors raised by connectors, and the scrubber that keeps secrets out of their messages.

The hierarchy says what to do next: retry later, or stop and fix something.

* ConnectorError
  * RetriableError            - try again later (with backoff)
    * ConnectionFailed        - the connection could not be made or was dropped
    * Timeout                 - connect or read timed out
    * RateLimited             - 429; ``retry_after`` seconds, when the system said
    * ServerError             - 5xx (``status``)
  * FatalError                - retrying will not help; fix config, data or the system
    * AuthError               - 401/403, or credentials were refused by a token endpoint
    * ClientError             - other 4xx (``status``): the request or record was rejected
    * ContractError           - the response did not have the shape the profile promised
    * PaginationLoop          - a cursor, next URL or page came back twice
    * ConfigError             - a profile or secret reference is invalid

Every error carries ``system``, ``entity``, ``operation`` and ``status`` (each may be
None), and its message passes through `scrub` when the error is built, so neither
``str(exc)`` nor a traceback can leak a registered secret, an Authorization or API-key
header value, URL user-info or a secret query parameter.

Secret values are registered with `register_secret` (connectors.secrets does so for every
reference it resolves). The hub can mirror them into its own redaction with
`add_secret_listener(hub.redaction.register_secret)`; connectors never import the hub.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

MASK = "***"

SECRET_PARAM_NAMES = (
    "apikey",
    "api_key",
    "api-key",
    "x-api-key",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "key",
    "password",
    "passwd",
    "pwd",
    "secret",
    "client_secret",
    "signature",
    "sig",
)

_names = "|".join(re.escape(name) for name in sorted(SECRET_PARAM_NAMES, key=len, reverse=True))
# name=value in a query string or form body; the name must not be glued to a longer word.
_QUERY_SECRET = re.compile(rf"(?i)(?<![A-Za-z0-9_\-])({_names})=([^&\s#'\"]*)")
# "Authorization: Bearer abc", "X-API-Key: abc", "'authorization': 'Basic abc'" (repr of dicts)
_HEADER_SECRET = re.compile(
    r"(?i)(['\"]?(?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)"
    r"(?:(bearer|basic|digest|token|apikey)\s+)?([^\s'\",}]+)"
)
_API_KEY_HEADER = re.compile(
    r"(?i)(['\"]?[a-z0-9\-]*(?:api[-_]?key|token|secret)['\"]?\s*:\s*['\"]?)([^\s'\",}]+)"
)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[A-Za-z0-9\-._~%!$&'()*+,;=:@]+@")

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_listeners: list[Callable[[str], None]] = []


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `scrub` removes it wherever it appears."""
    global _pattern
    # Very short values would mask ordinary text ("a", "1"); they are not real secrets.
    if not value or len(value) < 4:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(secret) for secret in ordered))
        listeners = list(_listeners)
    for listener in listeners:
        listener(value)


def add_secret_listener(listener: Callable[[str], None]) -> None:
    """Call ``listener(value)`` for every secret registered so far and from now on."""
    with _lock:
        _listeners.append(listener)
        known = list(_secrets)
    for value in known:
        listener(value)


def scrub(text: str) -> str:
    """Return ``text`` with secrets, credential headers, user-info and secret params masked."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    text = _HEADER_SECRET.sub(
        lambda m: f"{m.group(1)}{m.group(2) + ' ' if m.group(2) else ''}{MASK}", text
    )
    text = _API_KEY_HEADER.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)


class ConnectorError(Exception):
    """Base of every connector error; the message is scrubbed of secrets."""

    retriable: bool = False

    def __init__(
        self,
        message: str,
        *,
        system: str | None = None,
        entity: str | None = None,
        operation: str | None = None,
        status: int | None = None,
    ) -> None:
        self.message = scrub(message)
        self.system = system
        self.entity = entity
        self.operation = operation
        self.status = status
        super().__init__(self.message)

    def __str__(self) -> str:
        where = "/".join(part for part in (self.system, self.entity, self.operation) if part)
        status = f" [HTTP {self.status}]" if self.status is not None else ""
        return f"{where}: {self.message}{status}" if where else f"{self.message}{status}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only context would be lost by the default pickling of exceptions.
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[ConnectorError], state: dict[str, object]) -> ConnectorError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class RetriableError(ConnectorError):
    """A transient failure: the same request may succeed later."""

    retriable = True


class ConnectionFailed(RetriableError):
    """The connection could not be opened, or broke during the exchange."""


class Timeout(RetriableError):
    """The connect or read timeout passed without an answer."""


class RateLimited(RetriableError):
    """The system asked us to slow down (429); ``retry_after`` is in seconds, if given."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        system: str | None = None,
        entity: str | None = None,
        operation: str | None = None,
        status: int | None = 429,
    ) -> None:
        super().__init__(message, system=system, entity=entity, operation=operation, status=status)
        self.retry_after = retry_after


class ServerError(RetriableError):
    """The system failed (5xx)."""


class FatalError(ConnectorError):
    """A failure that retrying cannot fix."""


class AuthError(FatalError):
    """Credentials are missing, wrong, expired beyond refresh, or lack a permission."""


class ClientError(FatalError):
    """The system rejected the request or the record (4xx other than 401/403/408/429)."""


class ContractError(FatalError):
    """The response was not what the profile describes (not JSON, no list, no id...)."""


class PaginationLoop(FatalError):
    """A cursor, next URL or page repeated: reading on would never end."""


class ConfigError(FatalError):
    """A profile, secret reference or connector setting is invalid."""


__all__ = [
    "MASK",
    "AuthError",
    "ClientError",
    "ConfigError",
    "ConnectionFailed",
    "ConnectorError",
    "ContractError",
    "FatalError",
    "PaginationLoop",
    "RateLimited",
    "RetriableError",
    "ServerError",
    "Timeout",
    "add_secret_listener",
    "register_secret",
    "scrub",
]
