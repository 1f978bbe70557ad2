"""FastAPI dependencies shared by the routers: the database and time filters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from reference.wms.db import Database
from reference.wms.errors import invalid


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(database)]


def aware(value: datetime | None, field: str) -> datetime | None:
    """Time filters must say which zone they are in; a naive time is refused."""
    if value is not None and value.tzinfo is None:
        raise invalid(field, "a timestamp with a UTC offset is required (e.g. ...+00:00)")
    return value
