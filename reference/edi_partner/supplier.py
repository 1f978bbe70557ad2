"""A supplier: answers each purchase order with a confirmation, a ship notice and an invoice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from canonical import Invoice, PurchaseOrder, Shipment
from canonical.invoice import InvoiceLine
from canonical.pricing import compute_line_total, compute_tax_subtotals, compute_totals
from canonical.purchase_order import PurchaseOrderLine, SupplierConfirmation
from canonical.shipment import Carrier, Package, ShipmentLine
from canonical.types import Money, Quantity
from connectors.edi.core.detect import parse_file
from connectors.edi.core.errors import EdiError
from connectors.edi.edifact.translate import (
    invoice_to_invoic,
    orders_to_purchase_order,
    purchase_order_to_ordrsp,
    shipment_to_desadv,
)
from connectors.edi.x12.translate import (
    invoice_to_810,
    purchase_order_to_855,
    shipment_to_856,
    x12_850_to_purchase_order,
)
from reference.edi_partner.identity import Counter, Identity
from reference.edi_partner.mailbox import Mailbox
from reference.edi_partner.writing import acknowledgement, envelope

Behaviour = Literal["full", "partial", "backorder", "price_deviation", "late"]
BEHAVIOURS: tuple[Behaviour, ...] = ("full", "partial", "backorder", "price_deviation", "late")


def _gs1_check(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


@dataclass
class Answer:
    """What the supplier sent for one purchase order."""

    po_number: str
    files: list[str] = field(default_factory=list)
    confirmed: dict[int, str] = field(default_factory=dict)  # line -> status


class SupplierSimulator:
    """Reads purchase orders from its pickup folder and answers them per ``behaviour``."""

    def __init__(
        self,
        mailbox: Mailbox,
        identity: Identity,
        *,
        behaviour: Behaviour = "full",
        drop_folder: str = "inbox",
        pickup_folder: str = "outbox",
        counter: Counter | None = None,
        today: date | None = None,
    ) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {BEHAVIOURS}")
        self.mailbox = mailbox
        self.identity = identity
        self.behaviour = behaviour
        self.drop_folder = drop_folder
        self.pickup_folder = pickup_folder
        self.counter = counter or Counter(5000)
        self.today = today or datetime.now(UTC).date()
        self.orders: list[PurchaseOrder] = []
        self.acks_received: list[str] = []  # names of 997/CONTRL files from the hub
        self._sscc = 0

    def run_once(self) -> list[Answer]:
        """Answer every purchase order waiting in the pickup folder."""
        answers = []
        for name in self.mailbox.list(self.pickup_folder):
            data = self.mailbox.take(self.pickup_folder, name)
            try:
                interchanges = parse_file(data)
            except EdiError:
                continue
            for ic in interchanges:
                types = [tx.type for tx in ic.transactions]
                if types and all(t in ("997", "CONTRL") for t in types):
                    self.acks_received.append(name)
                    continue
                ack = acknowledgement(self.identity, self.counter, ic)
                self.mailbox.put(self.drop_folder, f"ack_{name}", ack.encode("utf-8"))
                decimal = ic.separators.decimal or "."
                for tx in ic.transactions:
                    if tx.type == "850":
                        po = x12_850_to_purchase_order(tx)
                    elif tx.type == "ORDERS":
                        po = orders_to_purchase_order(tx, None, decimal)
                    else:
                        continue
                    self.orders.append(po)
                    answers.append(self.answer(po))
        return answers

    def answer(self, po: PurchaseOrder) -> Answer:
        """Send the confirmation, ship notice and invoice for ``po``."""
        confirmed = self.confirm(po)
        shipment = self.ship(confirmed)
        invoice = self.invoice(confirmed, shipment)
        out = Answer(po.po_number)
        out.confirmed = {
            x.line_no: x.confirmation.status for x in confirmed.lines if x.confirmation
        }
        x12 = self.identity.standard == "x12"
        documents: list[tuple[str, list[Any]]] = [
            ("855", purchase_order_to_855(confirmed, self.today))
            if x12
            else ("ORDRSP", purchase_order_to_ordrsp(confirmed)),
        ]
        if shipment is not None:
            documents.append(
                ("856", shipment_to_856(shipment, datetime.now(UTC).replace(microsecond=0)))
                if x12
                else ("DESADV", shipment_to_desadv(shipment))
            )
        if invoice is not None:
            documents.append(
                ("810", invoice_to_810(invoice)) if x12 else ("INVOIC", invoice_to_invoic(invoice))
            )
        for edi_type, body in documents:
            text, icn = envelope(self.identity, self.counter, edi_type, body)
            name = f"{edi_type}_{po.po_number}_{icn}.edi"
            self.mailbox.put(self.drop_folder, name, text.encode("utf-8"))
            out.files.append(name)
        return out

    # -- documents -------------------------------------------------------------------

    def confirm(self, po: PurchaseOrder) -> PurchaseOrder:
        """``po`` with a confirmation on every line, per the behaviour."""
        promised = po.requested_delivery_date or self.today + timedelta(days=5)
        if self.behaviour == "late":
            promised += timedelta(days=14)
        stamp = datetime.now(UTC).replace(microsecond=0)
        lines = []
        for i, line in enumerate(po.lines):
            qty = line.quantity.value
            conf: dict[str, Any] = {
                "status": "accepted",
                "quantity": qty,
                "delivery_date": promised,
                "confirmed_at": stamp,
            }
            if self.behaviour == "partial":
                conf.update(status="changed", quantity=(qty / 2).to_integral_value() or Decimal(1))
            elif self.behaviour == "backorder" and i == 0:
                conf.update(status="backordered", quantity=Decimal(0), note="Out of stock")
            elif self.behaviour == "price_deviation":
                price = (line.unit_price.amount * Decimal("1.10")).quantize(Decimal("0.01"))
                conf.update(
                    status="changed",
                    unit_price=Money(amount=price, currency=line.unit_price.currency),
                    note="Price list 2025 applies",
                )
            lines.append(line.model_copy(update={"confirmation": SupplierConfirmation(**conf)}))
        return po.model_copy(update={"lines": tuple(lines), "status": "acknowledged"})

    def _shipped_quantity(self, line: PurchaseOrderLine) -> Decimal:
        conf = line.confirmation
        if conf is None or conf.status in ("rejected", "backordered"):
            return Decimal(0)
        return conf.quantity if conf.quantity is not None else line.quantity.value

    def ship(self, po: PurchaseOrder) -> Shipment | None:
        """The ship notice for what was confirmed (None when nothing ships)."""
        lines: list[ShipmentLine] = []
        for line in po.lines:
            qty = self._shipped_quantity(line)
            if qty <= 0:
                continue
            lines.append(
                ShipmentLine(
                    line_no=len(lines) + 1,
                    sku=line.sku,
                    gtin=line.gtin,
                    quantity=Quantity(value=qty, uom=line.quantity.uom),
                    order_ref=po.po_number,
                    order_line_no=line.line_no,
                )
            )
        if not lines:
            return None
        self._sscc += 1
        ship_date = self.today + (timedelta(days=14) if self.behaviour == "late" else timedelta())
        return Shipment(
            shipment_number=f"ASN-{po.po_number}",
            status="shipped",
            purchase_order_refs=(po.po_number,),
            ship_from=po.supplier,
            ship_to=po.ship_to or po.buyer or po.supplier,
            carrier=Carrier(name="Simulated Freight", scac="SIMF"),
            tracking_number=f"TRK{po.po_number}".replace("-", ""),
            ship_date=ship_date,
            packages=(Package(sscc=_gs1_check(f"0400000{self._sscc:010d}"), lines=tuple(lines)),),
        )

    def invoice(self, po: PurchaseOrder, shipment: Shipment | None) -> Invoice | None:
        """The invoice for what shipped, at the confirmed prices."""
        if shipment is None:
            return None
        lines: list[InvoiceLine] = []
        for line in po.lines:
            qty = self._shipped_quantity(line)
            if qty <= 0:
                continue
            conf = line.confirmation
            price = conf.unit_price if conf is not None and conf.unit_price else line.unit_price
            total = compute_line_total(qty, price.amount, line.base_quantity, (), po.currency)
            lines.append(
                InvoiceLine(
                    line_no=len(lines) + 1,
                    sku=line.sku,
                    gtin=line.gtin,
                    description=line.description,
                    quantity=Quantity(value=qty, uom=line.quantity.uom),
                    unit_price=price,
                    base_quantity=line.base_quantity,
                    tax_category=line.tax_category,
                    tax_rate=line.tax_rate,
                    line_total=Money(amount=total, currency=po.currency),
                    order_ref=po.po_number,
                    order_line_no=line.line_no,
                )
            )
        subtotals = compute_tax_subtotals(lines, (), po.currency)
        return Invoice(
            invoice_number=f"INV-{po.po_number}",
            issue_date=self.today,
            due_date=self.today + timedelta(days=30),
            purchase_order_refs=(po.po_number,),
            seller=po.supplier,
            buyer=po.buyer or po.bill_to or po.ship_to or po.supplier,
            currency=po.currency,
            lines=tuple(lines),
            tax_subtotals=subtotals,
            totals=compute_totals(lines, (), subtotals, po.currency),
        )
