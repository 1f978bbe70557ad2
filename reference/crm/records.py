"""Lifecycle helpers every CRM record shares: ids, versions, ETags, tombstones, responses."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from fastapi.responses import JSONResponse
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from reference.crm.errors import ApiError, not_found
from reference.crm.models import RecordMixin
from reference.crm.paging import Page
from reference.crm.types import timestamp_text

R = TypeVar("R", bound=RecordMixin)


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def etag(row: RecordMixin) -> str:
    return f'"{row.version}"'


def stamp_new(row: RecordMixin, record_id: str, now: datetime) -> None:
    row.id = record_id
    row.created_at = now
    row.last_modified = now
    row.version = 1
    row.deleted = False


def touch(row: RecordMixin, now: datetime) -> None:
    """Record a change: a new lastModified and the next version (hence a new ETag)."""
    row.last_modified = now
    row.version = row.version + 1


def load(session: Session, model: type[R], record_id: str, kind: str) -> R:
    """A live record; 404 if it never existed, 410 if it was deleted."""
    row = session.get(model, record_id)
    if row is None:
        raise not_found(kind, record_id)
    if row.deleted:
        raise ApiError(410, "deleted", f"{kind} {record_id} was deleted")
    return row


def load_reference(session: Session, model: type[R], record_id: str, field: str, kind: str) -> R:
    """A live record named in a request body; 422 naming ``field`` when it is not there."""
    row = session.get(model, record_id)
    if row is None or row.deleted:
        raise ApiError(
            422, "unknown_reference", f"{field}: {kind} {record_id} does not exist", field=field
        )
    return row


def check_if_match(row: RecordMixin, header: str | None, *, required: bool) -> None:
    """Optimistic concurrency: 428 when If-Match is required but absent, 412 on mismatch."""
    if header is None:
        if required:
            raise ApiError(
                428,
                "precondition_required",
                "If-Match: send the ETag of the version you changed",
                field="If-Match",
            )
        return
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" in tags or etag(row) in tags:
        return
    raise ApiError(
        412,
        "precondition_failed",
        f"If-Match: the record is at version {row.version} (ETag {etag(row)})",
        field="If-Match",
        headers={"ETag": etag(row)},
    )


def reject_nulls(changes: dict[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if name in changes and changes[name] is None:
            field = to_camel(name)
            raise ApiError(422, "invalid", f"{field}: may not be null", field=field)


def tombstone(id_key: str, row: RecordMixin) -> dict[str, Any]:
    return {id_key: row.id, "deleted": True, "lastModified": timestamp_text(row.last_modified)}


def record_response(
    body: dict[str, Any], row: RecordMixin, *, status: int = 200, location: str | None = None
) -> JSONResponse:
    headers = {"ETag": etag(row)}
    if location:
        headers["Location"] = location
    return JSONResponse(body, status_code=status, headers=headers)


def page_response(items: Sequence[dict[str, Any]], page: Page[Any]) -> JSONResponse:
    return JSONResponse(
        {
            "items": list(items),
            "next_cursor": page.next_cursor,
            "resume_cursor": page.resume_cursor,
        }
    )
