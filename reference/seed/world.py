"""The seed world: one consistent truth that each reference system loads in its own shape.

Everything derives from one integer seed, so two runs with the same seed produce the same
records. Customers are generated lazily (a bench world holds 100,000 of them) and each
customer is rebuilt from its index alone, so any system can stream them in batches.

Dirt is decided here, not in the systems, so that tests know what the hub should find:
some customers exist in both CRM and ERP under differently cased and spaced names, some
CRM records lack an email or carry a country name instead of its ISO code, and one
supplier's quality certificate has expired.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache, cached_property
from typing import Literal

from faker import Faker

SIZES: dict[str, int] = {"demo": 200, "bench": 100_000}
CENT = Decimal("0.01")

COUNTRIES: list[tuple[str, str, str, str]] = [
    # code, name as a careless user types it, currency, Faker locale
    ("DE", "Germany", "EUR", "de_DE"),
    ("FR", "France", "EUR", "fr_FR"),
    ("NL", "Netherlands", "EUR", "nl_NL"),
    ("GB", "United Kingdom", "GBP", "en_GB"),
    ("US", "United States", "USD", "en_US"),
]
CALLING_CODES = {"DE": "49", "FR": "33", "NL": "31", "GB": "44", "US": "1"}
PAYMENT_TERMS = [("NET30", 30), ("NET14", 14), ("NET60", 60), ("COD", 0)]
TIERS = ["gold", "silver", "bronze"]
SKU_PREFIX = {"component": "CMP", "finished": "FG", "merchandise": "MR"}
CATEGORIES = ["tools", "hardware", "electrical", "garden", "safety"]


def gs1_check_digit(body: str) -> str:
    """GS1 mod-10 check digit for a GTIN, GLN or SSCC body."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(CENT)


@dataclass(frozen=True)
class Warehouse:
    code: str
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    lead_time_days: int
    gln: str


@dataclass(frozen=True)
class BomLine:
    component_sku: str
    quantity: Decimal


@dataclass(frozen=True)
class Product:
    sku: str
    gtin: str
    name: str
    category: str
    kind: Literal["finished", "component", "merchandise"]
    uom: str
    list_price: Decimal
    cost: Decimal
    currency: str
    weight_kg: Decimal
    reorder_point: int
    reorder_quantity: int
    lead_time_days: int
    bom: tuple[BomLine, ...] = ()


@dataclass(frozen=True)
class Address:
    role: Literal["bill_to", "ship_to"]
    line1: str
    city: str
    postal_code: str
    country: str


@dataclass(frozen=True)
class Customer:
    index: int
    number: str  # the ERP's customer number, also kept by CRM as an external id
    legal_name: str
    tax_id: str
    email: str
    phone: str
    country: str
    currency: str
    payment_terms: str
    payment_days: int
    credit_limit: Decimal
    tier: str
    addresses: tuple[Address, ...]
    contact_name: str
    in_crm: bool
    in_erp: bool
    # How the record is dirty in each system (None where it is clean).
    erp_name: str
    crm_email: str | None
    crm_country: str  # ISO code, or a country name for the careless records
    linked: bool  # CRM already carries the ERP number; unlinked pairs must be matched


@dataclass(frozen=True)
class Certificate:
    kind: str
    number: str
    valid_to: date


@dataclass(frozen=True)
class Supplier:
    number: str
    name: str
    country: str
    currency: str
    tax_id: str
    email: str
    status: Literal["prospect", "approved", "suspended", "blocked"]
    certificates: tuple[Certificate, ...]
    lead_time_days: int
    edi_partner: str | None
    skus: tuple[str, ...]  # products this supplier sells to us


@dataclass(frozen=True)
class StockLot:
    sku: str
    warehouse: str
    location: str
    lot: str | None
    quantity: int


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Order:
    number: str
    customer_number: str
    channel: Literal["web", "marketplace", "edi", "crm"]
    priority: Literal["urgent", "high", "normal", "low"]
    order_date: datetime
    requested_date: date
    currency: str
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class Approver:
    user: str
    name: str
    role: Literal["manager", "finance", "ceo"]
    email: str


@dataclass
class World:
    """The seed world; cheap to build, customers produced on demand."""

    seed: int = 42
    size: str = "demo"
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    @property
    def customer_count(self) -> int:
        return SIZES[self.size]

    # --- customers -------------------------------------------------------------------

    def customer(self, index: int) -> Customer:
        """Customer number ``index`` (0-based), rebuilt from the seed alone."""
        rng = random.Random(f"{self.seed}/customer/{index}")
        code, country_name, currency, locale = COUNTRIES[rng.randrange(len(COUNTRIES))]
        fake = _faker(locale)
        fake.seed_instance(rng.randrange(2**32))
        company = fake.company()
        legal_name = f"{company} {index:06d}" if self.size == "bench" else company
        number = f"C{100000 + index}"
        domain = "".join(ch for ch in company.lower() if ch.isalnum())[:20] or "example"
        email = f"orders{index}@{domain}.example"
        phone = "+" + CALLING_CODES[code] + "".join(str(rng.randrange(10)) for _ in range(9))
        terms, days = PAYMENT_TERMS[rng.randrange(len(PAYMENT_TERMS))]
        bill = Address("bill_to", fake.street_address(), fake.city(), fake.postcode(), code)
        addresses: tuple[Address, ...] = (bill,)
        if rng.random() < 0.6:
            ship = Address("ship_to", fake.street_address(), fake.city(), fake.postcode(), code)
            addresses = (bill, ship)
        in_erp = rng.random() < 0.8
        in_crm = (not in_erp) or rng.random() < 0.85
        dirty_name = index % 10 == 3
        erp_name = _dirty(legal_name, rng) if dirty_name else legal_name
        return Customer(
            index=index,
            number=number,
            legal_name=legal_name,
            tax_id=f"{code}{rng.randrange(10**8, 10**9)}",
            email=email,
            phone=phone,
            country=code,
            currency=currency,
            payment_terms=terms,
            payment_days=days,
            credit_limit=Decimal(rng.choice([5, 10, 25, 50, 100]) * 1000),
            tier=TIERS[min(2, int(rng.random() * 3))],
            addresses=addresses,
            contact_name=fake.name(),
            in_crm=in_crm,
            in_erp=in_erp,
            erp_name=erp_name,
            crm_email=None if index % 17 == 5 else email,
            crm_country=country_name if index % 13 == 7 else code,
            linked=in_crm and in_erp and not dirty_name and index % 4 != 0,
        )

    def customers(self, start: int = 0, stop: int | None = None) -> Iterator[Customer]:
        """Stream customers ``start``..``stop`` without holding them all."""
        end = self.customer_count if stop is None else min(stop, self.customer_count)
        for index in range(start, end):
            yield self.customer(index)

    # --- small master data (held in memory: a few hundred records at most) -------------

    @cached_property
    def warehouses(self) -> list[Warehouse]:
        return [
            Warehouse(
                "WH-BER", "Berlin Central", "Berlin", "DE", 52.52, 13.40, 1, _gln("4012345", 1)
            ),
            Warehouse(
                "WH-RTM", "Rotterdam Port", "Rotterdam", "NL", 51.92, 4.48, 2, _gln("8712345", 2)
            ),
            Warehouse("WH-LYS", "Lyon South", "Lyon", "FR", 45.76, 4.84, 3, _gln("3012345", 3)),
        ]

    @cached_property
    def products(self) -> list[Product]:
        rng = random.Random(f"{self.seed}/products")
        fake = Faker("en_US")
        fake.seed_instance(self.seed)
        products: list[Product] = []
        components: list[str] = []
        for i in range(150):
            kind: Literal["finished", "component", "merchandise"]
            kind = "component" if i < 60 else ("finished" if i < 100 else "merchandise")
            sku = f"{SKU_PREFIX[kind]}-{1000 + i}"
            body = "400" + f"{1234567 + i:07d}" + f"{i % 100:02d}"
            cost = _money(rng, 2, 40 if kind == "component" else 120)
            bom: tuple[BomLine, ...] = ()
            if kind == "finished":
                picks = rng.sample(components, rng.randint(2, 4))
                bom = tuple(BomLine(c, Decimal(rng.randint(1, 4))) for c in picks)
            products.append(
                Product(
                    sku=sku,
                    gtin=body + gs1_check_digit(body),
                    name=f"{fake.color_name()} {fake.word().title()} {kind.title()} {i}",
                    category=CATEGORIES[i % len(CATEGORIES)],
                    kind=kind,
                    uom="EA",
                    list_price=(cost * Decimal("1.6")).quantize(CENT),
                    cost=cost,
                    currency="EUR",
                    weight_kg=Decimal(rng.randint(50, 25000)) / 1000,
                    reorder_point=rng.randint(10, 60),
                    reorder_quantity=rng.randint(50, 300),
                    lead_time_days=rng.randint(3, 21),
                    bom=bom,
                )
            )
            if kind == "component":
                components.append(sku)
        return products

    @cached_property
    def stock(self) -> list[StockLot]:
        """Opening stock; about a tenth of the products sit below their reorder point."""
        rng = random.Random(f"{self.seed}/stock")
        lots: list[StockLot] = []
        for p_index, product in enumerate(self.products):
            low = p_index % 10 == 0
            for w_index, wh in enumerate(self.warehouses):
                if rng.random() < 0.25 and w_index > 0:
                    continue
                qty = rng.randint(0, product.reorder_point // 3) if low else rng.randint(20, 400)
                lot = f"L{self.seed % 100:02d}{p_index:03d}{w_index}" if p_index % 3 == 0 else None
                location = f"{wh.code[-3:]}-A{1 + p_index % 20:02d}-{1 + w_index}"
                lots.append(StockLot(product.sku, wh.code, location, lot, qty))
        return lots

    @cached_property
    def suppliers(self) -> list[Supplier]:
        rng = random.Random(f"{self.seed}/suppliers")
        fake = Faker("de_DE")
        fake.seed_instance(self.seed + 1)
        purchasable = [p.sku for p in self.products if p.kind != "finished"]
        suppliers: list[Supplier] = []
        for i in range(20):
            code, _name, currency, _loc = COUNTRIES[i % len(COUNTRIES)]
            status: Literal["prospect", "approved", "suspended", "blocked"] = "approved"
            if i == 17:
                status = "prospect"
            elif i == 18:
                status = "suspended"
            elif i == 19:
                status = "blocked"
            # Supplier 3 is approved but its ISO 9001 certificate expired: ordering is blocked.
            expiry = (
                self.today - timedelta(days=10) if i == 3 else self.today + timedelta(days=200 + i)
            )
            certificates = (Certificate("ISO9001", f"Q-{2000 + i}", expiry),)
            start = (i * 7) % len(purchasable)
            skus = tuple(purchasable[(start + k) % len(purchasable)] for k in range(12))
            name = fake.company()
            suppliers.append(
                Supplier(
                    number=f"S{5000 + i}",
                    name=name,
                    country=code,
                    currency=currency,
                    tax_id=f"{code}{rng.randrange(10**8, 10**9)}",
                    email=f"sales{i}@supplier{i}.example",
                    status=status,
                    certificates=certificates,
                    lead_time_days=rng.randint(3, 15),
                    edi_partner="ACME-SUPPLY" if i == 0 else ("GLOBEX-SUPPLY" if i == 1 else None),
                    skus=skus,
                )
            )
        return suppliers

    def orders(self, count: int = 60) -> Iterator[Order]:
        """Open sales orders across channels, placed by customers known to the OMS."""
        rng = random.Random(f"{self.seed}/orders")
        sellable = [p for p in self.products if p.kind != "component"]
        channels: list[Literal["web", "marketplace", "edi", "crm"]] = [
            "web",
            "marketplace",
            "edi",
            "crm",
        ]
        priorities: list[Literal["urgent", "high", "normal", "low"]] = [
            "urgent",
            "high",
            "normal",
            "normal",
            "low",
        ]
        base = datetime.combine(self.today, datetime.min.time(), UTC) - timedelta(days=2)
        for n in range(count):
            customer = self.customer(rng.randrange(self.customer_count))
            picks = rng.sample(sellable, rng.randint(1, 4))
            lines = tuple(OrderLine(p.sku, rng.randint(1, 12), p.list_price) for p in picks)
            yield Order(
                number=f"SO-{700000 + n}",
                customer_number=customer.number,
                channel=channels[n % len(channels)],
                priority=priorities[rng.randrange(len(priorities))],
                order_date=base + timedelta(minutes=17 * n),
                requested_date=self.today + timedelta(days=rng.randint(2, 14)),
                currency="EUR",
                lines=lines,
            )

    @cached_property
    def approvers(self) -> list[Approver]:
        return [
            Approver("mgr.meyer", "Mia Meyer", "manager", "mia.meyer@corp.example"),
            Approver("fin.okafor", "Femi Okafor", "finance", "femi.okafor@corp.example"),
            Approver("ceo.lind", "Lena Lind", "ceo", "lena.lind@corp.example"),
        ]


@cache
def _faker(locale: str) -> Faker:
    """One Faker per locale: building one costs a millisecond, reseeding it almost nothing."""
    return Faker(locale)


def _gln(prefix: str, n: int) -> str:
    body = prefix + f"{n:05d}"
    return body + gs1_check_digit(body)


def _dirty(name: str, rng: random.Random) -> str:
    """The same name as a hurried clerk keys it: other casing, doubled and stray spaces."""
    variant = rng.randrange(3)
    if variant == 0:
        return name.upper()
    if variant == 1:
        return "  " + name.replace(" ", "  ") + " "
    return name.lower().replace(" ", "   ")
