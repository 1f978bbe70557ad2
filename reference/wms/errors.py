"""Errors the WMS reports: an HTTP status, a machine code, a message naming the field."""

from __future__ import annotations

from typing import Any


class WmsError(Exception):
    """A refused request; rendered as ``{"code", "message", "field", "details"}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.details = details or {}
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "details": self.details,
        }


def invalid(field: str, message: str, code: str = "invalid_value") -> WmsError:
    """422: the request names something that does not exist or is not allowed here."""
    return WmsError(422, code, f"{field}: {message}", field=field)


def not_found(entity: str, key: str) -> WmsError:
    return WmsError(404, "not_found", f"{entity} {key!r} not found", details={"entity": entity})


def conflict(code: str, message: str, **details: Any) -> WmsError:
    return WmsError(409, code, message, details=details)


def replay_mismatch(entity: str, key: str) -> WmsError:
    """409: a key already used for a different request (idempotent replays must be equal)."""
    return WmsError(
        409,
        "idempotency_key_reused",
        f"{entity} {key!r} already exists with different content",
        details={"entity": entity, "key": key},
    )
