"""The sales SoapService: its namespace, WSDL and operations."""

from __future__ import annotations

from reference.erp.sales import customers, invoices, items, orders, prices
from reference.erp.sales.xmlns import SALES_NS
from reference.erp.soap.service import WSDL_DIR, SoapService

SALES_SERVICE = SoapService(
    name="sales",
    namespace=SALES_NS,
    wsdl_file=WSDL_DIR / "sales.wsdl",
    operations={
        "GetCustomersChangedSince": customers.get_customers_changed_since,
        "GetCustomer": customers.get_customer,
        "GetCustomers": customers.get_customers,
        "UpsertCustomers": customers.upsert_customers,
        "SetCreditLimit": customers.set_credit_limit,
        "GetCreditLimit": customers.get_credit_limit,
        "GetItemsChangedSince": items.get_items_changed_since,
        "UpsertItems": items.upsert_items,
        "GetBom": items.get_bom,
        "SetPrice": prices.set_price,
        "GetPriceHistory": prices.get_price_history,
        "CreateSalesOrder": orders.create_sales_order,
        "GetSalesOrder": orders.get_sales_order,
        "ListSalesOrders": orders.list_sales_orders,
        "PostGoodsIssue": orders.post_goods_issue,
        "CreateInvoice": invoices.create_invoice,
        "GetInvoice": invoices.get_invoice,
    },
)
