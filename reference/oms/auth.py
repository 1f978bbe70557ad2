"""API-key auth: a full-access key and a read-only key, both sent as ``X-API-Key``."""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

HEADER = "X-API-Key"
DEFAULT_KEY = "oms-demo-key"
DEFAULT_READONLY_KEY = "oms-readonly-key"
KEY_ENV = "REF_OMS_API_KEY"
READONLY_KEY_ENV = "REF_OMS_READONLY_KEY"

Scope = Literal["read", "write"]

_header = APIKeyHeader(name=HEADER, auto_error=False, description="OMS API key")


@dataclass(frozen=True)
class Keys:
    """The keys this app accepts and what each may do."""

    full: str
    readonly: str

    @classmethod
    def from_env(cls) -> Keys:
        return cls(
            full=os.environ.get(KEY_ENV, DEFAULT_KEY),
            readonly=os.environ.get(READONLY_KEY_ENV, DEFAULT_READONLY_KEY),
        )

    def scopes(self, presented: str) -> frozenset[Scope] | None:
        """Scopes of a presented key, or None when it is no key of ours."""
        # compare_digest for both, so timing does not tell which key came close
        full = hmac.compare_digest(presented.encode(), self.full.encode())
        readonly = hmac.compare_digest(presented.encode(), self.readonly.encode())
        if full:
            return frozenset({"read", "write"})
        if readonly:
            return frozenset({"read"})
        return None


def require(scope: Scope) -> Callable[..., None]:
    """A dependency that lets the request through only with a key holding ``scope``."""

    def check(request: Request, key: str | None = Depends(_header)) -> None:
        keys: Keys = request.app.state.keys
        scopes = keys.scopes(key) if key else None
        if scopes is None:
            raise HTTPException(
                401,
                f"missing or unknown API key in the {HEADER} header",
                {"WWW-Authenticate": HEADER},
            )
        if scope not in scopes:
            raise HTTPException(403, f"this API key may not {scope}")

    return check


can_read = require("read")
can_write = require("write")
