"""A retail customer: drops orders (850 / ORDERS) into the hub's inbox, collects the answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from canonical import Order
from connectors.edi.core.detect import parse_file
from connectors.edi.core.errors import EdiError
from connectors.edi.edifact import read_contrl
from connectors.edi.edifact.translate import desadv_to_shipment, invoic_to_invoice, order_to_orders
from connectors.edi.edifact.translate.common import first, sections
from connectors.edi.x12.ack import read_997, read_ta1
from connectors.edi.x12.translate import (
    order_to_850,
    x12_810_to_invoice,
    x12_855_to_ack,
    x12_856_to_shipment,
)
from reference.edi_partner.identity import Counter, Identity
from reference.edi_partner.mailbox import Mailbox
from reference.edi_partner.writing import acknowledgement, envelope

EXPECTED = ("997", "855", "856", "810")
_KINDS = {"ORDRSP": "855", "DESADV": "856", "INVOIC": "810", "CONTRL": "997"}


@dataclass
class Received:
    """One file the customer picked up from the hub, and what it said."""

    name: str
    kinds: list[str] = field(default_factory=list)  # 997, 855, 856, 810, TA1, unreadable
    orders: list[str] = field(default_factory=list)  # order numbers it refers to
    ack_status: str | None = None  # status of a 997/CONTRL/TA1
    text: str = ""


class RetailCustomer:
    """Orders from the hub by EDI and keeps track of what came back."""

    def __init__(
        self,
        mailbox: Mailbox,
        identity: Identity,
        *,
        drop_folder: str = "inbox",
        pickup_folder: str = "outbox",
        counter: Counter | None = None,
        acknowledge_documents: bool = True,
    ) -> None:
        self.mailbox = mailbox
        self.identity = identity
        self.drop_folder = drop_folder
        self.pickup_folder = pickup_folder
        self.counter = counter or Counter(1000)
        self.acknowledge_documents = acknowledge_documents
        self.sent: dict[str, str] = {}  # order number -> interchange control number
        self._by_control: dict[str, str] = {}  # our control number -> order number
        self.received: list[Received] = []
        self.waiting: dict[str, set[str]] = {}

    def send_order(self, order: Order, name: str | None = None) -> str:
        """Send ``order`` as an 850 or ORDERS; returns the remote file name."""
        if self.identity.standard == "x12":
            text, icn = envelope(self.identity, self.counter, "850", order_to_850(order))
        else:
            text, icn = envelope(self.identity, self.counter, "ORDERS", order_to_orders(order))
        file_name = name or f"order_{order.order_number}_{icn}.edi"
        self.mailbox.put(self.drop_folder, file_name, text.encode("utf-8"))
        self.sent[order.order_number] = icn
        self._by_control[icn.lstrip("0")] = order.order_number
        self.waiting[order.order_number] = set(EXPECTED)
        return file_name

    def send_raw(self, name: str, data: bytes) -> None:
        """Drop any bytes (a resend, or a broken file) into the hub's inbox."""
        self.mailbox.put(self.drop_folder, name, data)

    def collect(self) -> list[Received]:
        """Pick up every file the hub left, record it, and acknowledge documents."""
        new = []
        for name in self.mailbox.list(self.pickup_folder):
            data = self.mailbox.take(self.pickup_folder, name)
            item = self._read(name, data)
            self.received.append(item)
            new.append(item)
            for order in item.orders:
                self.waiting.setdefault(order, set(EXPECTED)).difference_update(item.kinds)
        return new

    def still_waiting(self) -> dict[str, list[str]]:
        """Per order sent, the documents not received yet."""
        return {k: sorted(v) for k, v in self.waiting.items() if v}

    def _read(self, name: str, data: bytes) -> Received:
        item = Received(name, text=data.decode("utf-8", "replace"))
        try:
            interchanges = parse_file(data)
        except EdiError:
            item.kinds.append("unreadable")
            return item
        for ic in interchanges:
            for _icn, status, _note in read_ta1(ic) if ic.standard == "x12" else []:
                item.kinds.append("TA1")
                item.ack_status = status
            documents = False
            for tx in ic.transactions:
                kind = _KINDS.get(tx.type, tx.type)
                try:
                    order = self._order_of(tx, kind)
                except EdiError:
                    order = None
                item.kinds.append(kind)
                if order:
                    item.orders.append(order)
                if kind == "997":
                    item.ack_status = self._ack_status(tx)
                else:
                    documents = True
            if documents and self.acknowledge_documents:
                ack = acknowledgement(self.identity, self.counter, ic)
                self.mailbox.put(self.drop_folder, f"ack_{name}", ack.encode("utf-8"))
        return item

    def _ack_status(self, tx: Any) -> str:
        if tx.type == "CONTRL":
            return str(read_contrl(tx).status)
        return read_997(tx).status

    def _order_of(self, tx: Any, kind: str) -> str | None:
        if kind == "997":
            if tx.type == "CONTRL":
                return self._by_control.get(read_contrl(tx).control_number.lstrip("0"))
            return self._by_control.get(read_997(tx).control_number.lstrip("0"))
        if tx.type == "855":
            return x12_855_to_ack(tx).po_number
        if tx.type == "ORDRSP":
            ref = first(sections(tx).header, "RFF", "ON")
            return ref.get(1, 2) if ref is not None else None
        if tx.type in ("856", "DESADV"):
            shipment = x12_856_to_shipment(tx) if tx.type == "856" else desadv_to_shipment(tx)
            refs = shipment.purchase_order_refs or shipment.order_refs
            return refs[0] if refs else None
        if tx.type in ("810", "INVOIC"):
            invoice = x12_810_to_invoice(tx) if tx.type == "810" else invoic_to_invoice(tx)
            refs = invoice.purchase_order_refs or invoice.order_refs
            return refs[0] if refs else None
        return None
