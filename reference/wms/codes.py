"""Movement types and reason codes, the WMS's fixed vocabularies."""

from __future__ import annotations

from typing import Final

REASON_CODES: Final[dict[str, str]] = {
    "OPEN": "opening balance",
    "RCV": "received from supplier",
    "RTN": "customer return",
    "PCK": "picked for a shipment",
    "ISS": "issued without a shipment",
    "ALC": "allocated to a shipment",
    "DAL": "deallocated (shipment cancelled)",
    "TRO": "transfer out to another warehouse",
    "TRI": "transfer in from another warehouse",
    "CCV": "cycle count variance",
    "DMG": "damaged",
    "EXP": "expired",
    "LOS": "lost / not found",
    "FND": "found",
    "COR": "booking correction",
    "SHT": "supplier shipped short",
    "OVR": "supplier shipped over",
}

# Which reason codes each movement type accepts.
MOVEMENT_REASONS: Final[dict[str, frozenset[str]]] = {
    "receipt": frozenset({"OPEN", "RCV", "RTN"}),
    "pick": frozenset({"PCK", "ISS"}),
    "adjust": frozenset({"DMG", "EXP", "LOS", "FND", "COR"}),
    "cycle_count": frozenset({"CCV", "DMG", "LOS", "FND"}),
    "transfer_out": frozenset({"TRO"}),
    "transfer_in": frozenset({"TRI"}),
    "allocate": frozenset({"ALC"}),
    "deallocate": frozenset({"DAL"}),
}

# Types a client may post directly; the others are written by their own processes
# (shipments allocate and pick, transfers move out and in, cycle counts adjust).
DIRECT_TYPES: Final[frozenset[str]] = frozenset({"receipt", "pick", "adjust"})

# Receipt discrepancy kinds and the reason codes each accepts (first one is the default).
DISCREPANCY_REASONS: Final[dict[str, tuple[str, ...]]] = {
    "SHORT": ("SHT", "LOS"),
    "OVER": ("OVR", "COR"),
    "DAMAGED": ("DMG",),
}
