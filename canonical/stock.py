"""StockLevel snapshots and StockAdjustment deltas, kept apart on purpose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.codes import UnitCode
from canonical.decimals import Dec, NonNegativeDec
from canonical.scalars import Code, Gln, Gtin, HubId, Identifier, UtcDatetime

StockStatus = Literal["unrestricted", "quality_inspection", "blocked", "damaged"]
AdjustmentKind = Literal["receipt", "pick", "adjust", "cycle_count", "transfer"]


class StockLevel(CanonicalModel):
    """Stock of one product at one place/lot/status at one moment.

    ``sequence`` grows with every snapshot from the source; a consumer keeps the highest
    one it has seen and drops older snapshots (:meth:`supersedes`).
    """

    hub_id: HubId | None = None
    sku: Identifier
    gtin: Gtin | None = None
    warehouse_id: Identifier
    warehouse_gln: Gln | None = None
    location: Identifier | None = None
    lot: Identifier | None = None
    serial: Identifier | None = None
    expiry: date | None = None
    stock_status: StockStatus = "unrestricted"
    uom: UnitCode
    on_hand: Dec
    allocated: NonNegativeDec = Decimal(0)
    available: Dec
    incoming: NonNegativeDec = Decimal(0)
    safety_stock: NonNegativeDec = Decimal(0)
    as_of: UtcDatetime
    sequence: int = Field(ge=0)

    @model_validator(mode="after")
    def _available_adds_up(self) -> Self:
        expected = self.on_hand - self.allocated
        if self.available != expected:
            raise invariant_error(
                "available_mismatch",
                "available",
                f"expected on_hand - allocated = {expected}, got {self.available}",
            )
        return self

    def supersedes(self, other: StockLevel | None) -> bool:
        """True when this snapshot is newer than ``other`` (a stale one is dropped)."""
        return other is None or self.sequence > other.sequence


class StockAdjustment(CanonicalModel):
    """A stock movement: a signed delta with its reason, applied once by its key."""

    idempotency_key: Identifier
    kind: AdjustmentKind
    reason_code: Code
    sku: Identifier
    warehouse_id: Identifier
    location: Identifier | None = None
    to_warehouse_id: Identifier | None = None
    to_location: Identifier | None = None
    lot: Identifier | None = None
    serial: Identifier | None = None
    stock_status: StockStatus = "unrestricted"
    uom: UnitCode
    delta: Dec
    occurred_at: UtcDatetime
