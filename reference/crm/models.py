"""The CRM's tables: accounts and their satellites, plus tokens and idempotency keys."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC (sortable on every backend) and hands back aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Cents(TypeDecorator[Decimal]):
    """Money kept exactly as integer minor units (SQLite has no decimal type)."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else int((value * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else (Decimal(value) / 100).quantize(CENT)


CENT = Decimal("0.01")
MONEY = Cents()


class Base(DeclarativeBase):
    """All CRM tables."""


class RecordMixin:
    """Columns every versioned, change-tracked CRM record carries."""

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class Account(RecordMixin, Base):
    __tablename__ = "accounts"
    __table_args__ = (sa.Index("ix_accounts_changes", "last_modified", "id"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    account_type: Mapped[str] = mapped_column(sa.String(16), default="customer")
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    tax_number: Mapped[str | None] = mapped_column(sa.String(32))
    website: Mapped[str | None] = mapped_column(sa.String(255))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    # Addresses are kept as the user typed them (country may be a name or a code).
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    tier: Mapped[str | None] = mapped_column(sa.String(16))
    owner_id: Mapped[str | None] = mapped_column(sa.String(32))
    credit_limit: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(16), default="active")


class AccountExternalId(Base):
    """An account's id in another system (``erp`` -> customer number)."""

    __tablename__ = "account_external_ids"
    __table_args__ = (sa.UniqueConstraint("system", "external_id", name="uq_external_id"),)

    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    system: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64))


class Contact(RecordMixin, Base):
    __tablename__ = "contacts"
    __table_args__ = (sa.Index("ix_contacts_changes", "last_modified", "id"),)

    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    first_name: Mapped[str | None] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    title: Mapped[str | None] = mapped_column(sa.String(100))
    primary: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class Lead(RecordMixin, Base):
    __tablename__ = "leads"
    __table_args__ = (sa.Index("ix_leads_changes", "last_modified", "id"),)

    first_name: Mapped[str | None] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    company: Mapped[str | None] = mapped_column(sa.String(255))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    country: Mapped[str | None] = mapped_column(sa.String(64))
    source: Mapped[str | None] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16), default="new")


class Opportunity(RecordMixin, Base):
    __tablename__ = "opportunities"
    __table_args__ = (sa.Index("ix_opportunities_changes", "last_modified", "id"),)

    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    stage: Mapped[str] = mapped_column(sa.String(16), default="prospecting")
    currency: Mapped[str] = mapped_column(sa.String(3))
    close_date: Mapped[str | None] = mapped_column(sa.String(10))  # ISO date
    owner_id: Mapped[str | None] = mapped_column(sa.String(32))
    # [{"sku": str, "quantity": int, "price": "12.50"}]: the order to place once won.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    order_ref: Mapped[str | None] = mapped_column(sa.String(64))
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Ticket(RecordMixin, Base):
    __tablename__ = "tickets"
    __table_args__ = (sa.Index("ix_tickets_changes", "last_modified", "id"),)

    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    contact_id: Mapped[str | None] = mapped_column(sa.String(32))
    subject: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    priority: Mapped[str] = mapped_column(sa.String(8), default="normal")
    status: Mapped[str] = mapped_column(sa.String(8), default="new")


class CustomerOrder(RecordMixin, Base):
    """An order of an account as the hub reported it (order history)."""

    __tablename__ = "customer_orders"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "order_number", name="uq_account_order"),
        sa.Index("ix_customer_orders_changes", "account_id", "last_modified", "id"),
    )

    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id"))
    order_number: Mapped[str] = mapped_column(sa.String(64))
    order_date: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(32))
    currency: Mapped[str] = mapped_column(sa.String(3))
    total: Mapped[Decimal] = mapped_column(MONEY)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    source: Mapped[str | None] = mapped_column(sa.String(32))


class CreditLimitRequest(RecordMixin, Base):
    __tablename__ = "credit_limit_requests"
    __table_args__ = (sa.Index("ix_credit_requests_changes", "last_modified", "id"),)

    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    current_limit: Mapped[Decimal | None] = mapped_column(MONEY)
    requested_limit: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    approved_limit: Mapped[Decimal | None] = mapped_column(MONEY)
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Product(RecordMixin, Base):
    """A catalogue product (Salesforce Product2); ``code`` is the seller's sku."""

    __tablename__ = "products"
    __table_args__ = (
        sa.UniqueConstraint("code", name="uq_product_code"),
        sa.Index("ix_products_changes", "last_modified", "id"),
    )

    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    family: Mapped[str | None] = mapped_column(sa.String(40))
    gtin: Mapped[str | None] = mapped_column(sa.String(14))
    unit_of_measure: Mapped[str | None] = mapped_column(sa.String(8))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class ProductExternalId(Base):
    """A product's id in another system (``erp`` -> material number)."""

    __tablename__ = "product_external_ids"
    __table_args__ = (sa.UniqueConstraint("system", "external_id", name="uq_product_external_id"),)

    product_id: Mapped[str] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    system: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64))


class PriceBookEntry(Base):
    """A product's price in one price book and currency (Salesforce PricebookEntry)."""

    __tablename__ = "price_book_entries"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "price_book", "currency", name="uq_price_book_entry"),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    product_id: Mapped[str] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    price_book: Mapped[str] = mapped_column(sa.String(40))
    currency: Mapped[str] = mapped_column(sa.String(3))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class IdempotencyKey(Base):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_keys"

    client_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int] = mapped_column(sa.Integer)
    body: Mapped[str] = mapped_column(sa.Text)
    location: Mapped[str | None] = mapped_column(sa.String(255))
    etag: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccessToken(Base):
    """An issued bearer token; only its SHA-256 is kept, never the token itself."""

    __tablename__ = "access_tokens"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[str] = mapped_column(sa.String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


RECORD_MODELS: tuple[type[RecordMixin], ...] = (
    Account,
    Contact,
    Lead,
    Opportunity,
    Ticket,
    CustomerOrder,
    CreditLimitRequest,
    Product,
)
