"""End to end: a system known only by its profile, read and written over real HTTP."""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from connectors.base import Connector
from connectors.profile import load_profile
from connectors.rest import connector_from_profile
from reference.kit.server import ServedApp, serve

PROFILE = Path(__file__).parent / "fixtures" / "fleet.yaml"
CLIENT_SECRET = "fleet-client-secret-e2e"


class Fleet:
    """State of the test-only fleet register: vehicles, tokens and idempotent replies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.vehicles: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.replies: dict[str, tuple[int, dict[str, Any]]] = {}
        self.token_requests = 0
        for n in range(1, 8):
            vid = f"V{n:03d}"
            stamp = f"2025-01-0{1 + n // 3}T00:00:00+00:00"  # some share a timestamp
            self.vehicles[vid] = {"id": vid, "ref": f"R{n}", "plate": f"AB-{n}", "updatedAt": stamp}


def fleet_app(fleet: Fleet) -> FastAPI:
    app = FastAPI()

    def require_token(authorization: str | None) -> None:
        token = (authorization or "").removeprefix("Bearer ")
        if token not in fleet.tokens:
            raise HTTPException(401, "bad token", headers={"WWW-Authenticate": "Bearer"})

    @app.post("/api/oauth/token")
    async def token(request: Request, authorization: str | None = Header(None)) -> JSONResponse:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        expected = "Basic " + base64.b64encode(f"hub:{CLIENT_SECRET}".encode()).decode()
        if authorization != expected or form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        issued = uuid.uuid4().hex
        with fleet.lock:
            fleet.tokens.add(issued)
            fleet.token_requests += 1
        return JSONResponse({"access_token": issued, "token_type": "bearer", "expires_in": 3600})

    @app.get("/api/vehicles")
    def list_vehicles(
        limit: int = 100,
        cursor: int = 0,
        updated_since: str | None = None,
        authorization: str | None = Header(None),
    ) -> dict[str, Any]:
        require_token(authorization)
        with fleet.lock:
            rows = sorted(fleet.vehicles.values(), key=lambda v: (v["updatedAt"], v["id"]))
        if updated_since:
            since = datetime.fromisoformat(updated_since)
            rows = [r for r in rows if datetime.fromisoformat(r["updatedAt"]) >= since]
        page = rows[cursor : cursor + limit]
        following = cursor + limit if cursor + limit < len(rows) else None
        return {"data": page, "paging": {"next": following}}

    @app.put("/api/vehicles/by-ref/{ref}")
    def upsert(
        ref: str,
        body: dict[str, Any],
        authorization: str | None = Header(None),
        idempotency_key: str = Header(...),
    ) -> JSONResponse:
        require_token(authorization)
        with fleet.lock:
            if idempotency_key in fleet.replies:
                status, reply = fleet.replies[idempotency_key]
                return JSONResponse(reply, status_code=status)
            if not body.get("plate"):
                status, reply = 422, {"detail": "plate is required"}
            else:
                existing = next((v for v in fleet.vehicles.values() if v["ref"] == ref), None)
                vid = existing["id"] if existing else f"V{len(fleet.vehicles) + 1:03d}"
                now = datetime.now(UTC).isoformat()
                fleet.vehicles[vid] = {
                    "id": vid,
                    "ref": ref,
                    "plate": body["plate"],
                    "updatedAt": now,
                }
                status, reply = (200 if existing else 201), {"id": vid}
            fleet.replies[idempotency_key] = (status, reply)
        return JSONResponse(reply, status_code=status)

    return app


@pytest.fixture
def fleet_system() -> Iterator[tuple[Fleet, ServedApp]]:
    fleet = Fleet()
    served = serve(fleet_app(fleet), name="fleet", port=0)
    try:
        yield fleet, served
    finally:
        served.stop()


@pytest.fixture
def fleet_connector(
    fleet_system: tuple[Fleet, ServedApp], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Connector]:
    monkeypatch.setenv("FLEET_CLIENT_SECRET", CLIENT_SECRET)
    _, served = fleet_system
    profile = load_profile(PROFILE).model_copy(update={"base_url": f"{served.base_url}/api"})
    with connector_from_profile(profile) as connector:
        yield connector


def test_seventh_system_read_and_written_from_its_profile_alone(
    fleet_system: tuple[Fleet, ServedApp], fleet_connector: Connector
) -> None:
    fleet, _ = fleet_system
    source, sink = fleet_connector.source, fleet_connector.sink
    assert source is not None
    assert sink is not None

    # A full read: pages of 2 regrouped into batches of 3, with the cursor after each.
    batches = list(source.read("vehicles"))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [r["id"] for b in batches for r in b.records] == [f"V{n:03d}" for n in range(1, 8)]
    cursor = batches[-1].cursor
    assert cursor is not None
    assert cursor["id"] == "V007"

    # Writes: an update, a rejected record and a new one; the rejection stops nothing.
    records = [
        {"ref": "R2", "plate": "ZZ-2"},
        {"ref": "R9", "plate": ""},
        {"ref": "R8", "plate": "NEW-8"},
    ]
    keys = ["write-1", "write-2", "write-3"]
    results = sink.write("vehicles", records, idempotency_keys=keys)
    assert [(r.ok, r.target_id) for r in results] == [(True, "V002"), (False, None), (True, "V008")]
    assert results[1].error is not None
    assert results[1].error.status == 422

    # Replaying the same writes (a crash before the commit) duplicates nothing.
    again = sink.write("vehicles", records, idempotency_keys=keys)
    assert [r.target_id for r in again] == ["V002", None, "V008"]
    assert len(fleet.vehicles) == 8

    # An incremental read from the saved cursor sees exactly what changed.
    changed = [r for b in source.read("vehicles", since=cursor) for r in b.records]
    assert sorted((r["id"], r["plate"]) for r in changed) == [("V002", "ZZ-2"), ("V008", "NEW-8")]

    # Tokens revoked on the server: the connector fetches a new one and carries on.
    tokens_before = fleet.token_requests
    with fleet.lock:
        fleet.tokens.clear()
    assert sum(len(b) for b in source.read("vehicles")) == 8
    assert fleet.token_requests == tokens_before + 1
