"""Warehouse staff: ship released shipment requests and receive expected receipts (WMS)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import requests

from reference.actors.base import Actor

log = logging.getLogger(__name__)

# Shipment status -> the WMS action that moves it one step towards SHIPPED.
_NEXT_ACTION = {
    "REQUESTED": "allocate",
    "ALLOCATED": "pick",
    "PICKED": "pack",
    "PACKED": "ship",
}


@dataclass(frozen=True)
class Discrepancy:
    """How a receipt deviates from its ASN, per line: short, over and damaged units.

    ``short`` and ``over`` are signed by their names (both >= 0); ``damaged`` units arrive
    but never enter stock. ``lines`` limits it to some ASN line numbers (None: every line).
    """

    short: int = 0
    over: int = 0
    damaged: int = 0
    lines: frozenset[int] | None = None

    def applies(self, line_no: int) -> bool:
        return self.lines is None or line_no in self.lines


class WarehouseStaff(Actor):
    """Pick, pack and ship shipment requests; receive ASNs, in full or with a discrepancy.

    Works the WMS only through its REST API (HTTP basic auth). One :meth:`step` moves
    every open shipment one status forward (so a shipment needs four rounds to leave) and
    receives every open ASN it is allowed to. ``discrepancies`` maps an ASN number (or a
    PO reference, or ``"*"``) to the :class:`Discrepancy` its receipt should show.
    """

    name = "warehouse"

    def __init__(
        self,
        base_url: str,
        user: str,
        password: str,
        *,
        warehouses: tuple[str, ...] | None = None,
        carrier: str = "DHL",
        ship: bool = True,
        receive: bool = True,
        discrepancies: Mapping[str, Discrepancy] | None = None,
        receive_filter: Callable[[Mapping[str, Any]], bool] | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
        interval: float = 0.2,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(interval=interval)
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = (user, password)
        self.timeout = timeout
        self.warehouses = warehouses
        self.carrier = carrier
        self.ship = ship
        self.receive = receive
        self.discrepancies = dict(discrepancies or {})
        self.receive_filter = receive_filter
        self.today = today
        self.stuck: dict[str, str] = {}  # shp_no -> why it cannot move (e.g. insufficient_stock)

    # --- one round ------------------------------------------------------------------------

    def step(self) -> int:
        done = 0
        if self.ship:
            done += self.ship_round()
        if self.receive:
            done += self.receive_round()
        return done

    def ship_round(self) -> int:
        """Move every open shipment one status forward; returns how many moved."""
        moved = 0
        for status in ("PACKED", "PICKED", "ALLOCATED", "REQUESTED"):
            for shipment in list(self._pages("/shipments", {"status": status})):
                if self.warehouses and shipment["whse"] not in self.warehouses:
                    continue
                if self.advance(shipment) is not None:
                    moved += 1
        return moved

    def advance(self, shipment: Mapping[str, Any]) -> dict[str, Any] | None:
        """Do the next action on one shipment; None when the WMS refuses it (logged)."""
        action = _NEXT_ACTION.get(str(shipment["status"]))
        if action is None:
            return None
        shp_no = str(shipment["shp_no"])
        body: dict[str, Any] | None = None
        if action == "ship":
            body = {
                "carrier": self.carrier,
                "tracking_no": self.tracking_number(shp_no),
                "ship_date": self.today().isoformat(),
            }
        response = self.session.post(
            f"{self.base_url}/shipments/{shp_no}/{action}", json=body, timeout=self.timeout
        )
        if response.status_code == 409:
            code = _error_code(response)
            self.stuck[shp_no] = code
            log.info("warehouse: cannot %s %s (%s)", action, shp_no, code)
            return None
        response.raise_for_status()
        self.stuck.pop(shp_no, None)
        result: dict[str, Any] = response.json()
        return result

    def ship_all(self, shp_no: str) -> dict[str, Any]:
        """Take one shipment all the way to SHIPPED now (for tests and demos)."""
        shipment = self._get(f"/shipments/{shp_no}")
        while shipment["status"] in _NEXT_ACTION:
            moved = self.advance(shipment)
            if moved is None:
                raise RuntimeError(f"shipment {shp_no} stuck at {shipment['status']}")
            shipment = moved
        return shipment

    def tracking_number(self, shp_no: str) -> str:
        """A carrier tracking number, stable per shipment (a replayed ship sends the same)."""
        digest = hashlib.sha256(f"{self.carrier}/{shp_no}".encode()).hexdigest()
        return f"{self.carrier}{int(digest[:12], 16) % 10**10:010d}"

    # --- receiving ------------------------------------------------------------------------

    def receive_round(self) -> int:
        """Receive every open ASN (that the filter lets through); returns how many."""
        received = 0
        for asn in list(self._pages("/asns", {"status": "OPEN"})):
            if self.warehouses and asn["whse"] not in self.warehouses:
                continue
            if self.receive_filter is not None and not self.receive_filter(asn):
                continue
            self.receive_asn(str(asn["asn_no"]))
            received += 1
        return received

    def receive_asn(self, asn_no: str, discrepancy: Discrepancy | None = None) -> dict[str, Any]:
        """Receive one ASN at its warehouse's dock: in full, or with ``discrepancy``.

        Without an explicit ``discrepancy`` the one configured for the ASN number, its PO
        reference or ``"*"`` applies. Idempotent: the receipt number derives from the ASN,
        so receiving again returns the first receipt.
        """
        asn = self._get(f"/asns/{asn_no}")
        chosen = discrepancy or self._discrepancy_for(asn)
        lines = []
        for line in asn["lines"]:
            expected = int(line["qty"])
            got, damaged = expected, 0
            if chosen is not None and chosen.applies(int(line["line_no"])):
                damaged = min(chosen.damaged, expected)
                got = max(0, expected - chosen.short - damaged) + chosen.over
            entry: dict[str, Any] = {
                "line_no": line["line_no"],
                "received_qty": got,
                "damaged_qty": damaged,
            }
            if chosen is not None and chosen.applies(int(line["line_no"])) and chosen.short:
                entry["reason_code"] = "SHT"
            elif chosen is not None and chosen.applies(int(line["line_no"])) and chosen.over:
                entry["reason_code"] = "OVR"
            lot = line.get("lot_no") or self._lot_for(str(line["item_code"]), asn_no)
            if lot:
                entry["lot_no"] = lot
            lines.append(entry)
        dock = self.dock(str(asn["whse"]))
        body = {"receipt_no": f"RC-{asn_no}"[:40], "loc": dock, "lines": lines}
        response = self.session.post(
            f"{self.base_url}/asns/{asn_no}/receipts", json=body, timeout=self.timeout
        )
        response.raise_for_status()  # a replay of the same receipt answers 200 with it
        receipt: dict[str, Any] = response.json()
        return receipt

    def dock(self, whse: str) -> str:
        """The warehouse's receiving dock location."""
        for location in self._pages("/locations", {"whse": whse}):
            if location.get("loc_type") == "DOCK":
                return str(location["loc"])
        raise LookupError(f"warehouse {whse} has no receiving dock")

    def _discrepancy_for(self, asn: Mapping[str, Any]) -> Discrepancy | None:
        for key in (asn["asn_no"], asn.get("po_ref"), "*"):
            if key in self.discrepancies:
                return self.discrepancies[key]
        return None

    def _lot_for(self, item_code: str, asn_no: str) -> str | None:
        item = self._get(f"/items/{item_code}")
        if not item.get("lot_tracked"):
            return None
        # A lot-tracked item always moves with a lot; the supplier sent none, so the
        # receiving clerk labels the goods with the receipt's own lot.
        return f"L{asn_no}"[-30:]

    # --- HTTP -------------------------------------------------------------------------------

    def _get(self, path: str) -> dict[str, Any]:
        response = self.session.get(f"{self.base_url}{path}", timeout=self.timeout)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            response = self.session.get(
                f"{self.base_url}{path}",
                params={**params, "page": page, "page_size": 200},
                timeout=self.timeout,
            )
            response.raise_for_status()
            body = response.json()
            yield from body["items"]
            if page >= int(body.get("total_pages") or 1):
                return
            page += 1

    def close(self) -> None:
        """Stop working and close the HTTP session."""
        self.stop()
        self.session.close()


def _error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"http_{response.status_code}"
    if isinstance(body, dict):
        return str(body.get("code") or body.get("error", {}).get("code") or "conflict")
    return "conflict"
