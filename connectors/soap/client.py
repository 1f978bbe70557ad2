"""SoapClient: one zeep service per system, with WS-Security, timeouts, rate limit and retries."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import zeep
import zeep.exceptions
from requests.auth import HTTPBasicAuth
from zeep.proxy import ServiceProxy
from zeep.wsse.username import UsernameToken

from connectors.errors import (
    ConfigError,
    ConnectionFailed,
    ConnectorError,
    RateLimited,
    ServerError,
    Timeout,
)
from connectors.profile import Profile, RateLimit
from connectors.ratelimit import TokenBucket, shared_bucket
from connectors.retry import Retrier
from connectors.secrets import resolve_header, resolve_secret, resolve_value
from connectors.soap.faults import (
    RequestMisfit,
    SoapServerFault,
    error_for_exception,
    error_for_fault,
)
from connectors.soap.wsdl import WSDL_CACHE, QuietTransport, WsdlCache, hardened_settings

log = logging.getLogger("connectors.soap")

# Retried within a call: the request may not have been processed, and no SOAP fault said
# otherwise. A SOAP Server fault is still a retriable ServerError for the caller's next run.
_TRANSIENT: tuple[type[BaseException], ...] = (ConnectionFailed, Timeout, RateLimited, ServerError)


@dataclass(frozen=True, slots=True)
class _Refused:
    """A SOAP fault carried past the retrier, which must not retry it."""

    error: ConnectorError


class _SendMark(zeep.Plugin):
    """Marks, per thread, that zeep built a request and is about to send it.

    zeep raises the same errors for a payload that does not fit the WSDL whether or not
    anything went out; the mark tells a request never sent (safe to split and send again)
    from one the system may have seen.
    """

    def __init__(self) -> None:
        self.local = threading.local()

    def reset(self) -> None:
        self.local.sent = False

    @property
    def sent(self) -> bool:
        return bool(getattr(self.local, "sent", True))

    def egress(self, envelope: Any, http_headers: Any, operation: Any, binding_options: Any) -> Any:
        self.local.sent = True
        return envelope, http_headers


def build_wsse(profile: Profile, environ: Mapping[str, str] | None = None) -> Any:
    """The WS-Security UsernameToken for the profile's auth, or None."""
    auth = profile.auth
    if auth.kind != "ws_security_username_token":
        return None
    password = resolve_secret(auth.password, environ=environ).get_secret_value()
    token: Any = UsernameToken
    return token(
        resolve_value(auth.username, environ=environ),
        password,
        use_digest=auth.password_type == "digest",  # noqa: S105 - a mode, not a password
    )


class SoapClient:
    """Calls a SOAP system's operations as its profile says; failures become ConnectorErrors.

    The WSDL is fetched lazily, on the first call, and shared through a `WsdlCache`; the
    endpoint is always the profile's ``base_url``, never the WSDL's ``soap:address``, so a
    WSDL cannot send our credentials elsewhere.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        session: requests.Session | None = None,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        cache: WsdlCache | None = None,
        shared_rate_limits: bool = True,
    ) -> None:
        if profile.kind != "soap":
            raise ConfigError(f"profile kind is {profile.kind}, not soap", system=profile.name)
        self.profile = profile
        self.session = session or requests.Session()
        self.session.headers.update(
            {name: resolve_header(v, environ=environ) for name, v in profile.headers.items()}
        )
        if profile.auth.kind == "basic":
            self.session.auth = HTTPBasicAuth(
                resolve_value(profile.auth.username, environ=environ),
                resolve_secret(profile.auth.password, environ=environ).get_secret_value(),
            )
        elif profile.auth.kind not in ("none", "ws_security_username_token"):
            raise ConfigError(
                f"auth.kind {profile.auth.kind} is not supported for soap", system=profile.name
            )
        self.wsse = build_wsse(profile, environ)
        self.timeouts = (profile.timeouts.connect, profile.timeouts.read)
        self.transport = QuietTransport(self.session, self.timeouts)
        self.retrier = Retrier(profile.retry, sleep=sleep, rng=rng)
        self.wsdl_url = profile.wsdl or f"{profile.base_url}?wsdl"
        self.endpoint = profile.base_url
        self.cache = cache if cache is not None else WSDL_CACHE
        self._sleep = sleep
        self._clock = clock
        # A fake clock or sleep means a test: keep its buckets private to this client.
        self._shared = shared_rate_limits and sleep is time.sleep and clock is time.monotonic
        self._buckets: dict[str | None, TokenBucket | None] = {}
        self._private: dict[str | None, TokenBucket] = {}
        self._proxy: ServiceProxy | None = None
        self._operations: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self._mark = _SendMark()

    @property
    def system(self) -> str:
        return self.profile.name

    def bucket(self, entity: str | None) -> TokenBucket | None:
        """The token bucket for an entity's own rate limit, else the system's, else None."""
        if entity in self._buckets:
            return self._buckets[entity]
        spec = self.profile.entities.get(entity) if entity is not None else None
        override = spec.rate_limit if spec is not None else None
        limit: RateLimit | None = override or self.profile.rate_limit
        key = entity if override is not None else None
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

    def service(self) -> ServiceProxy:
        """The zeep service bound to the endpoint; loads the WSDL on first use."""
        with self._lock:
            if self._proxy is None:
                self._proxy = self._bind()
            return self._proxy

    def operation(self, name: str, *, entity: str | None = None) -> Any:
        """zeep's description of an operation (its input and output elements)."""
        proxy = self.service()
        self._require(name, entity)
        return proxy._binding.get(name)

    def call(
        self,
        operation: str,
        payload: Mapping[str, Any],
        *,
        entity: str | None = None,
        retry_safe: bool = True,
    ) -> Any:
        """Call ``operation`` with ``payload`` as its elements and return zeep's answer.

        ``retry_safe=False`` (a write the system may not take twice) retries only a 429,
        which the system promises it did not process.
        """
        context: dict[str, Any] = {"system": self.system, "entity": entity, "operation": operation}
        proxy = self.service()
        self._require(operation, entity)
        method = proxy[operation]

        def attempt() -> Any:
            bucket = self.bucket(entity)
            if bucket is not None:
                bucket.acquire()
            self._mark.reset()
            try:
                return method(**payload)
            except zeep.exceptions.Fault as fault:
                error = self._fault(fault, context)
                log.info("%s/%s: %s", self.system, operation, error)
                return _Refused(error)
            except Exception as exc:
                if not self._mark.sent and isinstance(
                    exc, zeep.exceptions.ValidationError | TypeError
                ):
                    misfit = RequestMisfit(f"request does not fit the WSDL: {exc}", **context)
                    return _Refused(misfit)
                mapped = error_for_exception(exc, **context)
                if mapped is None:
                    raise
                raise mapped from None

        retry_on = _TRANSIENT if retry_safe else (RateLimited,)
        answer = self.retrier.call(attempt, retry_on=retry_on)
        if isinstance(answer, _Refused):
            raise answer.error
        return answer

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    def _fault(self, fault: zeep.exceptions.Fault, context: dict[str, Any]) -> ConnectorError:
        error = error_for_fault(
            fault,
            code_element=self.profile.fault_code_element,
            field_element=self.profile.fault_field_element,
            auth_codes=self.profile.auth_fault_codes,
            **context,
        )
        if isinstance(error, ServerError) and not isinstance(error, SoapServerFault):
            # An error status whose XML holds no fault: transient like any other 5xx.
            raise error
        return error

    def _require(self, operation: str, entity: str | None) -> None:
        if operation not in self._operations:
            known = ", ".join(sorted(self._operations))
            raise ConfigError(
                f"the WSDL has no operation {operation!r} (it has: {known})",
                system=self.system,
                entity=entity,
            )

    def _bind(self) -> ServiceProxy:
        context: dict[str, Any] = {"system": self.system, "operation": "load WSDL"}

        def load() -> Any:
            bucket = self.bucket(None)
            if bucket is not None:
                bucket.acquire()
            try:
                return self.cache.get(self.wsdl_url, self.transport)
            except Exception as exc:
                mapped = error_for_exception(exc, **context)
                if mapped is None and isinstance(exc, OSError):
                    mapped = ConfigError(f"cannot read the WSDL: {exc}", **context)
                if mapped is None:
                    raise
                raise mapped from None

        document = self.retrier.call(load, retry_on=_TRANSIENT)
        make_client: Any = zeep.Client
        client = make_client(
            document,
            wsse=self.wsse,
            transport=self.transport,
            settings=hardened_settings(),
            plugins=[self._mark],
        )
        port = self._port(document)
        self._operations = frozenset(port.binding.all())
        make_proxy: Any = ServiceProxy
        proxy: ServiceProxy = make_proxy(client, port.binding, address=self.endpoint)
        return proxy

    def _port(self, document: Any) -> Any:
        service_name = self.profile.service or self.profile.options.get("service")
        port_name = self.profile.port or self.profile.options.get("port")
        services = document.services
        if not services:
            raise ConfigError("the WSDL defines no service", system=self.system)
        if service_name is None:
            service = next(iter(services.values()))
        elif service_name in services:
            service = services[service_name]
        else:
            raise ConfigError(
                f"the WSDL has no service {service_name!r} (it has: {', '.join(services)})",
                system=self.system,
            )
        ports = service.ports
        if port_name is None and ports:
            return next(iter(ports.values()))
        if port_name in ports:
            return ports[port_name]
        raise ConfigError(
            f"service {service.name} has no port {port_name!r} (it has: {', '.join(ports)})",
            system=self.system,
        )
