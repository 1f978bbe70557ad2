"""SOAP faults and zeep failures mapped onto the shared connector error classes.

* SOAP fault with faultcode Client (Sender):
  * detail code in ``auth_fault_codes`` (AUTH)          -> SoapAuthFault (AuthError)
  * any other code (VALIDATION, NOT_FOUND, CONFLICT...) -> SoapClientFault (ClientError)
* SOAP fault with faultcode Server (Receiver)           -> SoapServerFault (ServerError, retriable)
* HTTP error without a SOAP fault: by status, as for REST (5xx retriable, 401/403 AuthError...)
* XML with a DTD, entity or external reference          -> UnsafeXml (ContractError)
* malformed XML, or a shape the WSDL does not describe  -> ContractError
* a request that does not fit the WSDL (zeep refused it) -> ClientError
* requests' timeouts and connection errors              -> Timeout, ConnectionFailed
"""

from __future__ import annotations

from typing import Any

import requests
import zeep.exceptions

from connectors.errors import (
    AuthError,
    ClientError,
    ConnectionFailed,
    ConnectorError,
    ContractError,
    ServerError,
    Timeout,
)
from connectors.rest.client import error_for_response


class _FaultDetail:
    """Mixin: the fault code and field the system put in the fault's detail."""

    fault_code: str | None = None
    fault_field: str | None = None


class SoapClientFault(_FaultDetail, ClientError):
    """The system refused the request or record (a Client fault): fix the data."""

    def __init__(
        self,
        message: str,
        *,
        fault_code: str | None = None,
        fault_field: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.fault_code = fault_code
        self.fault_field = fault_field


class SoapAuthFault(_FaultDetail, AuthError):
    """The system refused our WS-Security credentials."""

    def __init__(
        self,
        message: str,
        *,
        fault_code: str | None = None,
        fault_field: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.fault_code = fault_code
        self.fault_field = fault_field


class SoapServerFault(_FaultDetail, ServerError):
    """The system failed while handling the request (a Server fault): try again later."""

    def __init__(
        self,
        message: str,
        *,
        fault_code: str | None = None,
        fault_field: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.fault_code = fault_code
        self.fault_field = fault_field


class RequestMisfit(ClientError):
    """zeep refused to build the request from the payload: nothing was sent."""


class UnsafeXml(ContractError):
    """The answer held a DTD, an entity declaration or an external reference: refused."""


class DoctypeFound(Exception):
    """Raised by the transport for XML whose prolog declares a DTD, before any parsing."""


class HttpStatusError(Exception):
    """Raised by the transport for an HTTP error answer that carries no SOAP fault."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def fault_detail(
    detail: Any, code_element: str, field_element: str
) -> tuple[str | None, str | None]:
    """The code and field in a fault's detail, found by local name in any namespace."""
    code = field = None
    if detail is None or not hasattr(detail, "iter"):
        return None, None
    for node in detail.iter():
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        name = _local(node.tag)
        if name == code_element and code is None:
            code = (node.text or "").strip() or None
        elif name == field_element and field is None:
            field = (node.text or "").strip() or None
    return code, field


def fault_kind(code: str | None) -> str:
    """``client`` or ``server`` from a SOAP 1.1 faultcode or 1.2 Code (prefix dropped)."""
    local = (code or "").rsplit(":", 1)[-1].split(".", 1)[0].lower()
    return "client" if local in ("client", "sender") else "server"


def error_for_fault(
    fault: zeep.exceptions.Fault,
    *,
    code_element: str = "Code",
    field_element: str = "Field",
    auth_codes: tuple[str, ...] = ("AUTH",),
    **context: Any,
) -> ConnectorError:
    """The connector error a SOAP fault stands for."""
    code, field = fault_detail(fault.detail, code_element, field_element)
    if fault.code is None:
        # zeep's "Unknown fault": an error status with XML that holds no soap:Fault.
        return ServerError(f"error answer without a SOAP fault: {fault.message}", **context)
    described = ", ".join(
        part for part in (f"code {code}" if code else "", f"field {field}" if field else "") if part
    )
    message = (
        f"{fault.message or 'SOAP fault'} ({fault.code}{', ' + described if described else ''})"
    )
    detail = {"fault_code": code, "fault_field": field}
    if code is not None and code in auth_codes:
        return SoapAuthFault(message, **detail, **context)
    if fault_kind(fault.code) == "client":
        return SoapClientFault(message, **detail, **context)
    return SoapServerFault(message, **detail, **context)


def error_for_exception(exc: BaseException, **context: Any) -> ConnectorError | None:
    """The connector error for a transport or zeep failure, or None when it is not one."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, HttpStatusError):
        return error_for_response(exc.response, **context)
    if isinstance(exc, requests.Timeout):
        return Timeout(f"timed out: {exc}", **context)
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return error_for_response(exc.response, **context)
    if isinstance(exc, requests.RequestException):
        return ConnectionFailed(f"connection failed: {exc}", **context)
    if isinstance(
        exc,
        DoctypeFound
        | zeep.exceptions.DTDForbidden
        | zeep.exceptions.EntitiesForbidden
        | zeep.exceptions.ExternalReferenceForbidden,
    ):
        return UnsafeXml(f"refused XML: {type(exc).__name__} {exc}", **context)
    if isinstance(exc, zeep.exceptions.TransportError):
        status = exc.status_code or None
        message = str(exc.message)[:300]  # zeep appends the whole body
        if status is not None and status >= 500:
            return ServerError(message, status=status, **context)
        if status in (401, 403):
            return AuthError(message, status=status, **context)
        return ContractError(message, status=status, **context)
    if isinstance(exc, zeep.exceptions.ValidationError):
        return ClientError(f"request does not fit the WSDL: {exc}", **context)
    if isinstance(exc, TypeError):
        # zeep raises TypeError for an element the WSDL does not define.
        return ClientError(f"request does not fit the WSDL: {exc}", **context)
    if isinstance(exc, zeep.exceptions.Error):
        return ContractError(f"{type(exc).__name__}: {exc}", **context)
    return None
