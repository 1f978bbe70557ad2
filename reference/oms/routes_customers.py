"""Customers as the OMS ranks them (tier), readable and pushable by the hub."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from reference.oms import clock, models, schemas, views
from reference.oms.auth import can_read, can_write
from reference.oms.deps import DEFAULT_LIMIT, MAX_LIMIT, reading, set_paging_headers, writing
from reference.oms.errors import NotFound

CustomerRef = Path(min_length=1, max_length=40)

router = APIRouter(prefix="/customers", tags=["customers"], dependencies=[Depends(can_read)])


@router.get("", response_model=list[schemas.CustomerOut])
def list_customers(
    request: Request,
    response: Response,
    offset: int = Query(0, ge=0),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    tier: schemas.Tier | None = None,
) -> list[schemas.CustomerOut]:
    conditions = [models.Customer.tier == tier] if tier else []
    with reading(request) as session:
        total = session.scalar(sa.select(sa.func.count(models.Customer.id)).where(*conditions))
        rows = session.scalars(
            sa.select(models.Customer)
            .where(*conditions)
            .order_by(models.Customer.updated_at, models.Customer.id)
            .offset(offset)
            .limit(limit)
        )
        set_paging_headers(request, response, offset=offset, limit=limit, total=total or 0)
        return [views.customer_out(row) for row in rows]


@router.get("/{customer_ref}", response_model=schemas.CustomerOut)
def get_customer(request: Request, customer_ref: str = CustomerRef) -> schemas.CustomerOut:
    with reading(request) as session:
        row = session.scalars(
            sa.select(models.Customer).where(models.Customer.customer_ref == customer_ref)
        ).first()
        if row is None:
            raise NotFound(f"no customer {customer_ref!r}", field="customer_ref")
        return views.customer_out(row)


@router.put(
    "/{customer_ref}", response_model=schemas.CustomerOut, dependencies=[Depends(can_write)]
)
def put_customer(
    payload: schemas.CustomerIn, request: Request, customer_ref: str = CustomerRef
) -> schemas.CustomerOut:
    """Create or replace a customer; new orders take its tier."""
    with writing(request) as session:
        row = session.scalars(
            sa.select(models.Customer).where(models.Customer.customer_ref == customer_ref)
        ).first()
        if row is None:
            row = models.Customer(customer_ref=customer_ref)
            session.add(row)
        row.name = payload.name
        row.tier = payload.tier
        row.country = payload.country
        row.updated_at = clock.now()
        session.flush()
        return views.customer_out(row)
