"""Shared pieces of procure to pay: names, options, items, system look-ups, dead letters."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from connectors.soap.records import as_records, plain
from hub.edi.documents import jsonable
from hub.processes.framework import ProcessContext
from hub.store import add_dead_letter
from hub.store.models import ProcessItem
from mappings import compile_mapping, mapping_path

log = logging.getLogger("hub.processes.procure_to_pay")

PROCESS_NAME = "procure_to_pay"
ERP = "erp-procurement"
ERP_SALES = "erp"

# Item stages, in the order an item normally passes them.
REQUISITIONED = "requisitioned"
PENDING_APPROVAL = "pending_approval"
APPROVED = "approved"
REJECTED = "rejected"
CLOSED = "closed"
ORDERED = "ordered"
SENT = "sent"
PORTAL = "portal"
CONFIRMED = "confirmed"
EXPECTED = "expected"
RECEIVED = "received"
MATCHED = "matched"
EXCEPTION = "exception"

DEFAULT_THRESHOLD = Decimal("1000.00")
DEFAULT_PLANT = "1000"
DEFAULT_PRICE_LIST = "PL01"
DEFAULT_REQUESTER = "hub.mrp"
DEFAULT_RECEIVING_LOC = "{site}-RCV"  # the WMS receiving dock, by warehouse site code
KEY_MAX = 40  # ERP ExternalRef and SRM/OA keys all take 40 characters


@dataclass(frozen=True)
class Options:
    """Settings a run reads from ``ctx.options`` (all optional)."""

    threshold: Decimal
    plant: str
    price_list: str
    vendors: frozenset[str] | None
    materials: frozenset[str] | None
    requester: str
    plant_warehouses: dict[str, str]

    @classmethod
    def of(cls, ctx: ProcessContext) -> Options:
        raw = ctx.options
        vendors = raw.get("vendors")
        materials = raw.get("materials")
        warehouses = raw.get("plant_warehouses") or plant_warehouses(ctx)
        return cls(
            threshold=Decimal(str(raw.get("approval_threshold", DEFAULT_THRESHOLD))),
            plant=str(raw.get("plant", DEFAULT_PLANT)),
            price_list=str(raw.get("price_list", DEFAULT_PRICE_LIST)),
            vendors=frozenset(str(v) for v in vendors) if vendors else None,
            materials=frozenset(str(m) for m in materials) if materials else None,
            requester=str(raw.get("requester", DEFAULT_REQUESTER)),
            plant_warehouses={str(k): str(v) for k, v in dict(warehouses).items()},
        )


def plant_warehouses(ctx: ProcessContext) -> dict[str, str]:
    """ERP plant -> WMS warehouse, from the plant value map of the stock mapping."""
    # One table for both processes that cross ERP plants and WMS warehouses.
    spec = compile_mapping(mapping_path(ctx.mappings, ERP, "stock")).spec
    table = spec.value_maps.get("plant")
    return {str(k): str(v) for k, v in (table.values.items() if table else ())}


def requisition_key(plant: str, material: str, vendor: str, day: date) -> str:
    """The requisition's business key: readable, at most 40 characters."""
    key = f"PR-{plant}-{material}-{vendor}-{day:%Y%m%d}"
    if len(key) <= KEY_MAX:
        return key
    return "PR-" + hashlib.sha256(key.encode()).hexdigest()[: KEY_MAX - 3]


def open_requisition_exists(session: Session, plant: str, material: str, vendor: str) -> bool:
    """True when an active requisition for this plant, material and vendor exists."""
    rows = session.scalars(
        sa.select(ProcessItem).where(
            ProcessItem.process == PROCESS_NAME, ProcessItem.status == "active"
        ),
        execution_options={"yield_per": 200},
    )
    for item in rows:
        data = item.data or {}
        if (data.get("plant"), data.get("material"), data.get("vendor_no")) == (
            plant,
            material,
            vendor,
        ):
            return True
    return False


def iter_items(
    ctx: ProcessContext, stages: str | tuple[str, ...], *, status: str | None = "active"
) -> Iterator[int]:
    """Ids of the items at ``stages``, read a page at a time (each handled on its own)."""
    wanted = (stages,) if isinstance(stages, str) else stages
    after = 0
    while True:
        with ctx.sessions() as session:
            query = sa.select(ProcessItem.id).where(
                ProcessItem.process == PROCESS_NAME,
                ProcessItem.stage.in_(wanted),
                ProcessItem.id > after,
            )
            if status is not None:
                query = query.where(ProcessItem.status == status)
            page = list(session.scalars(query.order_by(ProcessItem.id).limit(200)))
        yield from page
        if len(page) < 200:
            return
        after = page[-1]


def dead_letter(
    ctx: ProcessContext, stage: str, key: str, error: BaseException | str, payload: Any
) -> None:
    """Keep a record the process could not move, with its reason."""
    with ctx.sessions.begin() as session:
        add_dead_letter(
            session,
            flow=f"{PROCESS_NAME}.{stage}",
            stage=stage,
            error=error,
            payload=jsonable(payload),
            record_key=key,
        )


def erp_call(ctx: ProcessContext, operation: str, payload: dict[str, Any], **kw: Any) -> Any:
    """One procurement SOAP call, answered as plain data."""
    return plain(ctx.systems.soap(ERP).call(operation, payload, **kw))


def single(answer: Any, element: str) -> dict[str, Any]:
    """The one element of a response (zeep hands a one-element response back unwrapped)."""
    if isinstance(answer, dict) and isinstance(answer.get(element), dict):
        inner: dict[str, Any] = answer[element]
        return inner
    if not isinstance(answer, dict):
        raise TypeError(f"unexpected {element} answer: {type(answer).__name__}")
    return answer


def get_erp_po(ctx: ProcessContext, po_no: str) -> dict[str, Any]:
    answer = erp_call(ctx, "GetPurchaseOrder", {"PurchaseOrderNo": po_no})
    record = single(answer, "PurchaseOrder")
    record["Item"] = as_records(record.get("Item"))
    return record


def srm_json(ctx: ProcessContext, method: str, path: str, **kw: Any) -> Any:
    """One SRM call, answered as JSON."""
    srm = ctx.systems.rest("srm")
    return srm.json(srm.request(method, path, **kw))


def find_srm_vendor(ctx: ProcessContext, buyer_ref: str) -> dict[str, Any] | None:
    """The SRM vendor whose buyer reference (our supplier number) is ``buyer_ref``."""
    offset = 0
    while True:
        page = srm_json(ctx, "GET", "/vendors", params={"offset": offset, "limit": 500})
        for vendor in page["data"]:
            if vendor.get("buyer_ref") == buyer_ref:
                found: dict[str, Any] = vendor
                return found
        offset += len(page["data"])
        if not page["data"] or offset >= int(page["total"]):
            return None


def oa_json(ctx: ProcessContext, method: str, path: str, **kw: Any) -> Any:
    """One OA call, answered as JSON."""
    oa = ctx.systems.rest("oa")
    return oa.json(oa.request(method, path, **kw))


def oa_instance(ctx: ProcessContext, definition: str, business_key: str) -> dict[str, Any] | None:
    """The OA process instance of ``definition`` for ``business_key``, if one was started."""
    found = oa_json(
        ctx,
        "GET",
        "/process-instances",
        params={"businessKey": business_key, "processDefinitionKey": definition},
    )
    rows = found if isinstance(found, list) else found.get("data", [])
    return rows[0] if rows else None


def oa_decision_comment(ctx: ProcessContext, instance_id: str) -> tuple[str | None, str | None]:
    """(who decided last, their comment) from an instance's history."""
    history = oa_json(ctx, "GET", f"/process-instances/{instance_id}/history")
    steps = history if isinstance(history, list) else history.get("steps", [])
    decided = [s for s in steps if s.get("decision")]
    if not decided:
        return None, None
    last = decided[-1]
    return last.get("assignee"), last.get("comment")


def money(value: Any) -> Decimal:
    """A decimal money value (strings and Decimals alike), never a float."""
    return value if isinstance(value, Decimal) else Decimal(str(value))
