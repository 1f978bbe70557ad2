"""What the order-to-cash steps share: names, scope, mappings, paging and dead letters."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hub.processes.framework import ProcessContext
from hub.store import add_dead_letter
from mappings import CompiledMapping, Rejected, compile_mapping, mapping_path
from mappings.xref import XrefResolver

log = logging.getLogger(__name__)

PROCESS = "order_to_cash"
FLOW = PROCESS  # dead letters carry the process name as their flow

# Process item stages, in order.
RECEIVED = "received"  # an EDI order is in the OMS (its 855 queued)
RELEASING = "releasing"  # shipment requests are being sent to the WMS
RELEASED = "released"  # shipment requests are in the WMS
PICKED_UP = "shipped"  # the WMS shipped every request
CONFIRMED = "confirmed"  # OMS, ERP (order + goods issue) and CRM know it shipped
INVOICED = "invoiced"  # ERP invoice created, OMS notified
EDI_SENT = "edi_sent"  # 856 and 810 went to the retail partner
DONE = "done"

OPEN_STATUSES = ("NEW", "BACKORDERED", "PARTIALLY_ALLOCATED")
ALLOCATED_STATUSES = ("ALLOCATED", "PARTIALLY_ALLOCATED")


def item_key(channel: str, order_ref: str) -> str:
    """The process item of one OMS order: its business key (channel, channel order ref)."""
    return f"{channel.upper()}:{order_ref}"


def scope(ctx: ProcessContext) -> set[str] | None:
    """The channel order refs this run is limited to (option ``o2c.order_refs``), or None: all."""
    refs = ctx.options.get("o2c.order_refs")
    return None if refs is None else {str(r) for r in refs}


def in_scope(ctx: ProcessContext, order: Mapping[str, Any]) -> bool:
    wanted = scope(ctx)
    return wanted is None or str(order["channel_order_ref"]) in wanted


@cache
def _compiled(path: Path) -> CompiledMapping:
    return compile_mapping(path)


def mapping(ctx: ProcessContext, system: str, name: str, resolver: XrefResolver) -> CompiledMapping:
    """The mapping file ``<system>/<name>.yaml`` compiled once, bound to ``resolver``."""
    return _compiled(mapping_path(ctx.mappings, system, name)).bind(resolver)


class NotMapped(Exception):
    """A mapping filter turned the record away (e.g. an order not in EUR)."""


def mapped(value: Any) -> Any:
    """A mapping's result, or NotMapped when a filter rejected the record."""
    if isinstance(value, Rejected):
        raise NotMapped(f"{value.filter}: {value.reason}")
    return value


def soap_part(answer: Any, name: str) -> dict[str, Any]:
    """The ``name`` element of a SOAP answer (zeep unwraps answers of a single element)."""
    if isinstance(answer, dict) and isinstance(answer.get(name), dict):
        part: dict[str, Any] = answer[name]
        return part
    if not isinstance(answer, dict):
        raise TypeError(f"expected a {name} in the answer, got {type(answer).__name__}")
    return answer


def jsonable(value: Any) -> Any:
    """Mapping output as JSON: Decimal money as text, dates as ISO text."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def batch_size(ctx: ProcessContext) -> int:
    """How many orders one step moves per run (option ``o2c.batch``); the rest wait for the next."""
    return int(ctx.options.get("o2c.batch", 500))


def oms_orders(ctx: ProcessContext, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    """Up to one batch of OMS orders in ``statuses`` within the run's scope, oldest first.

    Read completely before the caller changes any of them: a changed order leaves the
    status filter, which would shift offset paging under a reader that writes as it goes.
    """
    oms = ctx.systems.rest("oms")
    wanted = batch_size(ctx)
    found: list[dict[str, Any]] = []
    for status in statuses:
        offset = 0
        while len(found) < wanted:
            response = oms.request(
                "GET",
                "/orders",
                entity="orders",
                params={"status": status, "offset": offset, "limit": 200},
            )
            page = oms.json(response, entity="orders")
            found.extend(order for order in page if in_scope(ctx, order))
            if len(page) < 200:
                break
            offset += len(page)
    return found[:wanted]


def dead_letter(
    session: Session,
    stage: str,
    error: BaseException | str,
    payload: Any,
    key: str | None,
) -> None:
    """Keep a record the process could not move, with why (never lost, never raised)."""
    log.warning("order to cash: %s %s dead-lettered: %s", stage, key, error)
    add_dead_letter(
        session, flow=FLOW, stage=stage, error=error, payload=jsonable(payload), record_key=key
    )
