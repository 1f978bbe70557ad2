"""The procurement SOAP service: vendors, POs, receipts, invoice matching, stock, MRP, costs."""

from __future__ import annotations

from reference.erp.procurement.ops import costs, invoices, orders, receipts, stock, vendors
from reference.erp.procurement.ops.xmlns import PROCUREMENT_NS
from reference.erp.soap.service import WSDL_DIR, Operation, SoapService

OPERATIONS: dict[str, Operation] = {
    "UpsertVendors": vendors.upsert_vendors,
    "GetVendor": vendors.get_vendor,
    "GetVendorsChangedSince": vendors.get_vendors_changed_since,
    "CreatePurchaseOrder": orders.create_purchase_order,
    "GetPurchaseOrder": orders.get_purchase_order,
    "ListPurchaseOrders": orders.list_purchase_orders,
    "UpdatePurchaseOrderConfirmation": orders.update_confirmation,
    "CancelPurchaseOrder": orders.cancel_purchase_order,
    "PostGoodsReceipt": receipts.post_goods_receipt,
    "GetGoodsReceipts": receipts.get_goods_receipts,
    "PostSupplierInvoice": invoices.post_supplier_invoice,
    "GetMatchResult": invoices.get_match_result,
    "ApproveMatchException": invoices.approve_match_exception,
    "GetMatchTolerances": invoices.get_match_tolerances,
    "SetMatchTolerances": invoices.set_match_tolerances,
    "ImportStockSnapshot": stock.import_stock_snapshot,
    "GetStock": stock.get_stock,
    "GetReorderProposals": stock.get_reorder_proposals,
    "PostCostPosting": costs.post_cost_posting,
    "ListCostPostings": costs.list_cost_postings,
}

PROCUREMENT_SERVICE = SoapService(
    name="procurement",
    namespace=PROCUREMENT_NS,
    wsdl_file=WSDL_DIR / "procurement.wsdl",
    operations=OPERATIONS,
)
