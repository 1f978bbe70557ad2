"""The envelope every record travels in, and ``Record[T]`` = envelope + payload."""

from __future__ import annotations

import hashlib
from typing import Annotated, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, Field, StringConstraints, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.scalars import Identifier, SystemName, UtcDatetime

EntityType = Literal[
    "Customer",
    "Product",
    "Order",
    "StockLevel",
    "Supplier",
    "PurchaseOrder",
    "Shipment",
    "Invoice",
    "ApprovalRequest",
]
SCHEMA_VERSION = "1.0.0"

ContentHash = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
SchemaVersion = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]

PayloadT = TypeVar("PayloadT", bound=BaseModel)


class Envelope(CanonicalModel):
    """Where a record came from and how to deduplicate it."""

    message_id: Identifier = Field(description="Idempotency key: one id per message.")
    entity_type: EntityType
    schema_version: SchemaVersion = SCHEMA_VERSION
    source_system: SystemName
    source_id: Identifier
    source_updated_at: UtcDatetime
    correlation_id: Identifier | None = None
    content_hash: ContentHash | None = None
    deleted: bool = Field(default=False, description="Tombstone: the source deleted it.")


class Record(CanonicalModel, Generic[PayloadT]):
    """An envelope with its payload; a tombstone may omit the payload."""

    envelope: Envelope
    payload: PayloadT | None = None

    @model_validator(mode="after")
    def _payload_matches(self) -> Self:
        if self.payload is None:
            if not self.envelope.deleted:
                raise invariant_error(
                    "payload_missing", "payload", "only a tombstone (deleted) may omit it"
                )
            return self
        name = type(self.payload).__name__
        if name != self.envelope.entity_type:
            raise invariant_error(
                "entity_type_mismatch",
                "envelope.entity_type",
                f"{self.envelope.entity_type} does not match payload {name}",
            )
        return self


def content_hash(payload: BaseModel) -> str:
    """``sha256:<hex>`` of the payload's JSON, for change detection."""
    # model_dump_json writes fields in declaration order, so equal payloads hash equal.
    return "sha256:" + hashlib.sha256(payload.model_dump_json().encode()).hexdigest()
