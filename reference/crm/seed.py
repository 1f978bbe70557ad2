"""Load the world's CRM slice: accounts as users keyed them, with contacts, leads and deals.

Every customer with ``in_crm`` becomes an account carrying its dirt (no email, a country
name instead of a code, the ERP number only when ``linked``), with a primary contact and,
for some, an opportunity, a service ticket or a lead. Customers stream in batches with
bulk inserts; seeding resets the CRM's tables first, so it can be run again.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reference.crm import models as m
from reference.kit.db import make_engine
from reference.seed.world import Customer, Product, World

BATCH = 1000
OWNERS = [f"usr_{n:04d}" for n in range(1, 9)]
INDUSTRIES = ["manufacturing", "retail", "construction", "wholesale", "utilities", "services"]
STAGES = [
    ("prospecting", 30),
    ("qualification", 20),
    ("proposal", 15),
    ("negotiation", 10),
    ("closed_won", 12),
    ("closed_lost", 13),
]
SUBJECTS = ["Late delivery", "Damaged goods", "Invoice question", "Return request", "Login help"]
LEAD_FIRST = ["Alex", "Sam", "Kim", "Robin", "Jo", "Chris", "Maria", "Jan", "Luca", "Noor"]
LEAD_LAST = ["Berg", "Dupont", "Smith", "de Vries", "Keller", "Martin", "Jansen", "Moreau"]
LEAD_WORDS = ["Nordic", "Alpine", "Delta", "Orbit", "Summit", "Harbor", "Vertex", "Cedar"]
LEAD_KINDS = ["Tools", "Supply", "Industries", "Trading", "Works", "Logistics"]


def record_id(prefix: str, world: World, kind: str, index: int) -> str:
    """A stable id for seeded record ``index`` of ``kind``, shaped like the CRM's own ids."""
    digest = hashlib.blake2b(f"{world.seed}/{kind}/{index}".encode(), digest_size=8)
    return f"{prefix}_{digest.hexdigest()}"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _address(address: Any, country: str) -> dict[str, str]:
    return {
        "street": address.line1,
        "city": address.city,
        "zip": address.postal_code,
        "country": country,
    }


class _Batch:
    """Rows of one batch of customers, per table, inserted parents first."""

    def __init__(self) -> None:
        order = (m.Account, m.AccountExternalId, m.Contact, m.Opportunity, m.Ticket, m.Lead)
        self.tables: dict[type[m.Base], list[dict[str, Any]]] = {model: [] for model in order}

    def add(self, model: type[m.Base], row: dict[str, Any]) -> None:
        self.tables[model].append(row)

    def flush(self, conn: Connection) -> None:
        for model, rows in self.tables.items():
            if rows:
                conn.execute(sa.insert(model), rows)
                rows.clear()


class _Seeder:
    def __init__(self, world: World) -> None:
        self.world = world
        self.base = datetime.combine(world.today, time.min, UTC) - timedelta(days=60)
        self.sellable: list[Product] = [p for p in world.products if p.kind != "component"]

    def stamps(self, rng: random.Random, index: int) -> dict[str, Any]:
        created = self.base + timedelta(seconds=6 * index, microseconds=rng.randrange(10**6))
        modified = created + timedelta(seconds=rng.randrange(3 * 86400))
        return {"created_at": created, "last_modified": modified, "version": 1, "deleted": False}

    def customer(self, c: Customer, batch: _Batch) -> None:
        rng = random.Random(f"{self.world.seed}/crm/{c.index}")  # noqa: S311 - repeatable on purpose
        stamps = self.stamps(rng, c.index)
        if rng.random() < 0.1:
            self.lead(c, rng, stamps, batch)
        if not c.in_crm:
            return
        account_id = record_id("acc", self.world, "account", c.index)
        domain = c.email.split("@", 1)[1]
        bill = next(a for a in c.addresses if a.role == "bill_to")
        ship = next((a for a in c.addresses if a.role == "ship_to"), None)
        batch.add(m.Account, {
            "id": account_id, "name": c.legal_name, "account_type": "customer",
            "industry": rng.choice(INDUSTRIES), "tax_number": c.tax_id,
            "website": f"https://www.{domain}", "email": c.crm_email, "phone": c.phone,
            "billing_address": _address(bill, c.crm_country),
            "shipping_address": _address(ship, c.crm_country) if ship else None,
            "tier": c.tier, "owner_id": rng.choice(OWNERS), "credit_limit": c.credit_limit,
            "currency": c.currency, "status": "active", **stamps,
        })  # fmt: skip
        if c.linked:
            batch.add(
                m.AccountExternalId,
                {"account_id": account_id, "system": "erp", "external_id": c.number},
            )
        *first, last = c.contact_name.split() or ["Unknown"]
        email = None
        if c.crm_email is not None:
            email = f"{_ascii(first[-1]) if first else 'info'}.{_ascii(last)}@{domain}"
        batch.add(m.Contact, {
            "id": record_id("con", self.world, "contact", c.index), "account_id": account_id,
            "first_name": " ".join(first) or None, "last_name": last, "email": email,
            "phone": c.phone, "title": rng.choice(["Buyer", "Purchasing Manager", "CFO"]),
            "primary": True, **stamps,
        })  # fmt: skip
        if rng.random() < 0.3:
            self.opportunity(c, rng, account_id, stamps, batch)
        if rng.random() < 0.2:
            batch.add(m.Ticket, {
                "id": record_id("tkt", self.world, "ticket", c.index), "account_id": account_id,
                "contact_id": record_id("con", self.world, "contact", c.index),
                "subject": rng.choice(SUBJECTS), "description": None,
                "priority": rng.choice(["low", "normal", "normal", "high", "urgent"]),
                "status": rng.choice(["new", "open", "pending", "solved", "closed"]), **stamps,
            })  # fmt: skip

    def opportunity(
        self, c: Customer, rng: random.Random, account_id: str, stamps: dict[str, Any],
        batch: _Batch,
    ) -> None:  # fmt: skip
        stage = rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES])[0]
        picks = rng.sample(self.sellable, rng.randint(1, 3))
        lines = [
            {"sku": p.sku, "quantity": rng.randint(1, 20), "price": str(p.list_price)}
            for p in picks
        ]
        close = self.world.today + timedelta(days=rng.randint(-20, 90))
        batch.add(m.Opportunity, {
            "id": record_id("opp", self.world, "opportunity", c.index),
            "account_id": account_id, "name": f"{c.legal_name} - {picks[0].category} deal",
            "stage": stage, "currency": c.currency, "close_date": close.isoformat(),
            "owner_id": rng.choice(OWNERS), "lines": lines, "order_ref": None,
            "stage_changed_at": stamps["last_modified"], **stamps,
        })  # fmt: skip

    def lead(self, c: Customer, rng: random.Random, stamps: dict[str, Any], batch: _Batch) -> None:
        first, last = rng.choice(LEAD_FIRST), rng.choice(LEAD_LAST)
        company = f"{rng.choice(LEAD_WORDS)} {rng.choice(LEAD_KINDS)}"
        batch.add(m.Lead, {
            "id": record_id("led", self.world, "lead", c.index), "first_name": first,
            "last_name": last, "company": company,
            "email": f"{_ascii(first)}.{_ascii(last)}@{_ascii(company)}.example",
            "phone": None, "country": c.crm_country,
            "source": rng.choice(["web", "trade_show", "referral", "cold_call"]),
            "status": rng.choice(["new", "working", "qualified", "disqualified"]), **stamps,
        })  # fmt: skip


def _batches(customers: Iterator[Customer]) -> Iterator[list[Customer]]:
    while chunk := list(islice(customers, BATCH)):
        yield chunk


def seed(db_url: str, world: World) -> None:
    """Reset the CRM's tables and load the world's slice, one committed batch at a time."""
    engine = make_engine(db_url)
    try:
        m.Base.metadata.drop_all(engine)
        m.Base.metadata.create_all(engine)
        seeder = _Seeder(world)
        batch = _Batch()
        with engine.connect() as conn:
            for chunk in _batches(world.customers()):
                for customer in chunk:
                    seeder.customer(customer, batch)
                batch.flush(conn)
                conn.commit()
    finally:
        engine.dispose()
