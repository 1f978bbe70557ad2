"""The ERP's tables, all on the shared ``reference.erp.db.Base``."""

from __future__ import annotations

from reference.erp.models.master import BomComponent, Customer, Item, PriceChange, PriceListEntry
from reference.erp.models.sales import Invoice, InvoiceItem, SalesOrder, SalesOrderItem

__all__ = [
    "BomComponent",
    "Customer",
    "Invoice",
    "InvoiceItem",
    "Item",
    "PriceChange",
    "PriceListEntry",
    "SalesOrder",
    "SalesOrderItem",
]
