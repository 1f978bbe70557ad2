"""OMS errors and the JSON shape they take: {"error": {"code", "message", "field"}}.

ApiError
 ├── NotFound          404  a record the path names does not exist
 ├── Conflict          409  the request clashes with the record's state
 │    └── IllegalTransition  a status change the state machine forbids
 └── Invalid           422  a well-formed request whose values break a business rule
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """An error the API reports to the caller as is."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class Conflict(ApiError):
    status_code = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: str, target: str):
        super().__init__(
            f"order cannot move from {current} to {target}", field="status", code=self.code
        )
        self.current = current
        self.target = target

    def body(self) -> dict[str, Any]:
        body = super().body()
        body["error"]["from_status"] = self.current
        body["error"]["to_status"] = self.target
        return body


class Invalid(ApiError):
    status_code = 422
    code = "invalid"


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_handlers(app: FastAPI) -> None:
    """Make every error the app returns take the one JSON shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": _field_path(err.get("loc", ())), "message": str(err.get("msg", ""))}
            for err in exc.errors()
        ]
        first = fields[0] if fields else {"field": "body", "message": "invalid request"}
        body = {
            "error": {
                "code": "validation_failed",
                "message": f"{first['field']}: {first['message']}",
                "field": first["field"],
                "fields": fields,
            }
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "not_allowed"}
        body = {"error": {"code": code.get(exc.status_code, "http_error"), "message": exc.detail}}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
