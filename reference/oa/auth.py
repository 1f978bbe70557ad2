"""Bearer personal access tokens: the hub's integration user and one per approver."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from reference.kit.errors import ApiError
from reference.oa.models import AccessToken, User

INTEGRATION_USER = "hub-integration"
_bearer = HTTPBearer(auto_error=False, description="personal access token")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the integration user or an approver with a role."""

    user: str
    role: str

    @property
    def is_integration(self) -> bool:
        return self.role == "integration"


def token_digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _lookup(factory: sessionmaker[Session], token: str) -> Principal | None:
    with factory() as session:
        row = session.execute(
            sa.select(User.user_id, User.role)
            .join(AccessToken, AccessToken.user_id == User.user_id)
            .where(AccessToken.token_sha256 == token_digest(token))
        ).first()
    return None if row is None else Principal(row[0], row[1])


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """401 unless a valid bearer token is presented."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "a bearer token is required", "Authorization")
    token = credentials.credentials
    expected: str = request.app.state.integration_token
    if hmac.compare_digest(token.encode(), expected.encode()):
        return Principal(INTEGRATION_USER, "integration")
    found = _lookup(request.app.state.sessionmaker, token)
    if found is None:
        raise ApiError(401, "unauthorized", "the bearer token is not valid", "Authorization")
    return found


PrincipalDep = Annotated[Principal, Depends(principal)]


def integration_only(who: PrincipalDep) -> Principal:
    """403 for anyone but the integration user."""
    if not who.is_integration:
        raise ApiError(
            403, "forbidden", f"user {who.user} may not manage callbacks", "Authorization"
        )
    return who


IntegrationDep = Annotated[Principal, Depends(integration_only)]
