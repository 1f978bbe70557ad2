"""RestClient: one requests.Session with auth, timeouts, rate limit, retries and error mapping."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from connectors.errors import (
    AuthError,
    ClientError,
    ConnectionFailed,
    ConnectorError,
    ContractError,
    RateLimited,
    RetriableError,
    ServerError,
    Timeout,
    scrub,
)
from connectors.profile import Profile, RateLimit
from connectors.ratelimit import TokenBucket, shared_bucket
from connectors.rest.auth import build_auth
from connectors.retry import Retrier, parse_retry_after
from connectors.secrets import resolve_header

log = logging.getLogger("connectors.rest")
_BODY_SNIPPET = 300


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.rsplit("@", 1)[-1].lower()


def error_for_response(
    response: requests.Response,
    *,
    system: str | None = None,
    entity: str | None = None,
    operation: str | None = None,
) -> ConnectorError:
    """The connector error an unsuccessful HTTP answer stands for."""
    status = response.status_code
    request = response.request
    target = f"{request.method} {request.url}" if request is not None else "request"
    snippet = response.text[:_BODY_SNIPPET].strip().replace("\n", " ") if response.text else ""
    message = f"{target} answered {status} {response.reason or ''}".rstrip()
    if snippet:
        message += f": {snippet}"
    context: dict[str, Any] = {"system": system, "entity": entity, "operation": operation}
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(message, retry_after=retry_after, status=status, **context)
    if status in (401, 403):
        return AuthError(message, status=status, **context)
    if status == 408:
        return Timeout(message, status=status, **context)
    if status >= 500:
        return ServerError(message, status=status, **context)
    return ClientError(message, status=status, **context)


class RestClient:
    """Talks HTTP to one system as its profile says; every failure becomes a ConnectorError."""

    def __init__(
        self,
        profile: Profile,
        *,
        session: requests.Session | None = None,
        auth: AuthBase | None = None,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        shared_rate_limits: bool = True,
    ) -> None:
        self.profile = profile
        self.session = session or requests.Session()
        self.session.auth = (
            auth if auth is not None else build_auth(profile, environ=environ, clock=clock)
        )
        self.session.headers.update(
            {"Accept": "application/json"}
            | {
                name: resolve_header(value, environ=environ)
                for name, value in profile.headers.items()
            }
        )
        self.timeout = (profile.timeouts.connect, profile.timeouts.read)
        self.retrier = Retrier(profile.retry, sleep=sleep, rng=rng)
        self._sleep = sleep
        self._clock = clock
        # A fake clock or sleep means a test: keep its buckets private to this client.
        self._shared = shared_rate_limits and sleep is time.sleep and clock is time.monotonic
        self._buckets: dict[str | None, TokenBucket | None] = {}
        self._private: dict[str | None, TokenBucket] = {}

    @property
    def system(self) -> str:
        return self.profile.name

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL; absolute ones must stay on the system's own origin."""
        if "://" not in path_or_url:
            return self.profile.base_url.rstrip("/") + "/" + path_or_url.lstrip("/")
        if _origin(path_or_url) != _origin(self.profile.base_url):
            # Following it would send our credentials to someone else.
            raise ContractError(
                f"refusing to follow a URL on another origin: {path_or_url}", system=self.system
            )
        return path_or_url

    def bucket(self, entity: str | None) -> TokenBucket | None:
        """The rate limiter for an entity (its override) or for the whole system."""
        if entity in self._buckets:
            return self._buckets[entity]
        spec = self.profile.entities.get(entity) if entity is not None else None
        override = spec.rate_limit if spec is not None else None
        limit: RateLimit | None = override or self.profile.rate_limit
        key = entity if override is not None else None  # None: the system-wide bucket
        bucket: TokenBucket | None = None
        if limit is not None and self._shared:
            bucket = shared_bucket(self.system, key, limit)
        elif limit is not None:
            if key not in self._private:
                self._private[key] = TokenBucket(
                    limit.requests_per_second, limit.burst, clock=self._clock, sleep=self._sleep
                )
            bucket = self._private[key]
        self._buckets[entity] = bucket
        return bucket

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        entity: str | None = None,
        operation: str | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        retry_safe: bool = True,
        allow_status: Collection[int] = (),
    ) -> requests.Response:
        """Send with retries; return a 2xx/3xx answer (or one in ``allow_status``) or raise.

        ``retry_safe=False`` (a non-idempotent write without an idempotency key) retries
        only 429s, which the system promises it did not process.
        """
        url = self.url_for(path_or_url)
        context: dict[str, Any] = {
            "system": self.system,
            "entity": entity,
            "operation": operation or method,
        }

        def attempt() -> requests.Response:
            bucket = self.bucket(entity)
            if bucket is not None:
                bucket.acquire()
            try:
                response = self.session.request(
                    method, url, params=params, json=json, headers=headers, timeout=self.timeout
                )
            except requests.Timeout as exc:
                raise Timeout(f"{method} {url} timed out: {exc}", **context) from None
            except requests.RequestException as exc:
                raise ConnectionFailed(f"{method} {url} failed: {exc}", **context) from None
            log.debug("%s %s -> %s", method, scrub(response.url), response.status_code)
            if response.status_code < 400 or response.status_code in allow_status:
                return response
            raise error_for_response(response, **context)

        retry_on: tuple[type[BaseException], ...] = (
            (RetriableError,) if retry_safe else (RateLimited,)
        )
        return self.retrier.call(attempt, retry_on=retry_on)

    def json(self, response: requests.Response, *, entity: str | None = None) -> Any:
        """The decoded JSON body, or ContractError when it is not JSON."""
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise ContractError(
                f"{response.request.method} {response.url} answered {kind}, not JSON",
                system=self.system,
                entity=entity,
                status=response.status_code,
            ) from None

    def close(self) -> None:
        """Close the session's connections (and the token endpoint's, for OAuth2)."""
        closer = getattr(self.session.auth, "close", None)
        if callable(closer):
            closer()
        self.session.close()
