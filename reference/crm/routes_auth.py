"""The OAuth2 token endpoint (client-credentials grant only)."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from reference.crm.auth import (
    OAuthError,
    authenticate_client,
    basic_credentials,
    grant_scopes,
    issue_token,
    runtime_of,
)

router = APIRouter(tags=["auth"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(exc: OAuthError) -> JSONResponse:
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="crm"'
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status,
        headers=headers,
    )


@router.post(
    "/oauth/token",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "scope": {"type": "string", "example": "crm.read crm.write"},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string", "format": "password"},
                        },
                    }
                }
            }
        }
    },
)
async def token(request: Request) -> JSONResponse:
    """Issue a bearer token; client credentials by HTTP Basic or in the form."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return _oauth_error(
            OAuthError(400, "invalid_request", "send application/x-www-form-urlencoded")
        )
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    try:
        if form.get("grant_type") != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", "only client_credentials is supported")
        given = basic_credentials(request.headers.get("authorization"))
        if given is None:
            if "client_id" not in form or "client_secret" not in form:
                raise OAuthError(401, "invalid_client", "client credentials are required")
            given = (form["client_id"], form["client_secret"])
        client = authenticate_client(runtime_of(request).settings, *given)
        scopes = grant_scopes(client, form.get("scope"))
    except OAuthError as exc:
        return _oauth_error(exc)
    # The token is stored in the database: keep that blocking work off the event loop.
    issued = await run_in_threadpool(issue_token, runtime_of(request), client, scopes)
    return JSONResponse(
        {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": " ".join(sorted(issued.scopes)),
        },
        headers=NO_STORE,
    )
