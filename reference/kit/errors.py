"""JSON errors with a machine code, a message and the offending field."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """A refusal the client can act on: HTTP status, machine code, message, field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def not_found(kind: str, key: str) -> ApiError:
    """A 404 naming what was looked for."""
    return ApiError(404, f"{kind}_not_found", f"{kind} {key} does not exist")


def invalid(field: str, message: str) -> ApiError:
    """A 422 naming the field that is wrong."""
    return ApiError(422, "validation_error", f"{field}: {message}", field)


def _body(code: str, message: str, field: str | None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, **extra}}


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def install_error_handlers(app: FastAPI) -> None:
    """Render every error in the same JSON shape; never echo the rejected input back."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(_body(exc.code, exc.message, exc.field), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # The input is left out on purpose: it may hold a credential from the query string.
        details = [{"field": _loc(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        first = details[0] if details else {"field": None, "message": "invalid request"}
        message = f"{first['field']}: {first['message']}"
        body = _body("validation_error", message, first["field"], details=details)
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body = _body(f"http_{exc.status_code}", str(exc.detail), None)
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
