"""The demo's retail trade: which customer a retail partner is, and the orders it sends."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from canonical import Order
from canonical.order import OrderLine
from canonical.pricing import compute_tax_subtotals, compute_totals
from canonical.types import Address, Money, PartyRef, Quantity
from hub.store.xref import canonical_id_for, link, populate_or_lookup
from reference.seed.world import Customer, World

BUYER_GLN = "4012345000016"  # the partner's DC 42 in the retail partner profile


def partner_customer(world: World) -> Customer:
    """The world's customer a retail partner trades as: the first clean EUR one in ERP and CRM."""
    for customer in world.customers():
        if customer.currency == "EUR" and customer.in_erp and customer.in_crm and customer.linked:
            return customer
    raise LookupError("the demo world has no EUR customer known to both ERP and CRM")


def link_partner_customer(
    sessions: sessionmaker[Session], partner_id: str, customer_number: str
) -> str:
    """Record that the whole partner (``*``) is the ERP customer; returns the hub id."""
    with sessions.begin() as session:
        hub_id = populate_or_lookup(session, "customer", "erp", customer_number)
        system = f"edi:{partner_id}"
        if canonical_id_for(session, "customer", system, "*") is None:
            link(session, "customer", hub_id, system, "*")
        return hub_id


def stocked_skus(world: World, count: int) -> list[str]:
    """The ``count`` sellable SKUs with the most seeded stock (ties by SKU): deterministic."""
    sellable = {p.sku for p in world.products if p.kind != "component"}
    stock: Counter[str] = Counter()
    for lot in world.stock:
        if lot.sku in sellable:
            stock[lot.sku] += lot.quantity
    ranked = sorted(stock.items(), key=lambda item: (-item[1], item[0]))
    return [sku for sku, _ in ranked[:count]]


def retail_orders(
    world: World, partner_id: str, count: int, *, currency: str = "EUR"
) -> list[Order]:
    """``count`` purchase orders of the retail partner, one stocked SKU each, same every run."""
    prices = {p.sku: p.list_price for p in world.products}
    orders = []
    for n, sku in enumerate(stocked_skus(world, count), start=1):
        unit = Money(amount=prices[sku], currency=currency)
        qty = 1 + n % 3
        line = OrderLine(
            line_no=1,
            sku=sku,
            quantity=Quantity(value=Decimal(qty), uom="EA"),
            unit_price=unit,
            line_total=Money(amount=unit.amount * qty, currency=currency),
            tax_category="S",
            tax_rate=Decimal("19"),
        )
        subtotals = compute_tax_subtotals((line,), (), currency)
        orders.append(
            Order(
                order_number=f"{partner_id[:8]}-PO-{world.seed:03d}{n:03d}",
                channel="edi",
                status="pending",
                order_date=world.today,
                customer=PartyRef(gln=BUYER_GLN, name=f"{partner_id} stores"),
                ship_to=PartyRef(
                    name=f"{partner_id} DC 42",
                    address=Address(
                        role="ship_to",
                        lines=("Hafenweg 5",),
                        city="Hamburg",
                        postal_code="20457",
                        country="DE",
                    ),
                ),
                currency=currency,
                lines=(line,),
                tax_subtotals=subtotals,
                totals=compute_totals((line,), (), subtotals, currency),
            )
        )
    return orders
