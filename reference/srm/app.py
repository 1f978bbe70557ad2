"""Build the SRM portal's FastAPI app over its own database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

from reference.kit.db import make_engine, make_sessionmaker
from reference.kit.errors import install_error_handlers
from reference.srm import routes_orders, routes_statements, routes_vendors
from reference.srm.auth import install_log_redaction, require_api_key
from reference.srm.models import Base

DEMO_API_KEY = "srm-demo-key"  # a published demo credential
API_KEY_ENV = "REF_SRM_API_KEY"


def api_key_from_env() -> str:
    """The API key the portal accepts: REF_SRM_API_KEY, or the demo key."""
    return os.environ.get(API_KEY_ENV) or DEMO_API_KEY


def create_app(db_url: str, *, api_key: str | None = None) -> FastAPI:
    """The SRM app; creates its tables if they are missing."""
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Reference SRM supplier portal",
        version="1.0",
        description="Vendors, certificates, scorecards, purchase orders and reconciliation. "
        "Every data endpoint needs ?apikey=...; money is a decimal string.",
        lifespan=lifespan,
    )
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.api_key = api_key or api_key_from_env()
    install_error_handlers(app)
    install_log_redaction()

    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        """Liveness, without auth."""
        return {"status": "ok", "system": "srm"}

    guarded = [Depends(require_api_key)]
    for router in (routes_vendors.router, routes_orders.router, routes_statements.router):
        app.include_router(router, dependencies=guarded)
    return app
