"""The ERP's sales service: customers, credit, materials, prices, orders and invoices."""
