"""The WMS application: routers, error rendering, health."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from reference.wms import (
    routes_inbound,
    routes_inventory,
    routes_master,
    routes_outbound,
    routes_stock,
)
from reference.wms.auth import load_accounts
from reference.wms.db import Database
from reference.wms.errors import WmsError

DESCRIPTION = """Reference warehouse management system (see reference/wms/README.md).

HTTP basic auth; quantities are integers in the item's stocking unit; timestamps are
ISO-8601 UTC; lists page by number (`?page=1&page_size=100`)."""


def field_path(loc: Sequence[Any]) -> str:
    """``("body", "lines", 0, "qty")`` -> ``lines[0].qty``."""
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else list(loc)
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


async def _wms_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WmsError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers or None)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Inputs are not echoed back: the message names the field and the rule only.
    errors = [
        {"field": field_path(err.get("loc", ())), "message": str(err.get("msg", "invalid"))}
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    body: dict[str, Any] = {
        "code": "validation_error",
        "message": f"{first['field']}: {first['message']}",
        "field": first["field"],
        "details": {"errors": errors},
    }
    return JSONResponse(body, status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    body: dict[str, Any] = {"code": code, "message": str(exc.detail), "field": None, "details": {}}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def create_app(db_url: str) -> FastAPI:
    """The WMS on ``db_url``; creates its tables if they are missing."""
    db = Database(db_url)
    db.create_all()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(title="Reference WMS", version="1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.db = db
    app.state.accounts = load_accounts()
    app.add_exception_handler(WmsError, _wms_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok", "system": "wms"}

    for module in (
        routes_master,
        routes_stock,
        routes_inbound,
        routes_outbound,
        routes_inventory,
    ):
        app.include_router(module.router)
    return app
