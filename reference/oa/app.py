"""Build the OA workflow engine's FastAPI app over its own database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from reference.kit.db import make_engine, make_sessionmaker
from reference.kit.errors import install_error_handlers
from reference.oa import routes_definitions, routes_instances, routes_tasks
from reference.oa.dispatcher import CallbackDispatcher
from reference.oa.models import Base

# Published demo credentials; each is overridden by its environment variable.
DEMO_TOKEN = "oa-demo-token"  # noqa: S105
DEMO_CALLBACK_SECRET = "oa-callback-secret"  # noqa: S105
DEMO_APPROVER_PREFIX = "oa-token-"
TOKEN_ENV = "REF_OA_TOKEN"  # noqa: S105 - a variable name, not a secret
SECRET_ENV = "REF_OA_CALLBACK_SECRET"  # noqa: S105 - a variable name
PREFIX_ENV = "REF_OA_APPROVER_TOKEN_PREFIX"


def integration_token() -> str:
    """The hub integration user's token."""
    return os.environ.get(TOKEN_ENV) or DEMO_TOKEN


def callback_secret() -> str:
    """The shared secret that signs callbacks."""
    return os.environ.get(SECRET_ENV) or DEMO_CALLBACK_SECRET


def approver_token(user: str) -> str:
    """The personal access token seeded for approver ``user``."""
    return (os.environ.get(PREFIX_ENV) or DEMO_APPROVER_PREFIX) + user


def create_app(
    db_url: str,
    *,
    token: str | None = None,
    secret: str | None = None,
    retry_delays: tuple[float, ...] = (0.2, 1.0, 3.0),
) -> FastAPI:
    """The OA app; creates its tables if they are missing."""
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    factory = make_sessionmaker(engine)
    dispatcher = CallbackDispatcher(factory, secret or callback_secret(), delays=retry_delays)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        dispatcher.start()
        yield
        dispatcher.stop()
        engine.dispose()

    app = FastAPI(
        title="Reference OA workflow engine",
        version="1.0",
        description="Camunda-like approvals: process definitions, instances by businessKey, "
        "tasks per assignee, history and signed completion callbacks. "
        "Authorization: Bearer <personal access token>.",
        lifespan=lifespan,
    )
    app.state.sessionmaker = factory
    app.state.integration_token = token or integration_token()
    app.state.dispatcher = dispatcher
    install_error_handlers(app)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        """Liveness, without auth."""
        return {"status": "ok", "system": "oa"}

    for router in (routes_definitions.router, routes_instances.router, routes_tasks.router):
        app.include_router(router)
    return app
