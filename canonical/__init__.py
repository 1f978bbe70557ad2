"""Canonical data model of the integration hub: pydantic v2 records every system maps to."""

from __future__ import annotations

from canonical.approval import ApprovalKind, ApprovalRequest, ApprovalRequestStatus, ApprovalStep
from canonical.base import CanonicalModel
from canonical.checks import (
    gs1_check_digit,
    is_valid_gln,
    is_valid_gtin,
    is_valid_iban,
    is_valid_sscc,
    with_gs1_check_digit,
)
from canonical.codes import (
    COUNTRY_CODES,
    CURRENCY_CODES,
    CURRENCY_MINOR_UNITS,
    UNIT_CODES,
    UNIT_NAMES,
    CountryCode,
    CurrencyCode,
    UnitCode,
)
from canonical.customer import Customer
from canonical.envelope import SCHEMA_VERSION, EntityType, Envelope, Record, content_hash
from canonical.invoice import Invoice, InvoiceLine
from canonical.order import Allocation, Order, OrderLine, OrderStatus
from canonical.pricing import (
    DocumentAllowanceCharge,
    DocumentTotals,
    LineAllowanceCharge,
    TaxSubtotal,
    compute_line_total,
    compute_tax_subtotals,
    compute_totals,
    round_money,
)
from canonical.product import Product
from canonical.purchase_order import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SupplierConfirmation,
)
from canonical.schema import MODELS, export_schemas
from canonical.shipment import Package, Shipment, ShipmentLine
from canonical.stock import StockAdjustment, StockLevel
from canonical.supplier import BankAccount, Supplier
from canonical.transitions import (
    APPROVAL_LIFECYCLE,
    ORDER_LIFECYCLE,
    PURCHASE_ORDER_LIFECYCLE,
    IllegalTransition,
    Lifecycle,
    allowed_next,
    check_order_transition,
    check_purchase_order_transition,
    check_transition,
)
from canonical.types import Address, Contact, ExternalRef, Money, PartyRef, Quantity, TaxId

__all__ = [
    "APPROVAL_LIFECYCLE",
    "COUNTRY_CODES",
    "CURRENCY_CODES",
    "CURRENCY_MINOR_UNITS",
    "MODELS",
    "ORDER_LIFECYCLE",
    "PURCHASE_ORDER_LIFECYCLE",
    "SCHEMA_VERSION",
    "UNIT_CODES",
    "UNIT_NAMES",
    "Address",
    "Allocation",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalRequestStatus",
    "ApprovalStep",
    "BankAccount",
    "CanonicalModel",
    "Contact",
    "CountryCode",
    "CurrencyCode",
    "Customer",
    "DocumentAllowanceCharge",
    "DocumentTotals",
    "EntityType",
    "Envelope",
    "ExternalRef",
    "IllegalTransition",
    "Invoice",
    "InvoiceLine",
    "Lifecycle",
    "LineAllowanceCharge",
    "Money",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Package",
    "PartyRef",
    "Product",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderStatus",
    "Quantity",
    "Record",
    "Shipment",
    "ShipmentLine",
    "StockAdjustment",
    "StockLevel",
    "Supplier",
    "SupplierConfirmation",
    "TaxId",
    "TaxSubtotal",
    "UnitCode",
    "allowed_next",
    "check_order_transition",
    "check_purchase_order_transition",
    "check_transition",
    "compute_line_total",
    "compute_tax_subtotals",
    "compute_totals",
    "content_hash",
    "export_schemas",
    "gs1_check_digit",
    "is_valid_gln",
    "is_valid_gtin",
    "is_valid_iban",
    "is_valid_sscc",
    "round_money",
    "with_gs1_check_digit",
]
