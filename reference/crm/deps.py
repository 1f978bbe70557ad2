"""FastAPI dependencies: an authorised session per request and the list parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy.orm import Session

from reference.crm.auth import Principal, require, runtime_of
from reference.crm.config import Runtime
from reference.crm.paging import MAX_LIMIT, ListQuery, build_query


@dataclass
class Ctx:
    """What a route works with: the app's runtime, a session and the authorised caller."""

    runtime: Runtime
    session: Session
    principal: Principal


def _ctx(request: Request, principal: Principal) -> Iterator[Ctx]:
    runtime = runtime_of(request)
    with runtime.sessions() as session:
        yield Ctx(runtime, session, principal)


def read_ctx(
    request: Request, principal: Annotated[Principal, Depends(require("crm.read"))]
) -> Iterator[Ctx]:
    yield from _ctx(request, principal)


def write_ctx(
    request: Request, principal: Annotated[Principal, Depends(require("crm.write"))]
) -> Iterator[Ctx]:
    yield from _ctx(request, principal)


Reader = Annotated[Ctx, Depends(read_ctx)]
Writer = Annotated[Ctx, Depends(write_ctx)]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="ETag of the version being changed (required)"),
]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Retry-safe create: same key, same response"),
]


@dataclass
class ListArgs:
    cursor: str | None
    limit: int | None
    updated_since: datetime | None
    include_deleted: bool | None

    def query(self, **filters: str | None) -> ListQuery:
        return build_query(
            cursor=self.cursor,
            limit=self.limit,
            updated_since=self.updated_since,
            include_deleted=self.include_deleted,
            filters=filters,
        )


def list_args(
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description="default 100")] = None,
    updated_since: Annotated[
        datetime | None,
        Query(description="inclusive lower bound on lastModified, with UTC offset"),
    ] = None,
    include_deleted: Annotated[
        bool | None,
        Query(description="tombstones too; defaults to true with updated_since, else false"),
    ] = None,
) -> ListArgs:
    return ListArgs(cursor, limit, updated_since, include_deleted)


Listing = Annotated[ListArgs, Depends(list_args)]
