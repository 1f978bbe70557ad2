"""API key in the query string (``?apikey=...``), as the legacy portal expects it."""

from __future__ import annotations

import hmac
import logging
import re
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyQuery

from reference.kit.errors import ApiError

_query_key = APIKeyQuery(name="apikey", auto_error=False, description="the portal API key")
_KEY_IN_URL = re.compile(r"(apikey=)[^&\s\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with any ``apikey=`` value replaced, for anything that gets logged."""
    return _KEY_IN_URL.sub(r"\1***", text)


class RedactApiKey(logging.Filter):
    """Scrubs the key out of access-log lines, which carry the full query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction() -> None:
    """Attach the redacting filter to uvicorn's access logger, once."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactApiKey) for f in logger.filters):
        logger.addFilter(RedactApiKey())


def require_api_key(request: Request, apikey: Annotated[str | None, Depends(_query_key)]) -> None:
    """401 unless the query string carries the configured key."""
    if not apikey:
        raise ApiError(401, "unauthorized", "the apikey query parameter is required", "apikey")
    expected: str = request.app.state.api_key
    if not hmac.compare_digest(apikey.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "the API key is not valid", "apikey")
