"""The ERP's procurement side: SOAP service ``procurement`` at /soap/procurement.

WSDL: ``/soap/procurement?wsdl`` (hand-written, document/literal, namespace
``urn:reference:erp:procurement``; every element is documented there). Auth and faults are
the ERP's: WS-Security UsernameToken; faults carry a machine Code and the failing Field
(``Item[20]/Quantity`` inside repeated elements).

Operations
  Vendors        UpsertVendors (<= 500, a RecordResult each), GetVendor, GetVendorsChangedSince
  Orders         CreatePurchaseOrder (idempotent by ExternalRef; blocked vendors refused),
                 GetPurchaseOrder, ListPurchaseOrders, UpdatePurchaseOrderConfirmation (855),
                 CancelPurchaseOrder; status OPEN / PARTRCVD / RECEIVED / CLOSED / CANCELLED
  Receipts       PostGoodsReceipt (over-delivery tolerance, OVER_RECEIPT fault naming the
                 item; idempotent by ExternalRef), GetGoodsReceipts
  Invoices       PostSupplierInvoice (stored 3-way match per line and invoice: MATCHED or
                 EXCEPTION with QTY_OVER_RECEIVED, PRICE_VARIANCE, NO_RECEIPT, UNKNOWN_LINE;
                 idempotent by VendorNo + Reference), GetMatchResult, ApproveMatchException,
                 GetMatchTolerances, SetMatchTolerances
  Stock and MRP  ImportStockSnapshot (stale sequence/as-of refused), GetStock,
                 GetReorderProposals (reorder point, open POs, multi-level BOM explosion,
                 vendor from the source list)
  Costs          PostCostPosting (idempotent by ApprovalId), ListCostPostings

Native shapes: VendorNo 10 digits, PurchaseOrderNo 45000xxxxx, GoodsReceiptNo 50000xxxxx,
InvoiceDocNo 51056xxxxx, cost DocumentNo 10000xxxxx, Plant 1000/1100/1200 (the world's
warehouses in order), units ST. Money and quantities are xsd:decimal. Changed-since lists
page like the sales service: inclusive ChangedSince, order (ChangedAt, key),
ContinuationToken. Rules live in plain modules over a Session (vendors, orders, receipts,
matching, invoices, stock, mrp, costs); ``ops/`` turns payloads into calls and back.
"""
