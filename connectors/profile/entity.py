"""Entities: what a system holds, how to read it (incrementally) and how to write it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from connectors.profile.common import RateLimit, StrictModel
from connectors.profile.pagination import NoPagination, Pagination


class Incremental(StrictModel):
    """How to read only what changed since the last cursor."""

    param: str = Field(description="Query parameter for 'changed since', e.g. updated_since.")
    cursor_field: str = Field(description="Record field (dotted path) holding the change time.")
    format: Literal["iso", "epoch_ms"] = Field(
        "iso", description="How the field and parameter are written: ISO 8601 or epoch millis."
    )
    sorted: bool = Field(
        True,
        description="The system returns records in cursor order; if false, only the last "
        "batch of a read advances the cursor.",
    )


class WriteSpec(StrictModel):
    """How records are written to the entity."""

    method: Literal["POST", "PUT", "PATCH"] = Field("POST", description="HTTP method.")
    path: str | None = Field(
        None,
        description="Path template, e.g. /contacts or /contacts/{id}; default the entity path.",
    )
    mode: Literal["single", "batch"] = Field(
        "single", description="One request per record, or one per batch."
    )
    upsert_by: str | None = Field(
        None,
        description="Path template addressing a record by external id, e.g. /c/ext/{externalId}.",
    )
    upsert_method: Literal["PUT", "PATCH", "POST"] = Field(
        "PUT", description="Method for upsert_by."
    )
    idempotency_header: str | None = Field(
        None, description="Header for the idempotency key, e.g. Idempotency-Key."
    )
    if_match: bool = Field(False, description="GET the target first and send its ETag in If-Match.")
    body_path: str | None = Field(
        None, description="Batch mode: key wrapping the record list in the body."
    )
    results_path: str | None = Field(
        None, description="Batch mode: where per-record results are in the answer."
    )
    id_path: str | None = Field(
        None, description="Where the target id is in an answer; default id_field."
    )
    batch_size: int = Field(100, ge=1, description="Batch mode: most records per request.")
    omit_path_fields: bool = Field(
        False,
        description="REST: leave the fields a path template used out of the body (for systems "
        "that refuse a body repeating the key, e.g. PUT /items/{item_code}).",
    )
    operation: str | None = Field(
        None, description="SOAP: operation that writes records, e.g. UpsertCustomers."
    )
    record_element: str | None = Field(
        None,
        description="SOAP single writes: request element wrapping the record; none passes the "
        "record's fields as the operation's own elements.",
    )
    index_field: str = Field("Index", description="SOAP batch result: 0-based record position.")
    error_code_field: str = Field("ErrorCode", description="SOAP batch result: error code.")
    error_field_field: str = Field("ErrorField", description="SOAP batch result: failing field.")
    error_message_field: str = Field("ErrorMessage", description="SOAP batch result: error text.")
    idempotency_element: str | None = Field(
        None, description="SOAP: record element filled from the idempotency key, e.g. ExternalRef."
    )
    idempotent_writes: bool = Field(
        False,
        description="SOAP: writes may be resent after a timeout or 5xx (upserts by key); "
        "otherwise only when an idempotency key is given.",
    )


class Entity(StrictModel):
    """One kind of record a system holds, and how to read and write it."""

    path: str | None = Field(None, description="REST: path of the list endpoint, e.g. /contacts.")
    operation: str | None = Field(None, description="SOAP: operation name that lists records.")
    readable: bool = Field(
        True,
        description="False for a write-only entity: the system has no list to read (REST: the "
        "path is then only the default write path).",
    )
    method: Literal["GET", "POST"] = Field("GET", description="HTTP method used for reading.")
    params: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="Fixed query parameters sent with every read."
    )
    records_path: str = Field(
        "$", description="Dotted path to the record list in the body; $ for the root."
    )
    id_field: str = Field("id", description="Record field (dotted path) holding the record's id.")
    pagination: Pagination = Field(
        default_factory=NoPagination, description="How pages follow each other."
    )
    incremental: Incremental | None = Field(
        None, description="Incremental reads; none means full reads."
    )
    batch_size: int = Field(100, ge=1, description="Records per batch yielded by the source.")
    write: WriteSpec | None = Field(None, description="How to write; none means read-only.")
    rate_limit: RateLimit | None = Field(
        None, description="Overrides the system rate limit for this entity."
    )
