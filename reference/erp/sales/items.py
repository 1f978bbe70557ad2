"""Material operations: changed-since paging with BOMs and prices, batch upsert, BOMs."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.models import BomComponent, Item, PriceListEntry
from reference.erp.sales.batch import batch_records, error_result, ok_result
from reference.erp.sales.rules import UOMS, gtin_ok
from reference.erp.sales.xmlns import B
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import keyset_page, page_size
from reference.erp.soap.service import (
    OperationContext,
    children,
    opt_bool,
    opt_decimal,
    opt_int,
    opt_text,
    req_datetime,
    req_decimal,
    req_text,
)

_MATERIAL_NO = re.compile(r"[A-Z0-9][A-Z0-9\-_.]{0,39}")
MAX_BOM_LINES = 200


def get_item_row(session: Session, material_no: str, field: str = "MaterialNo") -> Item:
    """The item or a NOT_FOUND fault naming ``field``."""
    item = session.get(Item, material_no)
    if item is None:
        raise SoapFault.not_found(field, material_no)
    return item


def bom_element(parent: etree._Element, line: BomComponent, component: Item | None) -> None:
    """Append a BomComponent element; the component's UoM and text when known."""
    node = B.group(parent, "BomComponent")
    B.fields(
        node,
        [
            ("ComponentMaterialNo", line.component_material_no),
            ("Quantity", line.quantity),
            ("BaseUoM", component.base_uom if component else None),
            ("Description", component.description if component else None),
        ],
    )


def price_element(parent: etree._Element, price: PriceListEntry) -> None:
    """Append a Price element."""
    node = B.group(parent, "Price")
    B.fields(
        node,
        [
            ("PriceList", price.price_list),
            ("Currency", price.currency),
            ("Amount", price.amount),
            ("PriceUnit", price.price_unit),
            ("ValidFrom", price.valid_from),
        ],
    )


def item_element(
    parent: etree._Element,
    item: Item,
    bom: Sequence[BomComponent],
    prices: Sequence[PriceListEntry],
) -> None:
    """Append an Item element with its BOM lines and prices."""
    node = B.group(parent, "Item")
    B.fields(
        node,
        [
            ("MaterialNo", item.material_no),
            ("Description", item.description),
            ("BaseUoM", item.base_uom),
            ("GrossWeightG", item.gross_weight_g),
            ("MaterialGroup", item.material_group),
            ("ProcurementType", item.procurement_type),
            ("ReorderPoint", item.reorder_point),
            ("ReorderQty", item.reorder_qty),
            ("LeadTimeDays", item.lead_time_days),
            ("GTIN", item.gtin),
            ("Status", item.status),
            ("ChangedAt", item.changed_at),
        ],
    )
    for line in bom:
        bom_element(node, line, None)
    for price in prices:
        price_element(node, price)


def get_items_changed_since(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Items changed at or after ChangedSince with BOM and prices, paged."""
    rows, token = keyset_page(
        ctx.session,
        sa.select(Item),
        Item.changed_at,
        Item.material_no,
        since=req_datetime(req, "ChangedSince"),
        token=opt_text(req, "ContinuationToken"),
        size=page_size(opt_int(req, "MaxRecords")),
    )
    keys = [item.material_no for item in rows]
    boms: dict[str, list[BomComponent]] = defaultdict(list)
    prices: dict[str, list[PriceListEntry]] = defaultdict(list)
    if keys:
        bom_rows = ctx.session.scalars(
            sa.select(BomComponent)
            .where(BomComponent.parent_material_no.in_(keys))
            .order_by(BomComponent.parent_material_no, BomComponent.component_material_no)
        )
        for line in bom_rows:
            boms[line.parent_material_no].append(line)
        price_rows = ctx.session.scalars(
            sa.select(PriceListEntry)
            .where(PriceListEntry.material_no.in_(keys))
            .order_by(PriceListEntry.price_list, PriceListEntry.currency)
        )
        for price in price_rows:
            prices[price.material_no].append(price)
    response = B.el("GetItemsChangedSinceResponse")
    for item in rows:
        item_element(response, item, boms[item.material_no], prices[item.material_no])
    B.sub(response, "ContinuationToken", token)
    return response


def get_bom(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """The single-level BOM of a material with each component's unit and text."""
    item = get_item_row(ctx.session, req_text(req, "MaterialNo"))
    rows = ctx.session.execute(
        sa.select(BomComponent, Item)
        .join(Item, Item.material_no == BomComponent.component_material_no)
        .where(BomComponent.parent_material_no == item.material_no)
        .order_by(BomComponent.component_material_no)
    )
    response = B.el("GetBomResponse")
    B.fields(response, [("MaterialNo", item.material_no), ("BaseUoM", item.base_uom)])
    for line, component in rows:
        bom_element(response, line, component)
    return response


@dataclass
class ItemInput:
    """One validated ItemInput; None means 'keep' on update and 'default' on create."""

    material_no: str
    description: str
    base_uom: str
    gross_weight_g: int | None
    material_group: str | None
    procurement_type: str | None
    reorder_point: Decimal | None
    reorder_qty: Decimal | None
    lead_time_days: int | None
    gtin: str | None
    status: str | None
    bom: list[tuple[str, Decimal]] | None


def _non_negative(value: Decimal | int | None, field: str) -> None:
    if value is not None and value < 0:
        raise SoapFault.validation(field, "must be >= 0")


def parse_item_input(record: etree._Element) -> ItemInput:
    """Validate one ItemInput (BOM components are checked against the database later)."""
    material_no = req_text(record, "MaterialNo")
    if not _MATERIAL_NO.fullmatch(material_no):
        raise SoapFault.validation("MaterialNo", "upper-case letters, digits, - _ . (max 40)")
    uom = req_text(record, "BaseUoM")
    if uom not in UOMS:
        raise SoapFault.validation("BaseUoM", f"one of {', '.join(UOMS)}")
    procurement = opt_text(record, "ProcurementType")
    if procurement not in (None, "F", "E"):
        raise SoapFault.validation("ProcurementType", "F (purchased) or E (in-house)")
    status = opt_text(record, "Status")
    if status not in (None, "A", "B", "D"):
        raise SoapFault.validation("Status", "A, B or D")
    gtin = opt_text(record, "GTIN")
    if gtin is not None and not gtin_ok(gtin):
        raise SoapFault.validation("GTIN", f"{gtin!r} has no valid GS1 check digit")
    parsed = ItemInput(
        material_no=material_no,
        description=req_text(record, "Description", max_len=120),
        base_uom=uom,
        gross_weight_g=opt_int(record, "GrossWeightG"),
        material_group=opt_text(record, "MaterialGroup", max_len=20),
        procurement_type=procurement,
        reorder_point=opt_decimal(record, "ReorderPoint"),
        reorder_qty=opt_decimal(record, "ReorderQty"),
        lead_time_days=opt_int(record, "LeadTimeDays"),
        gtin=gtin,
        status=status,
        bom=None,
    )
    for field, value in [
        ("GrossWeightG", parsed.gross_weight_g),
        ("ReorderPoint", parsed.reorder_point),
        ("ReorderQty", parsed.reorder_qty),
        ("LeadTimeDays", parsed.lead_time_days),
    ]:
        _non_negative(value, field)
    lines = children(record, "BomComponent")
    if opt_bool(record, "ReplaceBom") or lines:
        if len(lines) > MAX_BOM_LINES:
            raise SoapFault.validation("BomComponent", f"at most {MAX_BOM_LINES} lines")
        bom: dict[str, Decimal] = {}
        for line in lines:
            component = req_text(line, "ComponentMaterialNo")
            quantity = req_decimal(line, "Quantity")
            if quantity <= 0:
                raise SoapFault.validation("Quantity", "BOM quantity must be positive")
            if component == material_no:
                raise SoapFault.validation("ComponentMaterialNo", "an item cannot contain itself")
            if component in bom:
                raise SoapFault.validation("ComponentMaterialNo", f"{component} listed twice")
            bom[component] = quantity
        parsed.bom = list(bom.items())
    return parsed


def _check_bom(session: Session, parent: str, bom: list[tuple[str, Decimal]]) -> None:
    """Components must exist, and none may (indirectly) contain ``parent``."""
    frontier = set()
    for component, _qty in bom:
        get_item_row(session, component, "ComponentMaterialNo")
        frontier.add(component)
    seen: set[str] = set()
    while frontier:
        if parent in frontier:
            raise SoapFault.validation("ComponentMaterialNo", "the BOM would contain a cycle")
        seen |= frontier
        below = session.scalars(
            sa.select(BomComponent.component_material_no).where(
                BomComponent.parent_material_no.in_(frontier)
            )
        )
        frontier = set(below) - seen


_DEFAULTS: dict[str, object] = {
    "gross_weight_g": 0,
    "material_group": "",
    "procurement_type": "F",
    "reorder_point": Decimal(0),
    "reorder_qty": Decimal(0),
    "lead_time_days": 0,
    "status": "A",
}
_SCALARS = (
    "description",
    "base_uom",
    "gross_weight_g",
    "material_group",
    "procurement_type",
    "reorder_point",
    "reorder_qty",
    "lead_time_days",
    "gtin",
    "status",
)


def _apply_item(ctx: OperationContext, data: ItemInput) -> str:
    """Write one validated item; returns CREATED, UPDATED or UNCHANGED."""
    if data.bom is not None:
        _check_bom(ctx.session, data.material_no, data.bom)
    item = ctx.session.get(Item, data.material_no)
    action = "UNCHANGED"
    if item is None:
        item = Item(material_no=data.material_no, changed_at=ctx.now)
        for name in _SCALARS:
            value = getattr(data, name)
            setattr(item, name, _DEFAULTS.get(name) if value is None else value)
        ctx.session.add(item)
        action = "CREATED"
    else:
        for name in _SCALARS:
            value = getattr(data, name)
            if value is not None and getattr(item, name) != value:
                setattr(item, name, value)
                action = "UPDATED"
    if data.bom is not None:
        current = {
            line.component_material_no: line
            for line in ctx.session.scalars(
                sa.select(BomComponent).where(BomComponent.parent_material_no == data.material_no)
            )
        }
        wanted = dict(data.bom)
        for component, line in current.items():
            if component not in wanted:
                ctx.session.delete(line)
                action = "UPDATED" if action == "UNCHANGED" else action
        for component, qty in wanted.items():
            existing = current.get(component)
            if existing is None:
                ctx.session.add(
                    BomComponent(
                        parent_material_no=data.material_no,
                        component_material_no=component,
                        quantity=qty,
                    )
                )
                action = "UPDATED" if action == "UNCHANGED" else action
            elif existing.quantity != qty:
                existing.quantity = qty
                action = "UPDATED" if action == "UNCHANGED" else action
    if action == "UPDATED":
        item.changed_at = ctx.now
    ctx.session.flush()
    return action


def upsert_items(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Create or update up to 500 items (and their BOMs); each record on its own."""
    response = B.el("UpsertItemsResponse")
    for index, record in enumerate(batch_records(req, "Item")):
        key = opt_text(record, "MaterialNo")
        try:
            data = parse_item_input(record)
            action = _apply_item(ctx, data)
        except SoapFault as fault:
            error_result(response, index, key, fault)
            continue
        ok_result(response, index, data.material_no, action)
    return response
