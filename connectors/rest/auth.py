"""Authentication as `requests.AuthBase` plug-ins, usable by any `requests.Session`."""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from pydantic import SecretStr
from requests.auth import AuthBase

from connectors.errors import (
    AuthError,
    ConfigError,
    ConnectionFailed,
    ContractError,
    ServerError,
    Timeout,
    register_secret,
)
from connectors.profile import (
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    NoAuth,
    OAuth2ClientCredentialsAuth,
    Profile,
)
from connectors.secrets import resolve_secret, resolve_value

log = logging.getLogger("connectors.rest.auth")
_RETRIED_MARK = "_connectors_oauth_retried"


class ApiKeyHeader(AuthBase):
    """Sends the API key in a header (``X-API-Key`` by default)."""

    def __init__(self, key: SecretStr, header: str = "X-API-Key") -> None:
        self.key = key
        self.header = header

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers[self.header] = self.key.get_secret_value()
        return r


class ApiKeyQuery(AuthBase):
    """Adds the API key as a query parameter (``api_key`` by default)."""

    def __init__(self, key: SecretStr, param: str = "api_key") -> None:
        self.key = key
        self.param = param

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.prepare_url(r.url, {self.param: self.key.get_secret_value()})
        return r


class Basic(AuthBase):
    """HTTP basic authentication."""

    def __init__(self, username: str, password: SecretStr) -> None:
        self.username = username
        self.password = password

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        pair = f"{self.username}:{self.password.get_secret_value()}".encode()
        r.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return r


class Bearer(AuthBase):
    """A static bearer token."""

    def __init__(self, token: SecretStr) -> None:
        self.token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.token.get_secret_value()}"
        return r


class OAuth2ClientCredentials(AuthBase):
    """OAuth2 client credentials: fetches a token, caches it, refreshes it before expiry.

    A 401 answered to a request made with a cached token makes it fetch a new token once
    and resend the request (the token may have been revoked early). Safe to share between
    threads: one lock guards the token, so only one thread fetches at a time.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        *,
        scope: str | None = None,
        audience: str | None = None,
        client_auth: str = "basic",
        refresh_skew: float = 30.0,
        timeout: tuple[float, float] = (5.0, 30.0),
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        system: str | None = None,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.audience = audience
        self.client_auth = client_auth
        self.refresh_skew = refresh_skew
        self.timeout = timeout
        self._owns_session = session is None
        self.session = session or requests.Session()
        self.clock = clock
        self.system = system
        self.fetches = 0
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0

    def token(self) -> str:
        """A live access token, fetched now if none is cached or it is about to expire."""
        with self._lock:
            if self._token is None or self.clock() >= self._refresh_at:
                self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str | None = None) -> None:
        """Drop the cached token (only if it is still ``token``, when given)."""
        with self._lock:
            if token is None or token == self._token:
                self._token = None

    def close(self) -> None:
        """Close the token endpoint's session, if this object made it."""
        if self._owns_session:
            self.session.close()

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.token()}"
        r.hooks["response"].append(self._on_response)
        return r

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        request = response.request
        if response.status_code != 401 or getattr(request, _RETRIED_MARK, False):
            return response
        used = str(request.headers.get("Authorization", "")).removeprefix("Bearer ")
        self.invalidate(used)
        retry = request.copy()
        setattr(retry, _RETRIED_MARK, True)
        retry.headers["Authorization"] = f"Bearer {self.token()}"
        log.info("401 with a cached token; fetched a new one and resending once")
        response.close()
        again: requests.Response = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again

    def _fetch(self) -> None:
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        if self.audience:
            form["audience"] = self.audience
        auth: tuple[str, str] | None = None
        secret = self.client_secret.get_secret_value()
        if self.client_auth == "basic":
            auth = (self.client_id, secret)
        else:
            form.update(client_id=self.client_id, client_secret=secret)
        try:
            response = self.session.post(
                self.token_url,
                data=form,
                auth=auth,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
        except requests.Timeout as exc:
            raise Timeout(
                f"token endpoint timed out: {exc}", system=self.system, operation="oauth2 token"
            ) from None
        except requests.RequestException as exc:
            raise ConnectionFailed(
                f"token endpoint unreachable: {exc}", system=self.system, operation="oauth2 token"
            ) from None
        status = response.status_code
        if status >= 500:
            raise ServerError(
                "token endpoint failed", status=status, system=self.system, operation="oauth2 token"
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if status >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            raise AuthError(
                f"token request refused ({error or 'no error code'})",
                status=status,
                system=self.system,
                operation="oauth2 token",
            )
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ContractError(
                "token endpoint answered without access_token",
                system=self.system,
                operation="oauth2 token",
            )
        register_secret(token)
        try:
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        # Refresh early by the skew, but never by more than a tenth of a short lifetime.
        early = min(self.refresh_skew, lifetime * 0.1)
        self._token = token
        self._refresh_at = self.clock() + max(0.0, lifetime - early)
        self.fetches += 1


def _absolute(base_url: str, url: str) -> str:
    if "://" in url:
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def build_auth(
    profile: Profile,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.monotonic,
    token_session: requests.Session | None = None,
) -> AuthBase | None:
    """The auth plug-in a REST profile asks for, with its secret references resolved now."""
    spec = profile.auth
    if isinstance(spec, NoAuth):
        return None
    if isinstance(spec, ApiKeyHeaderAuth):
        return ApiKeyHeader(resolve_secret(spec.key, environ=environ), spec.header)
    if isinstance(spec, ApiKeyQueryAuth):
        return ApiKeyQuery(resolve_secret(spec.key, environ=environ), spec.param)
    if isinstance(spec, BasicAuth):
        return Basic(
            resolve_value(spec.username, environ=environ),
            resolve_secret(spec.password, environ=environ),
        )
    if isinstance(spec, BearerAuth):
        return Bearer(resolve_secret(spec.token, environ=environ))
    if isinstance(spec, OAuth2ClientCredentialsAuth):
        return OAuth2ClientCredentials(
            _absolute(profile.base_url, spec.token_url),
            resolve_value(spec.client_id, environ=environ),
            resolve_secret(spec.client_secret, environ=environ),
            scope=spec.scope,
            audience=spec.audience,
            client_auth=spec.client_auth,
            refresh_skew=spec.refresh_skew_seconds,
            timeout=(profile.timeouts.connect, profile.timeouts.read),
            session=token_session,
            clock=clock,
            system=profile.name,
        )
    raise ConfigError(
        f"auth kind {spec.kind} is not supported by the REST connector", system=profile.name
    )
