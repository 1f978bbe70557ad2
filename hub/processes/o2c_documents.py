"""The documents order to cash sends a retail partner: 855, 856 and 810 as canonical models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from canonical import Invoice, Order, PurchaseOrder, Shipment
from canonical.pricing import PricedLine
from canonical.purchase_order import PurchaseOrderLine, SupplierConfirmation
from canonical.shipment import Carrier, Package, ShipmentLine
from canonical.types import ExternalRef, PartyRef, Quantity
from hub.edi.partner import PartnerProfile

_PRICED_FIELDS = frozenset(PricedLine.model_fields)

# The demo company's GLN (GS1 company prefix 4012345, as the WMS labels its SSCCs).
COMPANY_GLN = "4012345000009"


def ourselves(profile: PartnerProfile, gln: str = COMPANY_GLN) -> PartyRef:
    """Our company as the partner knows it: a GLN (X12 N1 needs an id) and our name."""
    own = profile.ours
    return PartyRef(gln=own.id if own.qualifier in ("14", "UL") else gln, name=own.id)


def order_acceptance(order: Order, profile: PartnerProfile, when: Any) -> PurchaseOrder:
    """The 855: the partner's order, every line accepted as ordered."""
    lines = []
    for line in order.lines:
        priced = {k: v for k, v in line.model_dump().items() if k in _PRICED_FIELDS}
        lines.append(
            PurchaseOrderLine(
                **priced,
                confirmation=SupplierConfirmation(
                    status="accepted",
                    quantity=line.quantity.value,
                    delivery_date=line.requested_date or order.requested_delivery_date,
                    confirmed_at=when,
                ),
            )
        )
    return PurchaseOrder(
        po_number=order.order_number,
        status="acknowledged",
        order_date=order.order_date,
        requested_delivery_date=order.requested_delivery_date,
        supplier=ourselves(profile),
        buyer=order.customer,
        ship_to=order.ship_to,
        currency=order.currency,
        payment_terms=order.payment_terms,
        lines=tuple(lines),
        allowance_charges=order.allowance_charges,
        tax_subtotals=order.tax_subtotals,
        totals=order.totals,
    )


def ship_notice(
    shipment: dict[str, Any],
    po_number: str,
    profile: PartnerProfile,
    ship_to: PartyRef,
) -> Shipment:
    """The 856 for one WMS shipment (packages with their SSCCs and contents)."""
    order_lines: dict[str, int] = {}
    for line in shipment["lines"]:
        order_lines.setdefault(str(line["item_code"]), int(line["line_no"]))
    packages = []
    for package in shipment.get("packages") or []:
        lines = tuple(
            ShipmentLine(
                line_no=n,
                sku=str(content["item_code"]),
                quantity=Quantity(value=Decimal(content["qty"]), uom="EA"),
                lot=content.get("lot_no"),
                order_ref=po_number,
                order_line_no=order_lines.get(str(content["item_code"])),
            )
            for n, content in enumerate(package["contents"], start=1)
        )
        packages.append(Package(sscc=package["sscc"], lines=lines))
    whse = str(shipment["whse"])
    gln = next((p.gln for p in profile.mappings.parties if p.ours == whse and p.gln), None)
    return Shipment(
        shipment_number=str(shipment["shp_no"]),
        status="shipped",
        order_refs=(po_number,),
        purchase_order_refs=(po_number,),
        ship_from=PartyRef(name=whse, gln=gln, external_refs=(ExternalRef(system="wms", id=whse),)),
        ship_to=ship_to,
        carrier=Carrier(name=shipment["carrier"]) if shipment.get("carrier") else None,
        tracking_number=shipment.get("tracking_no"),
        ship_date=shipment.get("ship_date"),
        packages=tuple(packages),
    )


def partner_invoice(
    invoice: Invoice, po_number: str, profile: PartnerProfile, buyer: PartyRef
) -> Invoice:
    """The 810: the ERP invoice, addressed as the partner expects (their PO, their ids)."""
    return invoice.model_copy(
        update={
            "seller": ourselves(profile),
            "buyer": buyer,
            "purchase_order_refs": (po_number,),
            "order_refs": (),
        }
    )
