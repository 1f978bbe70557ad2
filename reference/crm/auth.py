"""OAuth2 client credentials: issuing bearer tokens and checking them on every request."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import sqlalchemy as sa
from fastapi import Request

from reference.crm.config import Client, CrmSettings, Runtime
from reference.crm.errors import ApiError
from reference.crm.models import AccessToken


@dataclass(frozen=True)
class Principal:
    client_id: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scopes: frozenset[str]


class OAuthError(Exception):
    """An RFC 6749 token-endpoint error (``invalid_client``, ``invalid_scope``, ...)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client_id, secret) from an HTTP Basic header, form-decoded as RFC 6749 asks."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError(401, "invalid_client", "malformed basic credentials") from exc
    client_id, sep, secret = raw.partition(":")
    if not sep:
        raise OAuthError(401, "invalid_client", "malformed basic credentials")
    return unquote(client_id), unquote(secret)


def authenticate_client(settings: CrmSettings, client_id: str, secret: str) -> Client:
    client = settings.client(client_id)
    # Compare even for unknown clients so timing does not reveal which ids exist.
    expected = client.secret if client else secrets.token_hex(16)
    if not hmac.compare_digest(secret.encode(), expected.encode()) or client is None:
        raise OAuthError(401, "invalid_client", "client authentication failed")
    return client


def grant_scopes(client: Client, requested: str | None) -> frozenset[str]:
    """The scopes asked for (all the client may have when none are named)."""
    if not requested:
        return client.scopes
    wanted = frozenset(requested.split())
    if not wanted <= client.scopes:
        unknown = " ".join(sorted(wanted - client.scopes))
        raise OAuthError(400, "invalid_scope", f"scope not allowed for this client: {unknown}")
    return wanted


def issue_token(runtime: Runtime, client: Client, scopes: frozenset[str]) -> IssuedToken:
    """Store a new token's hash with its expiry; expired tokens are purged on the way."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    lifetime = runtime.settings.token_lifetime
    with runtime.sessions() as session:
        session.execute(sa.delete(AccessToken).where(AccessToken.expires_at <= now))
        session.add(
            AccessToken(
                token_hash=_digest(token),
                client_id=client.client_id,
                scopes=" ".join(sorted(scopes)),
                expires_at=now + timedelta(seconds=lifetime),
            )
        )
        session.commit()
    return IssuedToken(token, lifetime, scopes)


def _unauthorized(code: str, message: str, challenge: str) -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": challenge})


def authorize(runtime: Runtime, header: str | None, scope: str) -> Principal:
    """The caller behind a bearer token, provided it is live and carries ``scope``."""
    if not header or not header.lower().startswith("bearer "):
        raise _unauthorized("unauthorized", "a bearer token is required", 'Bearer realm="crm"')
    token = header[7:].strip()
    with runtime.sessions() as session:
        row = session.get(AccessToken, _digest(token))
    if row is None or row.expires_at <= datetime.now(UTC):
        raise _unauthorized(
            "invalid_token",
            "the bearer token is unknown or has expired",
            'Bearer realm="crm", error="invalid_token"',
        )
    scopes = frozenset(row.scopes.split())
    if scope not in scopes:
        raise ApiError(
            403,
            "insufficient_scope",
            f"this operation needs scope {scope}",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
        )
    return Principal(row.client_id, scopes)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.crm
    return runtime


def require(scope: str) -> Callable[[Request], Principal]:
    """A FastAPI dependency admitting callers whose token carries ``scope``."""

    def check(request: Request) -> Principal:
        return authorize(runtime_of(request), request.headers.get("authorization"), scope)

    return check
