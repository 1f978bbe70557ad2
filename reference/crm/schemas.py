"""Request and response shapes of accounts, contacts and leads (camelCase JSON)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from reference.crm.types import (
    Currency,
    Email,
    Input,
    Money,
    Name,
    Native,
    Phone,
    Text100,
    Text255,
    Timestamp,
)

SystemName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
ExternalId = Annotated[str, Field(min_length=1, max_length=64)]
AccountType = Literal["customer", "prospect", "partner"]
AccountStatus = Literal["active", "inactive", "blocked"]
Tier = Literal["gold", "silver", "bronze"]
LeadStatus = Literal["new", "working", "qualified", "disqualified"]


class Address(Input):
    """An address as typed into the CRM; ``country`` may be a name or an ISO code."""

    street: Text255 | None = None
    city: Text100 | None = None
    zip: Annotated[str, Field(max_length=16)] | None = None
    country: Text100 | None = None


class AccountIn(Input):
    """A whole account (POST, PUT and upsert by external id)."""

    account_name: Name
    account_type: AccountType = "customer"
    industry: Text100 | None = None
    tax_number: Annotated[str, Field(max_length=32)] | None = None
    website: Text255 | None = None
    email: Email | None = None
    phone: Phone | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    external_ids: dict[SystemName, ExternalId] = Field(default_factory=dict)
    tier: Tier | None = None
    owner_id: Annotated[str, Field(max_length=32)] | None = None
    credit_limit: Money | None = None
    currency: Currency | None = None
    status: AccountStatus = "active"


class AccountPatch(Input):
    """Some fields of an account (PATCH); absent fields stay as they are."""

    account_name: Name | None = None
    account_type: AccountType | None = None
    industry: Text100 | None = None
    tax_number: Annotated[str, Field(max_length=32)] | None = None
    website: Text255 | None = None
    email: Email | None = None
    phone: Phone | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    external_ids: dict[SystemName, ExternalId] | None = None
    tier: Tier | None = None
    owner_id: Annotated[str, Field(max_length=32)] | None = None
    credit_limit: Money | None = None
    currency: Currency | None = None
    status: AccountStatus | None = None


class AddressOut(Native):
    street: str | None = None
    city: str | None = None
    zip: str | None = None
    country: str | None = None


class AccountOut(Native):
    account_id: str
    account_name: str
    account_type: str
    industry: str | None
    tax_number: str | None
    website: str | None
    email: str | None
    phone: str | None
    billing_address: AddressOut | None
    shipping_address: AddressOut | None
    external_ids: dict[str, str]
    tier: str | None
    owner_id: str | None
    credit_limit: Money | None
    currency: str | None
    status: str
    created_at: Timestamp
    last_modified: Timestamp
    version: int


class AccountTombstone(Native):
    account_id: str
    deleted: bool = True
    last_modified: Timestamp


class AccountPage(BaseModel):
    items: list[AccountOut | AccountTombstone]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")
    resume_cursor: str | None = Field(description="Pass later to read what changed since")


class ContactIn(Input):
    account_id: Annotated[str, Field(min_length=1, max_length=32)]
    first_name: Text100 | None = None
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    email: Email | None = None
    phone: Phone | None = None
    title: Text100 | None = None
    primary: bool = False


class ContactPatch(Input):
    account_id: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    first_name: Text100 | None = None
    last_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    email: Email | None = None
    phone: Phone | None = None
    title: Text100 | None = None
    primary: bool | None = None


class ContactOut(Native):
    contact_id: str
    account_id: str
    first_name: str | None
    last_name: str
    email: str | None
    phone: str | None
    title: str | None
    primary: bool
    created_at: Timestamp
    last_modified: Timestamp
    version: int


class ContactTombstone(Native):
    contact_id: str
    deleted: bool = True
    last_modified: Timestamp


class ContactPage(BaseModel):
    items: list[ContactOut | ContactTombstone]
    next_cursor: str | None
    resume_cursor: str | None


class LeadIn(Input):
    first_name: Text100 | None = None
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    company: Text255 | None = None
    email: Email | None = None
    phone: Phone | None = None
    country: Text100 | None = None
    source: Annotated[str, Field(max_length=32)] | None = None
    status: LeadStatus = "new"


class LeadPatch(Input):
    first_name: Text100 | None = None
    last_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    company: Text255 | None = None
    email: Email | None = None
    phone: Phone | None = None
    country: Text100 | None = None
    source: Annotated[str, Field(max_length=32)] | None = None
    status: LeadStatus | None = None


class LeadOut(Native):
    lead_id: str
    first_name: str | None
    last_name: str
    company: str | None
    email: str | None
    phone: str | None
    country: str | None
    source: str | None
    status: str
    created_at: Timestamp
    last_modified: Timestamp
    version: int


class LeadTombstone(Native):
    lead_id: str
    deleted: bool = True
    last_modified: Timestamp


class LeadPage(BaseModel):
    items: list[LeadOut | LeadTombstone]
    next_cursor: str | None
    resume_cursor: str | None
