"""SOAP 1.1 faults raised by operations and rendered by the dispatcher."""

from __future__ import annotations

from typing import Literal

FaultCode = Literal["soap:Client", "soap:Server"]


class SoapFault(Exception):
    """A SOAP fault: ``faultcode``/``faultstring`` plus a machine ``code`` and ``field``.

    ``code`` is one of VALIDATION, NOT_FOUND, AUTH, CONFLICT, XML, CREDIT_LIMIT, BATCH_LIMIT,
    SERVER (or another upper-case word an operation documents); ``field`` names the element
    that failed, where there is one.
    """

    def __init__(
        self,
        faultstring: str,
        *,
        code: str = "VALIDATION",
        field: str | None = None,
        faultcode: FaultCode = "soap:Client",
    ) -> None:
        super().__init__(faultstring)
        self.faultcode: FaultCode = faultcode
        self.faultstring = faultstring
        self.code = code
        self.field = field

    @classmethod
    def validation(cls, field: str, message: str) -> SoapFault:
        """A client fault for bad input in element ``field``."""
        return cls(f"{field}: {message}", code="VALIDATION", field=field)

    @classmethod
    def not_found(cls, field: str, value: str) -> SoapFault:
        """A client fault for a reference to a record that does not exist."""
        return cls(f"{field} {value!r} not found", code="NOT_FOUND", field=field)

    @classmethod
    def conflict(cls, message: str, field: str | None = None) -> SoapFault:
        """A client fault for a request that clashes with the current state."""
        return cls(message, code="CONFLICT", field=field)

    @classmethod
    def server(cls, message: str = "internal error") -> SoapFault:
        """A server fault; the message must not leak internals."""
        return cls(message, code="SERVER", faultcode="soap:Server")
