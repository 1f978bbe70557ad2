"""Sales order operations: idempotent create with credit check, read, list, goods issue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.models import Item, PriceListEntry, SalesOrder, SalesOrderItem
from reference.erp.sales.customers import get_customer_row
from reference.erp.sales.items import get_item_row
from reference.erp.sales.rules import (
    DEFAULT_PRICE_LIST,
    check_amount,
    check_credit,
    check_quantity,
    line_value,
    money,
)
from reference.erp.sales.xmlns import B
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import keyset_page, page_size
from reference.erp.soap.service import (
    OperationContext,
    children,
    opt_date,
    opt_decimal,
    opt_int,
    opt_text,
    req_datetime,
    req_decimal,
    req_int,
    req_text,
)

MAX_ITEMS = 200
FIRST_ORDER_NO = 10000001
STATUSES = ("OPEN", "PARTIAL", "SHIPPED", "INVOICED")


def order_items(session: Session, order_no: str) -> list[SalesOrderItem]:
    """The items of a sales order by item number."""
    return list(
        session.scalars(
            sa.select(SalesOrderItem)
            .where(SalesOrderItem.sales_order_no == order_no)
            .order_by(SalesOrderItem.item_no)
        )
    )


def order_element(
    parent: etree._Element, order: SalesOrder, items: Sequence[SalesOrderItem]
) -> None:
    """Append a SalesOrder element with its items."""
    node = B.group(parent, "SalesOrder")
    B.fields(
        node,
        [
            ("SalesOrderNo", order.sales_order_no),
            ("ExternalRef", order.external_ref),
            ("CustomerNo", order.customer_no),
            ("OrderDate", order.order_date),
            ("RequestedDate", order.requested_date),
            ("Currency", order.currency),
            ("NetValue", order.net_value),
            ("Status", order.status),
            ("CreatedAt", order.created_at),
            ("ChangedAt", order.changed_at),
        ],
    )
    for item in items:
        line = B.group(node, "Item")
        B.fields(
            line,
            [
                ("ItemNo", item.item_no),
                ("MaterialNo", item.material_no),
                ("Quantity", item.quantity),
                ("UoM", item.uom),
                ("NetPrice", item.net_price),
                ("NetValue", line_value(item.quantity, item.net_price)),
                ("ShippedQty", item.shipped_qty),
                ("InvoicedQty", item.invoiced_qty),
            ],
        )


def get_order_row(session: Session, order_no: str) -> SalesOrder:
    """The sales order or a NOT_FOUND fault naming SalesOrderNo."""
    order = session.get(SalesOrder, order_no)
    if order is None:
        raise SoapFault.not_found("SalesOrderNo", order_no)
    return order


def _next_order_no(session: Session) -> str:
    highest = session.scalar(sa.select(sa.func.max(SalesOrder.sales_order_no)))
    return f"{(int(highest) + 1) if highest else FIRST_ORDER_NO:010d}"


def _price(session: Session, item: Item, currency: str) -> Decimal:
    entry = session.get(PriceListEntry, (item.material_no, DEFAULT_PRICE_LIST, currency))
    if entry is None:
        raise SoapFault.validation(
            "NetPrice", f"no {DEFAULT_PRICE_LIST} price in {currency} for {item.material_no}"
        )
    return money(entry.amount / entry.price_unit)


def _parse_items(
    session: Session, req: etree._Element, currency: str
) -> list[tuple[Item, Decimal, Decimal]]:
    """(item, quantity, net price) per requested line, validated."""
    lines = children(req, "Item")
    if not lines:
        raise SoapFault.validation("Item", "at least one item is required")
    if len(lines) > MAX_ITEMS:
        raise SoapFault.validation("Item", f"at most {MAX_ITEMS} items")
    parsed = []
    for line in lines:
        item = get_item_row(session, req_text(line, "MaterialNo"))
        if item.status != "A":
            raise SoapFault.validation("MaterialNo", f"{item.material_no} is not active")
        quantity = check_quantity(req_decimal(line, "Quantity"), item.base_uom)
        given = opt_decimal(line, "NetPrice")
        price = (
            _price(session, item, currency)
            if given is None
            else check_amount(given, "NetPrice", positive=True)
        )
        parsed.append((item, quantity, price))
    return parsed


def create_sales_order(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Create a sales order once per ExternalRef; refuse it over the credit limit."""
    external_ref = req_text(req, "ExternalRef", max_len=40)
    customer_no = req_text(req, "CustomerNo")
    response = B.el("CreateSalesOrderResponse")
    existing = ctx.session.scalar(
        sa.select(SalesOrder).where(SalesOrder.external_ref == external_ref)
    )
    if existing is not None:
        if existing.customer_no != customer_no:
            raise SoapFault.conflict(
                f"ExternalRef {external_ref!r} belongs to another customer's order",
                "ExternalRef",
            )
        B.sub(response, "Created", False)
        order_element(response, existing, order_items(ctx.session, existing.sales_order_no))
        return response
    customer = get_customer_row(ctx.session, customer_no)
    if customer.order_block:
        raise SoapFault(
            f"customer {customer_no} is blocked for orders", code="BLOCKED", field="CustomerNo"
        )
    currency = opt_text(req, "Currency") or customer.currency
    if currency != customer.currency:
        raise SoapFault.validation("Currency", f"customer orders in {customer.currency}")
    order_date = opt_date(req, "OrderDate") or ctx.now.date()
    requested = opt_date(req, "RequestedDate")
    if requested is not None and requested < order_date:
        raise SoapFault.validation("RequestedDate", "before the order date")
    lines = _parse_items(ctx.session, req, currency)
    net_value = sum((line_value(q, p) for _i, q, p in lines), Decimal("0.00"))
    check_credit(ctx.session, customer, net_value)
    order = SalesOrder(
        sales_order_no=_next_order_no(ctx.session),
        external_ref=external_ref,
        customer_no=customer_no,
        order_date=order_date,
        requested_date=requested,
        currency=currency,
        net_value=net_value,
        status="OPEN",
        created_by=ctx.user,
        created_at=ctx.now,
        changed_at=ctx.now,
    )
    ctx.session.add(order)
    items = [
        SalesOrderItem(
            sales_order_no=order.sales_order_no,
            item_no=10 * (n + 1),
            material_no=item.material_no,
            quantity=quantity,
            uom=item.base_uom,
            net_price=price,
            shipped_qty=Decimal(0),
            invoiced_qty=Decimal(0),
        )
        for n, (item, quantity, price) in enumerate(lines)
    ]
    ctx.session.add_all(items)
    ctx.session.flush()
    B.sub(response, "Created", True)
    order_element(response, order, items)
    return response


def get_sales_order(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """One sales order by SalesOrderNo or ExternalRef."""
    order_no = opt_text(req, "SalesOrderNo")
    external_ref = opt_text(req, "ExternalRef")
    if order_no is not None:
        order = get_order_row(ctx.session, order_no)
    elif external_ref is not None:
        found = ctx.session.scalar(
            sa.select(SalesOrder).where(SalesOrder.external_ref == external_ref)
        )
        if found is None:
            raise SoapFault.not_found("ExternalRef", external_ref)
        order = found
    else:
        raise SoapFault.validation("SalesOrderNo", "SalesOrderNo or ExternalRef is required")
    response = B.el("GetSalesOrderResponse")
    order_element(response, order, order_items(ctx.session, order.sales_order_no))
    return response


def list_sales_orders(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Sales orders changed at or after ChangedSince, optionally by customer and status."""
    query = sa.select(SalesOrder)
    customer_no = opt_text(req, "CustomerNo")
    if customer_no is not None:
        query = query.where(SalesOrder.customer_no == customer_no)
    status = opt_text(req, "Status")
    if status is not None:
        if status not in STATUSES:
            raise SoapFault.validation("Status", f"one of {', '.join(STATUSES)}")
        query = query.where(SalesOrder.status == status)
    rows, token = keyset_page(
        ctx.session,
        query,
        SalesOrder.changed_at,
        SalesOrder.sales_order_no,
        since=req_datetime(req, "ChangedSince"),
        token=opt_text(req, "ContinuationToken"),
        size=page_size(opt_int(req, "MaxRecords")),
    )
    items: dict[str, list[SalesOrderItem]] = defaultdict(list)
    if rows:
        for item in ctx.session.scalars(
            sa.select(SalesOrderItem)
            .where(SalesOrderItem.sales_order_no.in_([o.sales_order_no for o in rows]))
            .order_by(SalesOrderItem.sales_order_no, SalesOrderItem.item_no)
        ):
            items[item.sales_order_no].append(item)
    response = B.el("ListSalesOrdersResponse")
    for order in rows:
        order_element(response, order, items[order.sales_order_no])
    B.sub(response, "ContinuationToken", token)
    return response


def order_status(items: Sequence[SalesOrderItem]) -> str:
    """OPEN, PARTIAL, SHIPPED or INVOICED from the items' shipped and invoiced quantities."""
    if all(i.invoiced_qty >= i.quantity for i in items):
        return "INVOICED"
    if all(i.shipped_qty >= i.quantity for i in items):
        return "SHIPPED"
    if any(i.shipped_qty > 0 for i in items):
        return "PARTIAL"
    return "OPEN"


def post_goods_issue(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Add shipped quantities to sales order items; never more than ordered."""
    order = get_order_row(ctx.session, req_text(req, "SalesOrderNo"))
    items = {i.item_no: i for i in order_items(ctx.session, order.sales_order_no)}
    lines = children(req, "Item")
    if not lines:
        raise SoapFault.validation("Item", "at least one item is required")
    for line in lines:
        item_no = req_int(line, "ItemNo")
        item = items.get(item_no)
        if item is None:
            raise SoapFault.not_found("ItemNo", str(item_no))
        quantity = check_quantity(req_decimal(line, "Quantity"), item.uom)
        if item.shipped_qty + quantity > item.quantity:
            raise SoapFault.conflict(
                f"item {item_no}: shipping {quantity} would exceed the ordered {item.quantity}"
                f" ({item.shipped_qty} already shipped)",
                "Quantity",
            )
        item.shipped_qty += quantity
    order.status = order_status(list(items.values()))
    order.changed_at = ctx.now
    response = B.el("PostGoodsIssueResponse")
    order_element(response, order, sorted(items.values(), key=lambda i: i.item_no))
    return response
