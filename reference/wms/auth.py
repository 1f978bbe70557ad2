"""HTTP basic auth with two roles: ``operator`` may write, ``viewer`` may only read."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from reference.wms.errors import WmsError

Role = Literal["operator", "viewer"]
REALM = "wms"
DEMO_USER, DEMO_PASSWORD = "hub", "wms-demo-secret"
DEMO_VIEWER, DEMO_VIEWER_PASSWORD = "viewer", "wms-viewer"


@dataclass(frozen=True)
class User:
    name: str
    role: Role


@dataclass(frozen=True)
class Account:
    name: str
    password: str
    role: Role


def load_accounts() -> tuple[Account, ...]:
    """The demo accounts, each part overridable: REF_WMS_USER / REF_WMS_PASSWORD (operator),
    REF_WMS_VIEWER_USER / REF_WMS_VIEWER_PASSWORD (read only)."""
    env = os.environ.get
    return (
        Account(env("REF_WMS_USER", DEMO_USER), env("REF_WMS_PASSWORD", DEMO_PASSWORD), "operator"),
        Account(
            env("REF_WMS_VIEWER_USER", DEMO_VIEWER),
            env("REF_WMS_VIEWER_PASSWORD", DEMO_VIEWER_PASSWORD),
            "viewer",
        ),
    )


_basic = HTTPBasic(auto_error=False, realm=REALM, description="WMS user and password")


def _unauthorized(message: str) -> WmsError:
    error = WmsError(401, "unauthorized", message)
    error.headers = {"WWW-Authenticate": f'Basic realm="{REALM}"'}
    return error


def authenticate(accounts: tuple[Account, ...], name: str, password: str) -> User | None:
    """The user these credentials belong to; compares every account in constant time."""
    found: User | None = None
    for account in accounts:
        name_ok = secrets.compare_digest(account.name.encode(), name.encode())
        password_ok = secrets.compare_digest(account.password.encode(), password.encode())
        if name_ok and password_ok:
            found = User(account.name, account.role)
    return found


def current_user(
    request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]
) -> User:
    """Any authenticated user (read access)."""
    if credentials is None:
        raise _unauthorized("authentication required (HTTP basic)")
    accounts: tuple[Account, ...] = request.app.state.accounts
    user = authenticate(accounts, credentials.username, credentials.password)
    if user is None:
        # Neither the user name nor the password is echoed back.
        raise _unauthorized("invalid user or password")
    return user


def operator(user: Annotated[User, Depends(current_user)]) -> User:
    """A user allowed to write."""
    if user.role != "operator":
        raise WmsError(403, "forbidden", f"role {user.role} may not change data")
    return user


Reader = Annotated[User, Depends(current_user)]
Writer = Annotated[User, Depends(operator)]
