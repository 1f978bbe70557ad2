"""Product rules: unique codes and external ids, price book entries, upsert by external id.

A product's price book entries are part of it: a write replaces them all (an entry keeps
its id while its price book and currency stay), and a product with a price in a custom
price book must also have the standard price in that currency, as in Salesforce.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.crm.errors import ApiError
from reference.crm.models import PriceBookEntry, Product, ProductExternalId
from reference.crm.records import new_id, stamp_new, touch
from reference.crm.schemas_products import (
    STANDARD_PRICE_BOOK,
    PriceBookEntryOut,
    ProductIn,
    ProductOut,
)

# request attribute -> column, where they differ
_COLUMN = {"product_code": "code"}
_SCALARS = ("product_code", "name", "description", "family", "gtin", "unit_of_measure", "is_active")

EntryKey = tuple[str, str]


def check_entries(body: ProductIn) -> None:
    """One entry per (priceBook, currency); a custom price book needs the standard price."""
    seen: set[EntryKey] = set()
    for index, entry in enumerate(body.price_book_entries):
        key = (entry.price_book, entry.currency)
        if key in seen:
            raise ApiError(
                422,
                "invalid",
                f"priceBookEntries[{index}]: a second entry for {key[0]} in {key[1]}",
                field=f"priceBookEntries.{index}.currency",
            )
        seen.add(key)
    for index, entry in enumerate(body.price_book_entries):
        if entry.price_book != STANDARD_PRICE_BOOK and (
            (STANDARD_PRICE_BOOK, entry.currency) not in seen
        ):
            raise ApiError(
                422,
                "standard_price_required",
                f"priceBookEntries[{index}]: price book {entry.price_book} needs a "
                f"{STANDARD_PRICE_BOOK} price in {entry.currency} as well",
                field=f"priceBookEntries.{index}.priceBook",
            )


def _check_code(session: Session, code: str, product_id: str | None) -> None:
    holder = session.scalar(
        sa.select(Product.id).where(Product.code == code, Product.id != (product_id or ""))
    )
    if holder is not None:
        raise ApiError(
            409,
            "duplicate_product_code",
            f"productCode: {code} already belongs to product {holder}",
            field="productCode",
        )


def _check_external_ids(session: Session, product_id: str, ids: dict[str, str]) -> None:
    for system, external_id in ids.items():
        holder = session.scalar(
            sa.select(ProductExternalId.product_id).where(
                ProductExternalId.system == system,
                ProductExternalId.external_id == external_id,
                ProductExternalId.product_id != product_id,
            )
        )
        if holder is not None:
            raise ApiError(
                409,
                "duplicate_external_id",
                f"externalIds.{system}: {external_id} already belongs to product {holder}",
                field=f"externalIds.{system}",
            )


def external_ids(session: Session, product_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{productId: {system: externalId}}`` for a page of products, in one query."""
    ids = list(product_ids)
    found: dict[str, dict[str, str]] = {i: {} for i in ids}
    if ids:
        rows = session.execute(
            sa.select(
                ProductExternalId.product_id,
                ProductExternalId.system,
                ProductExternalId.external_id,
            ).where(ProductExternalId.product_id.in_(ids))
        )
        for product_id, system, external_id in rows:
            found[product_id][system] = external_id
    return found


def entries(session: Session, product_ids: Iterable[str]) -> dict[str, list[PriceBookEntry]]:
    """Price book entries of a page of products, ordered by price book and currency."""
    ids = list(product_ids)
    found: dict[str, list[PriceBookEntry]] = {i: [] for i in ids}
    if ids:
        rows = session.scalars(
            sa.select(PriceBookEntry)
            .where(PriceBookEntry.product_id.in_(ids))
            .order_by(PriceBookEntry.price_book, PriceBookEntry.currency)
        )
        for row in rows:
            found[row.product_id].append(row)
    return found


def _content(row: Product, ext: dict[str, str], rows: Sequence[PriceBookEntry]) -> Any:
    scalars = tuple(getattr(row, _COLUMN.get(name, name)) for name in _SCALARS)
    prices = {(e.price_book, e.currency): (e.unit_price, e.is_active) for e in rows}
    return scalars, ext, prices


def _wanted(body: ProductIn) -> Any:
    scalars = tuple(getattr(body, name) for name in _SCALARS)
    prices = {
        (e.price_book, e.currency): (e.unit_price.quantize(Decimal("0.01")), e.is_active)
        for e in body.price_book_entries
    }
    return scalars, dict(body.external_ids), prices


def _write_entries(session: Session, product_id: str, body: ProductIn) -> None:
    current = {(e.price_book, e.currency): e for e in entries(session, [product_id])[product_id]}
    wanted = {(e.price_book, e.currency): e for e in body.price_book_entries}
    for key, stale in current.items():
        if key not in wanted:
            session.delete(stale)
    for key, entry in wanted.items():
        found = current.get(key)
        if found is None:
            found = PriceBookEntry(id=new_id("pbe"), product_id=product_id)
            found.price_book, found.currency = key
            session.add(found)
        found.unit_price = entry.unit_price
        found.is_active = entry.is_active


def _write(session: Session, row: Product, body: ProductIn) -> None:
    for name in _SCALARS:
        setattr(row, _COLUMN.get(name, name), getattr(body, name))
    session.flush()
    session.execute(sa.delete(ProductExternalId).where(ProductExternalId.product_id == row.id))
    session.add_all(
        ProductExternalId(product_id=row.id, system=s, external_id=e)
        for s, e in body.external_ids.items()
    )
    _write_entries(session, row.id, body)
    session.flush()


def create(session: Session, body: ProductIn, now: datetime) -> Product:
    check_entries(body)
    row = Product()
    stamp_new(row, new_id("prd"), now)
    _check_code(session, body.product_code, None)
    _check_external_ids(session, row.id, body.external_ids)
    session.add(row)
    _write(session, row, body)
    return row


def replace(session: Session, row: Product, body: ProductIn, now: datetime) -> bool:
    """PUT: the product becomes ``body``; False (nothing touched) when it already was."""
    check_entries(body)
    _check_code(session, body.product_code, row.id)
    _check_external_ids(session, row.id, body.external_ids)
    current = _content(
        row, external_ids(session, [row.id])[row.id], entries(session, [row.id])[row.id]
    )
    if not row.deleted and current == _wanted(body):
        return False
    _write(session, row, body)
    row.deleted = False
    touch(row, now)
    return True


def find_by_external_id(session: Session, system: str, external_id: str) -> Product | None:
    """The product (live or tombstoned) carrying ``external_id`` in ``system``."""
    return session.scalar(
        sa.select(Product)
        .join(ProductExternalId, ProductExternalId.product_id == Product.id)
        .where(ProductExternalId.system == system, ProductExternalId.external_id == external_id)
    )


def upsert_body(body: ProductIn, system: str, external_id: str) -> ProductIn:
    """The body with the path's external id added; a different one for that system is 422."""
    sent = body.external_ids.get(system)
    if sent is not None and sent != external_id:
        raise ApiError(
            422,
            "invalid",
            f"externalIds.{system}: {sent} contradicts the path's {external_id}",
            field=f"externalIds.{system}",
        )
    return body.model_copy(update={"external_ids": {**body.external_ids, system: external_id}})


def native(row: Product, ext: dict[str, str], rows: Sequence[PriceBookEntry]) -> dict[str, Any]:
    """The product as the CRM shows it."""
    return ProductOut(
        product_id=row.id,
        product_code=row.code,
        name=row.name,
        description=row.description,
        family=row.family,
        gtin=row.gtin,
        unit_of_measure=row.unit_of_measure,
        is_active=row.is_active,
        external_ids=ext,
        price_book_entries=[
            PriceBookEntryOut(
                entry_id=e.id,
                price_book=e.price_book,
                currency=e.currency,
                unit_price=e.unit_price,
                is_active=e.is_active,
            )
            for e in rows
        ],
        created_at=row.created_at,
        last_modified=row.last_modified,
        version=row.version,
    ).dump()


def render(session: Session, row: Product) -> dict[str, Any]:
    """One product with its external ids and entries."""
    return native(row, external_ids(session, [row.id])[row.id], entries(session, [row.id])[row.id])
