"""Order to cash: web, CRM and EDI orders -> allocation -> WMS shipping -> OMS, ERP -> EDI back.

Each OMS order is one process item (key ``<CHANNEL>:<channel order ref>``) moving through
``received`` (EDI only) -> ``released`` -> ``shipped`` -> ``confirmed`` -> ``invoiced`` ->
(``edi_sent``, EDI only) -> ``done``. Every step reads what it needs from the systems or the
state store and is safe to run again: the OMS dedupes orders by (channel, ref) and shipments
by ref, the WMS requests by (warehouse, order ref), the ERP sales orders by external ref,
the CRM history by order number and Idempotency-Key; goods issues post only the difference
to what the ERP already shows, and an invoice number is committed before the OMS hears it.

Options (``ProcessContext.options``): ``o2c.order_refs`` limits the run to these channel
order refs, ``o2c.batch`` caps orders per step (default 500), ``o2c.edi_exchange`` (default
True) turns the SFTP exchange with partners on or off.
"""

from __future__ import annotations

from hub.processes.framework import Process, Step
from hub.processes.o2c_cash import confirm_shipments, invoice
from hub.processes.o2c_crm import intake_crm_orders
from hub.processes.o2c_edi import edi_outbound, intake_edi_orders, reconcile_acks
from hub.processes.o2c_fulfil import allocate, await_shipments, release_to_wms

PROCESS = Process(
    "order_to_cash",
    "Order to cash",
    (
        Step(
            "intake_edi_orders",
            intake_edi_orders,
            "Retail partners' 850/ORDERS -> OMS orders (channel EDI); 855 queued and sent",
        ),
        Step(
            "intake_crm_orders",
            intake_crm_orders,
            "Won CRM opportunities -> OMS orders (channel CRM); the order id back as orderRef",
        ),
        Step("allocate", allocate, "OMS allocation run over open orders"),
        Step("release_to_wms", release_to_wms, "Allocated orders -> WMS shipment requests"),
        Step(
            "await_shipments",
            await_shipments,
            "Wait for the warehouse to pick, pack and ship",
            waits=True,
        ),
        Step(
            "confirm_shipments",
            confirm_shipments,
            "Shipments -> OMS confirmation, ERP sales order + goods issue, CRM history",
        ),
        Step("invoice", invoice, "ERP invoice for shipped sales orders -> OMS INVOICED"),
        Step("edi_outbound", edi_outbound, "856 and 810 to the retail partner"),
        Step(
            "reconcile_acks",
            reconcile_acks,
            "Match the partner's 997s to the documents sent",
            waits=True,
        ),
    ),
)
