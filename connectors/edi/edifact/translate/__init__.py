"""EDIFACT D.96A messages <-> canonical documents."""

from __future__ import annotations

from connectors.edi.edifact.translate.common import PartnerOptions
from connectors.edi.edifact.translate.desadv import desadv_to_shipment, shipment_to_desadv
from connectors.edi.edifact.translate.invoic import invoic_to_invoice, invoice_to_invoic
from connectors.edi.edifact.translate.invrpt import invrpt_to_stock, stock_to_invrpt
from connectors.edi.edifact.translate.orders import (
    order_to_orders,
    orders_to_order,
    orders_to_purchase_order,
    purchase_order_to_orders,
)
from connectors.edi.edifact.translate.ordrsp import (
    apply_ordrsp,
    purchase_order_to_ordrsp,
    read_ordrsp,
)

__all__ = [
    "PartnerOptions",
    "apply_ordrsp",
    "desadv_to_shipment",
    "invoic_to_invoice",
    "invoice_to_invoic",
    "invrpt_to_stock",
    "order_to_orders",
    "orders_to_order",
    "orders_to_purchase_order",
    "purchase_order_to_orders",
    "purchase_order_to_ordrsp",
    "read_ordrsp",
    "shipment_to_desadv",
    "stock_to_invrpt",
]
