"""Procure to pay: ERP reorder proposals to a received, 3-way matched and scored purchase order.

One process item per requisition (plant, material, suggested vendor, planning day), moved
through the stages in :mod:`hub.processes.p2p_common`. Suppliers with an EDI partner id in
the SRM get the 850 / ORDERS over SFTP and answer with 855, 856 and 810; the others work in
the SRM portal, where the published purchase order is the order (see docs/processes.md).

Options (``ctx.options``): ``approval_threshold`` (EUR, default 1000), ``plant`` (default
1000), ``price_list`` (default PL01), ``vendors`` / ``materials`` (limit the run to these),
``requester`` (the OA requester), ``plant_warehouses`` (ERP plant -> WMS warehouse).
"""

from __future__ import annotations

from hub.processes.framework import Process, Step
from hub.processes.p2p_common import PROCESS_NAME
from hub.processes.p2p_orders import create_purchase_orders, send_orders
from hub.processes.p2p_receipts import (
    await_receipts,
    escalate_exceptions,
    match_invoices,
    post_receipts,
    update_scorecards,
)
from hub.processes.p2p_requisitions import (
    await_approvals,
    close_rejected,
    request_approvals,
    requisitions,
)
from hub.processes.p2p_supplier import (
    apply_confirmations,
    await_supplier_documents,
    expect_receipts,
)

PROCESS = Process(
    PROCESS_NAME,
    "Procure to pay",
    (
        Step("requisitions", requisitions, "ERP reorder proposals -> purchase requisitions"),
        Step("request_approvals", request_approvals, "above the threshold -> OA purchase"),
        Step("await_approvals", await_approvals, "OA decisions", waits=True),
        Step("close_rejected", close_rejected, "rejected requisitions closed with the comment"),
        Step(
            "create_purchase_orders",
            create_purchase_orders,
            "ERP purchase order and SRM publication",
        ),
        Step("send_orders", send_orders, "850 / ORDERS to EDI suppliers; portal for the rest"),
        Step(
            "await_supplier_documents",
            await_supplier_documents,
            "855, 856 and 810 from the suppliers' mailboxes",
            waits=True,
        ),
        Step("apply_confirmations", apply_confirmations, "855 -> ERP and SRM confirmation"),
        Step("expect_receipts", expect_receipts, "856 -> WMS expected receipt (ASN)"),
        Step("await_receipts", await_receipts, "the warehouse receives the ASN", waits=True),
        Step("post_receipts", post_receipts, "WMS receipt -> ERP goods receipt"),
        Step("match_invoices", match_invoices, "810 -> ERP invoice and 3-way match"),
        Step("escalate_exceptions", escalate_exceptions, "match exceptions -> OA and back"),
        Step("update_scorecards", update_scorecards, "SRM delivery events and PO status"),
    ),
)
