"""Reorder-point planning with multi-level BOM explosion (consumption-based MRP)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.models.master import BomComponent, Item
from reference.erp.procurement import orders, stock
from reference.erp.procurement.models import (
    PurchaseOrder,
    PurchaseOrderItem,
    SourceListEntry,
    Vendor,
)
from reference.erp.soap.faults import SoapFault

BELOW_REORDER_POINT = "BELOW_REORDER_POINT"
DEPENDENT_DEMAND = "DEPENDENT_DEMAND"
PURCHASE, PRODUCTION = "PURCHASE", "PRODUCTION"
ZERO = Decimal(0)


@dataclass(frozen=True)
class ItemFacts:
    """The planning data of one material."""

    material_no: str
    uom: str
    procurement_type: str
    reorder_point: Decimal
    reorder_qty: Decimal
    lead_time_days: int


@dataclass(frozen=True)
class Proposal:
    """A proposed purchase or production of one material, and why."""

    material_no: str
    quantity: Decimal
    uom: str
    procurement_type: str
    proposal_type: str
    reason: str
    projected_stock: Decimal
    reorder_point: Decimal
    dependent_demand: Decimal
    delivery_date: date
    suggested_vendor: str | None = None
    required_for: tuple[str, ...] = field(default_factory=tuple)


def proposal_quantity(projected: Decimal, reorder_point: Decimal, reorder_qty: Decimal) -> Decimal:
    """max(reorder quantity, shortfall to the reorder point), rounded up to whole units."""
    shortfall = reorder_point - projected
    return max(reorder_qty, shortfall).to_integral_value(rounding=ROUND_CEILING)


def low_level_codes(bom: dict[str, list[tuple[str, Decimal]]]) -> dict[str, int]:
    """The deepest BOM level at which each material occurs (0 for top-level materials)."""
    codes: dict[str, int] = defaultdict(int)
    edges = [(parent, comp) for parent, comps in bom.items() for comp, _qty in comps]
    for _ in range(len(edges) + 1):
        changed = False
        for parent, comp in edges:
            if codes[comp] < codes[parent] + 1:
                codes[comp] = codes[parent] + 1
                changed = True
        if not changed:
            return dict(codes)
    raise SoapFault("the bills of materials contain a cycle", code="BOM_CYCLE")


def open_po_quantity(session: Session, plant: str | None) -> dict[str, Decimal]:
    """Ordered but not yet received quantity per material on POs still expecting goods."""
    stmt = (
        sa.select(
            PurchaseOrderItem.material_no,
            PurchaseOrderItem.quantity,
            PurchaseOrderItem.received_qty,
        )
        .join(PurchaseOrder, PurchaseOrder.po_no == PurchaseOrderItem.po_no)
        .where(PurchaseOrder.status.in_(orders.RECEIVING))
    )
    if plant is not None:
        stmt = stmt.where(PurchaseOrder.plant == plant)
    open_qty: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for material_no, quantity, received in session.execute(stmt).yield_per(1000):
        open_qty[material_no] += max(ZERO, quantity - received)
    return open_qty


def suggested_vendor(session: Session, material_no: str) -> str | None:
    """The preferred vendor of the source list that is not blocked for posting."""
    stmt = (
        sa.select(SourceListEntry.vendor_no)
        .join(Vendor, Vendor.vendor_no == SourceListEntry.vendor_no)
        .where(SourceListEntry.material_no == material_no, Vendor.posting_block.is_(False))
        .order_by(SourceListEntry.priority, SourceListEntry.vendor_no)
        .limit(1)
    )
    return session.scalars(stmt).first()


def _items(session: Session) -> dict[str, ItemFacts]:
    # Netting in low-level-code order needs every active material's planning data at once;
    # it is master data (hundreds of rows), unlike customers or documents.
    stmt = sa.select(
        Item.material_no,
        Item.base_uom,
        Item.procurement_type,
        Item.reorder_point,
        Item.reorder_qty,
        Item.lead_time_days,
    ).where(Item.status == "A")
    return {row[0]: ItemFacts(*row) for row in session.execute(stmt).yield_per(1000)}


def _bom(session: Session) -> dict[str, list[tuple[str, Decimal]]]:
    bom: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    stmt = sa.select(
        BomComponent.parent_material_no,
        BomComponent.component_material_no,
        BomComponent.quantity,
    ).order_by(BomComponent.parent_material_no, BomComponent.component_material_no)
    for parent, component, quantity in session.execute(stmt):
        bom[parent].append((component, quantity))
    return dict(bom)


def reorder_proposals(session: Session, today: date, plant: str | None = None) -> list[Proposal]:
    """Proposals for every active material whose projected stock falls below its reorder point.

    Projected stock is unrestricted - allocated + open PO quantity. In-house materials
    (type "E") are exploded through their BOMs level by level; the resulting dependent
    demand is netted against each component's own projected stock.
    """
    items = _items(session)
    available = dict(stock.available_by_material(session, plant))
    on_order = open_po_quantity(session, plant)
    bom = _bom(session)
    codes = low_level_codes(bom)
    demand: dict[str, Decimal] = defaultdict(lambda: ZERO)
    parents: dict[str, list[str]] = defaultdict(list)
    proposals: list[Proposal] = []
    for material_no in sorted(items, key=lambda m: (codes.get(m, 0), m)):
        facts = items[material_no]
        projected = available.get(material_no, ZERO) + on_order.get(material_no, ZERO)
        dependent = demand.get(material_no, ZERO)
        if projected - dependent >= facts.reorder_point:
            continue
        quantity = proposal_quantity(projected - dependent, facts.reorder_point, facts.reorder_qty)
        in_house = facts.procurement_type == "E"
        if in_house:
            for component, per_unit in bom.get(material_no, []):
                demand[component] += quantity * per_unit
                parents[component].append(material_no)
        proposals.append(
            Proposal(
                material_no=material_no,
                quantity=quantity,
                uom=facts.uom,
                procurement_type=facts.procurement_type,
                proposal_type=PRODUCTION if in_house else PURCHASE,
                reason=BELOW_REORDER_POINT if projected < facts.reorder_point else DEPENDENT_DEMAND,
                projected_stock=projected,
                reorder_point=facts.reorder_point,
                dependent_demand=dependent,
                delivery_date=today + timedelta(days=facts.lead_time_days),
                suggested_vendor=None if in_house else suggested_vendor(session, material_no),
                required_for=tuple(parents.get(material_no, ())),
            )
        )
    return proposals
