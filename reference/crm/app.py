"""Build the CRM's FastAPI application over its database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from reference.crm import (
    errors,
    routes_accounts,
    routes_auth,
    routes_deals,
    routes_history,
    routes_people,
    routes_products,
)
from reference.crm.config import CrmSettings, Runtime
from reference.crm.gate import WriteGate
from reference.crm.models import Base
from reference.kit.db import make_engine, make_sessionmaker

DESCRIPTION = """Reference CRM: accounts, contacts, leads, opportunities, service tickets,
order history, credit-limit requests and a product catalogue with price book entries.
OAuth2 client credentials (POST /oauth/token), scopes crm.read and crm.write. Lists page
by an opaque `next_cursor` in (lastModified, id) order. Money is a decimal string
("25000.00"); timestamps are ISO 8601 UTC with offset."""


def create_app(db_url: str, settings: CrmSettings | None = None) -> FastAPI:
    """The CRM app on ``db_url``; creates its tables if they are missing."""
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        gate = WriteGate.from_database(session)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Reference CRM", version="1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.crm = Runtime(settings or CrmSettings.from_env(), sessions, gate)
    errors.install(app)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok", "system": "crm"}

    modules = (
        routes_auth,
        routes_accounts,
        routes_people,
        routes_deals,
        routes_history,
        routes_products,
    )
    for module in modules:
        app.include_router(module.router)
    return app
