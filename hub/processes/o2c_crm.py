"""Order to cash from the CRM: a won opportunity places an order in the OMS (channel CRM).

A won deal with lines and no ``orderRef`` yet becomes an OMS order whose channel order ref
is the opportunity id; the OMS order's id goes back to the opportunity as ``orderRef``, so
the next run passes it by. A crash between the two writes is harmless: the OMS answers a
repeated (channel, ref) with the same order, and the ``orderRef`` is written then. From
there on the order goes the way of every OMS order (allocate, release, ship, invoice).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from canonical import Customer, Order
from canonical.types import PartyRef
from connectors.errors import ConnectorError
from hub.processes.framework import ProcessContext, StepResult
from hub.processes.o2c_common import (
    NotMapped,
    batch_size,
    dead_letter,
    item_key,
    mapped,
    mapping,
    scope,
)
from hub.processes.o2c_parties import OrderParties
from mappings import MappingError

STEP = "intake_crm_orders"


def won_without_order(ctx: ProcessContext) -> list[dict[str, Any]]:
    """Up to one batch of won opportunities that placed no order yet, in the run's scope.

    Read completely before any is written back (an ``orderRef`` changes the listing).
    """
    crm = ctx.systems.rest("crm")
    wanted, only = batch_size(ctx), scope(ctx)
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while len(found) < wanted:
        params: dict[str, Any] = {"stage": "closed_won", "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = crm.json(
            crm.request("GET", "/opportunities", entity="opportunities", params=params),
            entity="opportunities",
        )
        for deal in page["items"]:
            if deal.get("deleted") or deal.get("orderRef"):
                continue
            if only is not None and deal["opportunityId"] not in only:
                continue
            found.append(deal)
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return found[:wanted]


def ship_to(ctx: ProcessContext, parties: OrderParties, deal: dict[str, Any]) -> PartyRef:
    """Where a deal ships: its account's address, read through the CRM customer mapping.

    A deal names no address of its own; the account's (billing) address is the one the
    ERP holds for the customer too, cleaned the same way (country names to ISO codes).
    """
    crm = ctx.systems.rest("crm")
    account = crm.json(
        crm.request("GET", f"/accounts/{deal['accountId']}", entity="accounts"),
        entity="accounts",
    )
    customer = mapped(mapping(ctx, "crm", "customer", parties).to_model(account))
    assert isinstance(customer, Customer)
    if not customer.addresses:
        raise LookupError(f"CRM account {deal['accountId']} has no address to ship to")
    address = customer.addresses[0].model_copy(update={"role": "ship_to"})
    return PartyRef(name=customer.legal_name, address=address)


def intake_crm_orders(ctx: ProcessContext) -> StepResult:
    """Won CRM opportunities -> OMS orders (channel CRM) -> the order's id as orderRef."""
    result = StepResult()
    crm, oms = ctx.systems.rest("crm"), ctx.systems.rest("oms")
    for deal in won_without_order(ctx):
        deal_id = str(deal["opportunityId"])
        key = item_key("CRM", deal_id)
        with ctx.sessions.begin() as session:
            parties = OrderParties(ctx, session)
            try:
                order = mapped(mapping(ctx, "crm", "opportunity_order", parties).to_model(deal))
                assert isinstance(order, Order)
                if order.ship_to is None:
                    order = order.model_copy(update={"ship_to": ship_to(ctx, parties, deal)})
                native = mapped(mapping(ctx, "oms", "order", parties).to_native(order))
            except (ValidationError, MappingError, NotMapped, LookupError, ConnectorError) as exc:
                # The deal stays without orderRef: a fixed mapping or customer link places
                # it on a later run, and its letter counts the attempts.
                dead_letter(session, STEP, exc, deal, key)
                result.add("dead_letters")
                continue
        try:
            response = oms.request("POST", "/orders", entity="orders", json=native)
            created = oms.json(response, entity="orders")
            crm.request(
                "PATCH",
                f"/opportunities/{deal_id}",
                entity="opportunities",
                json={"orderRef": str(created["id"])},
                headers={"If-Match": "*"},
            )
        except ConnectorError as exc:
            with ctx.sessions.begin() as session:
                dead_letter(session, STEP, exc, deal, key)
            result.add("dead_letters")
            continue
        result.add("orders_created" if response.status_code == 201 else "orders_existing")
    return result
