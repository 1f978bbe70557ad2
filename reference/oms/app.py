"""Build the OMS FastAPI application over its own database."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from reference.kit.db import make_engine, make_sessionmaker
from reference.oms import (
    routes_customers,
    routes_fulfilment,
    routes_orders,
    routes_products,
    routes_stock,
)
from reference.oms.auth import Keys
from reference.oms.errors import install_handlers
from reference.oms.models import Base
from reference.oms.schemas import HealthOut

TITLE = "Reference OMS"


def create_app(db_url: str) -> FastAPI:
    """The OMS app; creates its tables if they are missing."""
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title=TITLE,
        version="1.0",
        description=(
            "Order management: channel orders, available-to-promise, allocation and the sellable "
            "catalogue. "
            "Send the API key in the X-API-Key header. See reference/oms/README.md."
        ),
        lifespan=lifespan,
    )
    app.state.sessions = make_sessionmaker(engine)
    app.state.write_lock = threading.Lock()
    app.state.keys = Keys.from_env()
    install_handlers(app)

    @app.get("/health", response_model=HealthOut, tags=["health"])
    def health() -> HealthOut:
        return HealthOut(status="ok", system="oms")

    app.include_router(routes_orders.router)
    app.include_router(routes_fulfilment.router)
    app.include_router(routes_stock.router)
    app.include_router(routes_customers.router)
    app.include_router(routes_products.router)
    return app
