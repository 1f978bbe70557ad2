"""Product catalogue endpoints: list, read, create, replace, delete, upsert by external id."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from reference.crm import products
from reference.crm.deps import IdempotencyKeyHeader, IfMatch, Listing, Reader, Writer
from reference.crm.errors import not_found
from reference.crm.idempotency import Created, create_once, fingerprint
from reference.crm.models import Product
from reference.crm.paging import fetch_page
from reference.crm.records import (
    check_if_match,
    etag,
    load,
    page_response,
    record_response,
    tombstone,
    touch,
)
from reference.crm.schemas_products import ProductIn, ProductOut, ProductPage, ProductTombstone

router = APIRouter(tags=["products"])
SystemPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
ExternalIdPath = Annotated[str, Path(min_length=1, max_length=64)]


def _location(row: Product) -> str:
    return f"/products/{row.id}"


@router.get("/products", response_model=ProductPage)
def list_products(
    ctx: Reader,
    listing: Listing,
    product_code: Annotated[str | None, Query(alias="productCode", max_length=40)] = None,
) -> JSONResponse:
    """Products with their price book entries in (lastModified, id) order, a page at a time."""
    query = listing.query(productCode=product_code)
    code = query.filters.get("productCode")
    where = [Product.code == code] if code is not None else []
    page = fetch_page(ctx.session, Product, query, where)
    live = [r.id for r in page.rows if not r.deleted]
    ext = products.external_ids(ctx.session, live)
    prices = products.entries(ctx.session, live)
    items = [
        tombstone("productId", r) if r.deleted else products.native(r, ext[r.id], prices[r.id])
        for r in page.rows
    ]
    return page_response(items, page)


@router.post("/products", status_code=201, response_model=ProductOut)
def create_product(
    body: ProductIn, ctx: Writer, idempotency_key: IdempotencyKeyHeader = None
) -> JSONResponse:
    def create(session: Session, now: datetime) -> Created:
        row = products.create(session, body, now)
        return Created(products.render(session, row), _location(row), etag(row))

    return create_once(
        ctx.session,
        ctx.runtime.gate,
        ctx.principal,
        idempotency_key,
        fingerprint("POST", "/products", body),
        create,
    )


@router.get("/products/by-external-id/{system}/{external_id}", response_model=ProductOut)
def get_by_external_id(
    system: SystemPath, external_id: ExternalIdPath, ctx: Reader
) -> JSONResponse:
    row = products.find_by_external_id(ctx.session, system, external_id)
    if row is None or row.deleted:
        raise not_found("product with external id", f"{system}/{external_id}")
    return record_response(products.render(ctx.session, row), row)


@router.put(
    "/products/by-external-id/{system}/{external_id}",
    response_model=ProductOut,
    responses={201: {"description": "created"}, 200: {"description": "replaced or unchanged"}},
)
def upsert_by_external_id(
    system: SystemPath,
    external_id: ExternalIdPath,
    body: ProductIn,
    ctx: Writer,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Create or replace the product carrying this external id; If-Match is optional here."""
    full = products.upsert_body(body, system, external_id)
    with ctx.runtime.gate.write(ctx.session) as now:
        row = products.find_by_external_id(ctx.session, system, external_id)
        if row is None:
            row = products.create(ctx.session, full, now)
            status = 201
        else:
            check_if_match(row, if_match, required=False)
            products.replace(ctx.session, row, full, now)
            status = 200
    return record_response(
        products.render(ctx.session, row), row, status=status, location=_location(row)
    )


@router.get("/products/{product_id}", response_model=ProductOut)
def get_product(product_id: str, ctx: Reader) -> JSONResponse:
    row = load(ctx.session, Product, product_id, "product")
    return record_response(products.render(ctx.session, row), row)


@router.put("/products/{product_id}", response_model=ProductOut)
def replace_product(
    product_id: str, body: ProductIn, ctx: Writer, if_match: IfMatch = None
) -> JSONResponse:
    """Replace the product and all its price book entries; If-Match is required."""
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Product, product_id, "product")
        check_if_match(row, if_match, required=True)
        products.replace(ctx.session, row, body, now)
    return record_response(products.render(ctx.session, row), row)


@router.delete("/products/{product_id}", response_model=ProductTombstone)
def delete_product(product_id: str, ctx: Writer, if_match: IfMatch = None) -> JSONResponse:
    """Mark the product deleted; it stays listed as a tombstone."""
    with ctx.runtime.gate.write(ctx.session) as now:
        row = load(ctx.session, Product, product_id, "product")
        check_if_match(row, if_match, required=False)
        row.deleted = True
        touch(row, now)
    return record_response(tombstone("productId", row), row)
