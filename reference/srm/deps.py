"""Dependencies shared by the SRM routers: a database session and paging parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import AwareDatetime
from sqlalchemy.orm import Session, sessionmaker


def _session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


@dataclass(frozen=True)
class Paging:
    """``updated_since`` (inclusive, with offset) plus ``offset``/``limit``."""

    updated_since: AwareDatetime | None
    offset: int
    limit: int


def _paging(
    updated_since: Annotated[
        AwareDatetime | None, Query(description="inclusive lower bound, ISO-8601 with offset")
    ] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Paging:
    return Paging(updated_since, offset, limit)


SessionDep = Annotated[Session, Depends(_session)]
PagingDep = Annotated[Paging, Depends(_paging)]
