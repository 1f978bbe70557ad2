"""The sellable catalogue: list, read and put items with their list price."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from reference.oms import catalogue, models
from reference.oms.auth import can_read, can_write
from reference.oms.deps import DEFAULT_LIMIT, MAX_LIMIT, aware, reading, set_paging_headers, writing
from reference.oms.schemas_products import ProductIn, ProductOut, ProductPutOut

router = APIRouter(prefix="/products", tags=["catalogue"], dependencies=[Depends(can_read)])

SkuPath = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def product_out(row: models.Product) -> ProductOut:
    return ProductOut.model_validate(row, from_attributes=True)


@router.get("", response_model=list[ProductOut])
def list_products(
    request: Request,
    response: Response,
    offset: int = Query(0, ge=0),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: datetime | None = Query(None, description="inclusive lower bound"),
    active: bool | None = None,
) -> list[ProductOut]:
    """Catalogue items in (updated_at, id) order, paged by offset/limit with a Link header."""
    since = aware(updated_since, "updated_since")
    with reading(request) as session:
        rows, total = catalogue.list_products(
            session, offset=offset, limit=limit, updated_since=since, active=active
        )
        set_paging_headers(request, response, offset=offset, limit=limit, total=total)
        return [product_out(row) for row in rows]


@router.get("/{item_sku}", response_model=ProductOut)
def get_product(request: Request, item_sku: str = SkuPath) -> ProductOut:
    with reading(request) as session:
        return product_out(catalogue.get_product(session, item_sku))


@router.put(
    "/{item_sku}",
    response_model=ProductPutOut,
    dependencies=[Depends(can_write)],
    responses={201: {"description": "created"}, 200: {"description": "replaced or unchanged"}},
)
def put_product(
    payload: ProductIn, request: Request, response: Response, item_sku: str = SkuPath
) -> ProductPutOut:
    """Create (201) or replace (200) an item; an identical PUT leaves it untouched."""
    with writing(request) as session:
        existed = catalogue.find(session, item_sku) is not None
        row, changed = catalogue.put_product(session, item_sku, payload)
        if not existed:
            response.status_code = 201
        response.headers["Location"] = f"/products/{item_sku}"
        return ProductPutOut.model_validate({**product_out(row).model_dump(), "changed": changed})
