"""Dependencies shared by the OA routers: a database session and Camunda-style paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from reference.oa.dispatcher import CallbackDispatcher


def _session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


def _dispatcher(request: Request) -> CallbackDispatcher:
    dispatcher: CallbackDispatcher = request.app.state.dispatcher
    return dispatcher


SessionDep = Annotated[Session, Depends(_session)]
DispatcherDep = Annotated[CallbackDispatcher, Depends(_dispatcher)]
FirstResult = Annotated[int, Query(alias="firstResult", ge=0)]
MaxResults = Annotated[int, Query(alias="maxResults", ge=1, le=500)]
