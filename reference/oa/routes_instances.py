"""Process-instance endpoints: polling, history, per-instance callbacks."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime

from reference.oa import callbacks, engine
from reference.oa.auth import IntegrationDep, PrincipalDep
from reference.oa.deps import DispatcherDep, FirstResult, MaxResults, SessionDep
from reference.oa.models import CallbackDelivery, ProcessInstance
from reference.oa.schemas import (
    CallbackIn,
    CallbackOut,
    DeliveryOut,
    HistoryOut,
    InstanceOut,
    InstanceStatus,
)
from reference.oa.views import callback_out, delivery_out, history_out, instance_out

router = APIRouter(prefix="/process-instances", tags=["process instances"])


@router.get("", response_model=list[InstanceOut])
def list_instances(
    session: SessionDep,
    _who: PrincipalDep,
    response: Response,
    business_key: Annotated[str | None, Query(alias="businessKey")] = None,
    definition_key: Annotated[str | None, Query(alias="processDefinitionKey")] = None,
    status: Annotated[InstanceStatus | None, Query()] = None,
    updated_since: Annotated[AwareDatetime | None, Query(alias="updatedSince")] = None,
    first: FirstResult = 0,
    size: MaxResults = 100,
) -> list[InstanceOut]:
    """Instances in (updatedAt, id) order; the total is in the X-Total-Count header."""
    where: list[sa.ColumnElement[bool]] = []
    if business_key is not None:
        where.append(ProcessInstance.business_key == business_key)
    if definition_key is not None:
        where.append(ProcessInstance.definition_key == definition_key)
    if status is not None:
        where.append(ProcessInstance.status == status)
    if updated_since is not None:
        where.append(ProcessInstance.updated_at >= updated_since)
    total = session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance).where(*where))
    rows = session.scalars(
        sa.select(ProcessInstance)
        .where(*where)
        .order_by(ProcessInstance.updated_at, ProcessInstance.id)
        .offset(first)
        .limit(size)
    )
    response.headers["X-Total-Count"] = str(total or 0)
    return [instance_out(session, i) for i in rows]


@router.get("/{instance_id}", response_model=InstanceOut)
def read_instance(session: SessionDep, _who: PrincipalDep, instance_id: str) -> InstanceOut:
    """One instance: status, variables, route and the task it waits on."""
    return instance_out(session, engine.get_instance(session, instance_id))


@router.get("/{instance_id}/history", response_model=HistoryOut)
def read_history(session: SessionDep, _who: PrincipalDep, instance_id: str) -> HistoryOut:
    """Steps reached so far with approver, decision, comment and decidedAt (UTC)."""
    return history_out(session, engine.get_instance(session, instance_id))


@router.post("/{instance_id}/callbacks", status_code=201, response_model=CallbackOut)
def register_callback(
    session: SessionDep,
    _who: IntegrationDep,
    dispatcher: DispatcherDep,
    instance_id: str,
    body: CallbackIn,
) -> CallbackOut:
    """Notify ``url`` when this instance ends (at once if it already has)."""
    instance = engine.get_instance(session, instance_id)
    callback, queued = callbacks.register(session, str(body.url), instance=instance)
    session.commit()
    dispatcher.submit(queued)
    return callback_out(callback)


@router.get("/{instance_id}/callback-deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    session: SessionDep, _who: IntegrationDep, instance_id: str
) -> list[DeliveryOut]:
    """Completion events sent (or being retried) for this instance."""
    engine.get_instance(session, instance_id)
    rows = session.scalars(
        sa.select(CallbackDelivery)
        .where(CallbackDelivery.instance_id == instance_id)
        .order_by(CallbackDelivery.created_at, CallbackDelivery.id)
    )
    return [delivery_out(d) for d in rows]
