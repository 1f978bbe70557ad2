"""Customer operations: changed-since paging, get, batch upsert, credit limit."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.models import Customer
from reference.erp.sales.batch import batch_records, error_result, ok_result
from reference.erp.sales.rules import (
    DEFAULT_CREDIT_LIMIT,
    PAYMENT_DAYS,
    check_amount,
    check_country,
    check_currency,
    open_order_value,
)
from reference.erp.sales.xmlns import B
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import keyset_page, page_size
from reference.erp.soap.service import (
    OperationContext,
    opt_int,
    opt_text,
    req_datetime,
    req_decimal,
    req_text,
)

_CUSTOMER_NO = re.compile(r"[A-Z0-9]{1,20}")
_NEW_NO = re.compile(r"C\d{6}")
_VAT = re.compile(r"[A-Z]{2}[A-Z0-9]{2,18}")


def customer_element(parent: etree._Element | None, c: Customer) -> etree._Element:
    """A Customer element, appended to ``parent`` when given."""
    node = B.el("Customer") if parent is None else B.group(parent, "Customer")
    B.fields(
        node,
        [
            ("CustomerNo", c.customer_no),
            ("Name1", c.name1),
            ("Name2", c.name2),
            ("Street", c.street),
            ("PostalCode", c.postal_code),
            ("City", c.city),
            ("CountryKey", c.country_key),
            ("VatRegNo", c.vat_reg_no),
            ("Telephone", c.telephone),
            ("Email", c.email),
            ("Currency", c.currency),
            ("PaymentTermsKey", c.payment_terms_key),
            ("CreditLimit", c.credit_limit),
            ("OrderBlock", c.order_block or None),
            ("ChangedAt", c.changed_at),
        ],
    )
    return node


def get_customer_row(session: Session, customer_no: str) -> Customer:
    """The customer or a NOT_FOUND fault naming CustomerNo."""
    customer = session.get(Customer, customer_no)
    if customer is None:
        raise SoapFault.not_found("CustomerNo", customer_no)
    return customer


def get_customers_changed_since(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Customers changed at or after ChangedSince, by (ChangedAt, CustomerNo), paged."""
    rows, token = keyset_page(
        ctx.session,
        sa.select(Customer),
        Customer.changed_at,
        Customer.customer_no,
        since=req_datetime(req, "ChangedSince"),
        token=opt_text(req, "ContinuationToken"),
        size=page_size(opt_int(req, "MaxRecords")),
    )
    response = B.el("GetCustomersChangedSinceResponse")
    for customer in rows:
        customer_element(response, customer)
    B.sub(response, "ContinuationToken", token)
    return response


def get_customer(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """One customer by CustomerNo."""
    customer = get_customer_row(ctx.session, req_text(req, "CustomerNo"))
    response = B.el("GetCustomerResponse")
    customer_element(response, customer)
    return response


def get_customers(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """The customers of up to BATCH_LIMIT numbers, in the order asked; unknown ones left out."""
    numbers = [t for node in batch_records(req, "CustomerNo") if (t := (node.text or "").strip())]
    found = {
        c.customer_no: c
        for c in ctx.session.scalars(
            sa.select(Customer).where(Customer.customer_no.in_(set(numbers)))
        )
    }
    response = B.el("GetCustomersResponse")
    seen: set[str] = set()
    for number in numbers:
        if number in found and number not in seen:
            seen.add(number)
            customer_element(response, found[number])
    return response


@dataclass
class CustomerFields:
    """The writable fields of a customer as validated from one CustomerInput."""

    name1: str
    name2: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country_key: str
    vat_reg_no: str | None
    telephone: str | None
    email: str | None
    currency: str
    payment_terms_key: str
    order_block: str


def parse_customer_input(record: etree._Element) -> tuple[str | None, CustomerFields]:
    """(CustomerNo or None, validated fields) of one CustomerInput."""
    customer_no = opt_text(record, "CustomerNo")
    if customer_no is not None and not _CUSTOMER_NO.fullmatch(customer_no):
        raise SoapFault.validation("CustomerNo", "upper-case letters and digits, at most 20")
    terms = req_text(record, "PaymentTermsKey")
    if terms not in PAYMENT_DAYS:
        raise SoapFault.validation("PaymentTermsKey", f"one of {', '.join(PAYMENT_DAYS)}")
    vat = opt_text(record, "VatRegNo")
    if vat is not None and not _VAT.fullmatch(vat):
        raise SoapFault.validation("VatRegNo", "country prefix and 2-18 letters or digits")
    email = opt_text(record, "Email", max_len=120)
    if email is not None and ("@" not in email or " " in email):
        raise SoapFault.validation("Email", f"{email!r} is not an e-mail address")
    block = opt_text(record, "OrderBlock") or ""
    if block not in ("", "X"):
        raise SoapFault.validation("OrderBlock", "empty or X")
    return customer_no, CustomerFields(
        name1=req_text(record, "Name1", max_len=80),
        name2=opt_text(record, "Name2", max_len=80),
        street=opt_text(record, "Street", max_len=80),
        postal_code=opt_text(record, "PostalCode", max_len=20),
        city=opt_text(record, "City", max_len=60),
        country_key=check_country(req_text(record, "CountryKey")),
        vat_reg_no=vat,
        telephone=opt_text(record, "Telephone", max_len=30),
        email=email,
        currency=check_currency(req_text(record, "Currency")),
        payment_terms_key=terms,
        order_block=block,
    )


class _Numbers:
    """Hands out new customer numbers C<6 digits> after the highest one in use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next: int | None = None

    def take(self) -> str:
        if self.next is None:
            highest = self.session.scalar(
                sa.select(sa.func.max(Customer.customer_no)).where(
                    Customer.customer_no.like("C______")
                )
            )
            self.next = int(highest[1:]) + 1 if highest and _NEW_NO.fullmatch(highest) else 100000
        number = f"C{self.next}"
        self.next += 1
        return number


def upsert_customers(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Create or update up to 500 customers; each record succeeds or fails on its own."""
    response = B.el("UpsertCustomersResponse")
    numbers = _Numbers(ctx.session)
    for index, record in enumerate(batch_records(req, "Customer")):
        key = opt_text(record, "CustomerNo")
        try:
            customer_no, values = parse_customer_input(record)
        except SoapFault as fault:
            error_result(response, index, key, fault)
            continue
        existing = ctx.session.get(Customer, customer_no) if customer_no else None
        if existing is None:
            number = customer_no or numbers.take()
            ctx.session.add(
                Customer(
                    customer_no=number,
                    credit_limit=DEFAULT_CREDIT_LIMIT,
                    changed_at=ctx.now,
                    **vars(values),
                )
            )
            # Flush per record so a later record in the batch can find this one.
            ctx.session.flush()
            ok_result(response, index, number, "CREATED")
            continue
        changed = False
        for f in fields(values):
            new = getattr(values, f.name)
            if getattr(existing, f.name) != new:
                setattr(existing, f.name, new)
                changed = True
        if changed:
            # ChangedAt moves only on a real change, so an echo of our own data is silent.
            existing.changed_at = ctx.now
        ok_result(response, index, existing.customer_no, "UPDATED" if changed else "UNCHANGED")
    return response


def credit_info(session: Session, name: str, customer: Customer) -> etree._Element:
    """A CreditInfo response named ``name``."""
    exposure = open_order_value(session, customer.customer_no)
    response = B.el(name)
    B.fields(
        response,
        [
            ("CustomerNo", customer.customer_no),
            ("CreditLimit", customer.credit_limit),
            ("Currency", customer.currency),
            ("OpenOrderValue", exposure),
            ("AvailableCredit", max(customer.credit_limit - exposure, Decimal("0.00"))),
        ],
    )
    return response


def set_credit_limit(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Set a customer's credit limit (in the customer's currency)."""
    customer = get_customer_row(ctx.session, req_text(req, "CustomerNo"))
    limit = check_amount(req_decimal(req, "CreditLimit"), "CreditLimit")
    currency = opt_text(req, "Currency")
    if currency is not None and currency != customer.currency:
        raise SoapFault.validation(
            "Currency", f"credit is kept in the customer's currency {customer.currency}"
        )
    if customer.credit_limit != limit:
        customer.credit_limit = limit
        customer.changed_at = ctx.now
    return credit_info(ctx.session, "SetCreditLimitResponse", customer)


def get_credit_limit(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """A customer's credit limit, open order value and what is left."""
    customer = get_customer_row(ctx.session, req_text(req, "CustomerNo"))
    return credit_info(ctx.session, "GetCreditLimitResponse", customer)
