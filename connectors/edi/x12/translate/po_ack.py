"""855 Purchase Order Acknowledgment <-> the supplier's confirmation of a PurchaseOrder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from canonical.purchase_order import PurchaseOrder, PurchaseOrderLine, SupplierConfirmation
from canonical.types import Money
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.x12.translate.common import (
    PartnerOptions,
    SegmentData,
    TranslationError,
    build,
    d8,
    dec,
    edi_errors,
    num,
    parse_d8,
)
from connectors.edi.x12.translate.orders import order_body, parse_order_tx

STATUS_OUT = {"accepted": "IA", "changed": "IC", "rejected": "IR", "backordered": "IB"}
STATUS_IN = {
    "IA": "accepted", "AR": "accepted", "IC": "changed", "IP": "changed", "IQ": "changed",
    "IS": "changed", "DR": "changed", "IH": "changed", "IF": "changed", "IR": "rejected",
    "ID": "rejected", "IB": "backordered", "BP": "backordered",
}  # fmt: skip


@dataclass(slots=True)
class PurchaseOrderAck:
    """What an 855 said: the PO it answers and a confirmation per line number."""

    po_number: str
    ack_type: str  # BAK02: AC, AD, AK, RJ ...
    ack_date: date | None
    confirmations: dict[int, SupplierConfirmation] = field(default_factory=dict)


def _ack_type(po: PurchaseOrder) -> str:
    statuses = {line.confirmation.status for line in po.lines if line.confirmation is not None}
    if statuses == {"rejected"}:
        return "RJ"
    if statuses <= {"accepted"}:
        return "AD"
    return "AC"


def _line_ack(
    line: PurchaseOrderLine, opts: PartnerOptions
) -> tuple[list[SegmentData], list[SegmentData]]:
    conf = line.confirmation
    if conf is None:
        return [], []
    before: list[SegmentData] = []
    if conf.unit_price is not None:
        before.append(("CTP", ["", "NET", num(conf.unit_price.amount)]))
    after: list[SegmentData] = []
    if conf.note:
        after.append(("MSG", [conf.note[:264]]))
    ack: list[str] = [STATUS_OUT[conf.status]]
    if conf.quantity is not None:
        ack += [num(conf.quantity), opts.unit_out(line.quantity.uom)]
    else:
        ack += ["", ""]
    if conf.delivery_date is not None:
        ack += ["067", d8(conf.delivery_date)]
    after.append(("ACK", ack))
    return before, after


def purchase_order_to_855(
    po: PurchaseOrder, ack_date: date, options: PartnerOptions | None = None
) -> list[SegmentData]:
    """855 body confirming ``po`` line by line from each line's ``confirmation``."""
    opts = options or PartnerOptions()
    return order_body(
        number=po.po_number,
        order_date=po.order_date,
        currency=po.currency,
        requested_delivery=po.requested_delivery_date,
        parties=[("BY", po.buyer), ("SE", po.supplier)],
        doc=po,
        buyer_side=True,
        options=opts,
        head=("BAK", ["00", _ack_type(po), po.po_number, d8(ack_date)]),
        line_extra=lambda line: _line_ack(line, opts),
    )


def _confirmation(loop: list[Segment], currency: str) -> SupplierConfirmation | None:
    ack = next((s for s in loop if s.tag == "ACK"), None)
    if ack is None:
        return None
    status = STATUS_IN.get(ack.get(1))
    if status is None:
        raise TranslationError(f"ACK01 {ack.get(1)!r} is not a line status we know", ack, 1)
    price_seg = next((s for s in loop if s.tag == "CTP" and s.get(2) == "NET"), None)
    delivery = parse_d8(ack.get(5), ack, 5) if ack.get(4) in ("067", "002", "017") else None
    note_seg = next((s for s in loop if s.tag == "MSG"), None)
    return SupplierConfirmation(
        status=status,
        quantity=dec(ack.get(2), ack, 2) if ack.get(2) else None,
        unit_price=Money(amount=dec(price_seg.get(3), price_seg, 3), currency=currency)
        if price_seg is not None
        else None,
        delivery_date=delivery,
        note=note_seg.get(1) if note_seg is not None else None,
    )


@edi_errors
def x12_855_to_ack(tx: Transaction, options: PartnerOptions | None = None) -> PurchaseOrderAck:
    """Inbound 855 as a PurchaseOrderAck."""
    opts = options or PartnerOptions()
    data = parse_order_tx(tx, opts, buyer_side=True, head_tag="BAK")
    bak: Segment = data["head"]
    out = PurchaseOrderAck(
        po_number=bak.get(3), ack_type=bak.get(2), ack_date=parse_d8(bak.get(4), bak, 4)
    )
    for line_no, loop in data["line_segments"].items():
        conf = _confirmation(loop, data["currency"])
        if conf is not None:
            out.confirmations[line_no] = conf
    return out


@edi_errors
def apply_ack(
    po: PurchaseOrder, ack: PurchaseOrderAck, tx: Transaction | None = None
) -> PurchaseOrder:
    """``po`` with the supplier's confirmations on its lines and status acknowledged."""
    if ack.po_number != po.po_number:
        raise TranslationError(
            f"855 answers PO {ack.po_number}, not {po.po_number}", tx.header if tx else None
        )
    known = {line.line_no for line in po.lines}
    unknown = sorted(set(ack.confirmations) - known)
    if unknown:
        raise TranslationError(
            f"855 confirms line {unknown[0]} that PO {po.po_number} does not have",
            tx.header if tx else None,
        )
    lines = tuple(
        line.model_copy(update={"confirmation": ack.confirmations[line.line_no]})
        if line.line_no in ack.confirmations
        else line
        for line in po.lines
    )
    data = {**dict(po), "lines": lines, "status": "acknowledged"}
    return build(PurchaseOrder, data, tx)
