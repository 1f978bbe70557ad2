"""Idempotency-Key on create: the same key and body replays the first response."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from reference.crm.auth import Principal
from reference.crm.errors import ApiError
from reference.crm.gate import WriteGate
from reference.crm.models import IdempotencyKey
from reference.crm.types import Input

REPLAYED = "Idempotent-Replayed"


@dataclass(frozen=True)
class Created:
    body: dict[str, Any]
    location: str
    etag: str


def fingerprint(method: str, path: str, body: Input) -> str:
    """Hash of what was asked: equal for semantically equal bodies, whatever the spacing."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str | None) -> None:
    if key is not None and not (1 <= len(key) <= 255 and key.isprintable()):
        raise ApiError(
            422,
            "invalid",
            "Idempotency-Key: 1 to 255 printable characters",
            field="Idempotency-Key",
        )


def _response(created: Created, *, replayed: bool) -> JSONResponse:
    headers = {"Location": created.location, "ETag": created.etag}
    if replayed:
        headers[REPLAYED] = "true"
    return JSONResponse(created.body, status_code=201, headers=headers)


def create_once(
    session: Session,
    gate: WriteGate,
    principal: Principal,
    key: str | None,
    request_fingerprint: str,
    create: Callable[[Session, datetime], Created],
) -> JSONResponse:
    """Run ``create`` in one write; with a key seen before, replay or refuse instead."""
    check_key(key)
    with gate.write(session) as now:
        if key is not None:
            stored = session.get(IdempotencyKey, (principal.client_id, key))
            if stored is not None:
                if stored.fingerprint != request_fingerprint:
                    raise ApiError(
                        409,
                        "idempotency_key_reused",
                        "Idempotency-Key: already used with a different request",
                        field="Idempotency-Key",
                    )
                first = Created(json.loads(stored.body), stored.location or "", stored.etag or "")
                return _response(first, replayed=True)
        created = create(session, now)
        if key is not None:
            session.add(
                IdempotencyKey(
                    client_id=principal.client_id,
                    key=key,
                    fingerprint=request_fingerprint,
                    status_code=201,
                    body=json.dumps(created.body),
                    location=created.location,
                    etag=created.etag,
                    created_at=now,
                )
            )
    return _response(created, replayed=False)
