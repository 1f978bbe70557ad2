"""Callback registrations and the completion events queued for them."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.kit.coltypes import utcnow
from reference.oa.models import Callback, CallbackDelivery, ProcessInstance, Task


def register(
    session: Session,
    url: str,
    *,
    definition_key: str | None = None,
    instance: ProcessInstance | None = None,
) -> tuple[Callback, list[str]]:
    """Register ``url``; an instance that already ended is reported to it at once."""
    callback = Callback(
        id=str(uuid.uuid4()),
        url=url,
        definition_key=definition_key,
        instance_id=None if instance is None else instance.id,
    )
    session.add(callback)
    session.flush()
    queued: list[str] = []
    if instance is not None and instance.ended_at is not None:
        queued.append(_queue(session, callback, instance, completion_event(session, instance)))
    return callback, queued


def completion_event(session: Session, instance: ProcessInstance) -> bytes:
    """The JSON body announcing that ``instance`` ended, with its decisions."""
    assert instance.ended_at is not None
    tasks = session.scalars(
        sa.select(Task).where(Task.instance_id == instance.id).order_by(Task.step_index)
    )
    event = {
        "eventType": "process.completed",
        "processInstanceId": instance.id,
        "processDefinitionKey": instance.definition_key,
        "businessKey": instance.business_key,
        "status": instance.status,
        "endedAt": instance.ended_at.isoformat(timespec="microseconds"),
        "variables": instance.variables,
        "decisions": [
            {
                "taskDefinitionKey": t.step_id,
                "assignee": t.assignee,
                "decision": t.decision,
                "comment": t.comment,
                "decidedAt": None
                if t.completed_at is None
                else t.completed_at.isoformat(timespec="microseconds"),
            }
            for t in tasks
        ],
    }
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def _queue(session: Session, callback: Callback, instance: ProcessInstance, body: bytes) -> str:
    delivery_id = str(uuid.uuid4())
    # The event id goes into the body so a receiver can drop duplicates of a retried event.
    document = json.loads(body)
    document["eventId"] = delivery_id
    session.add(
        CallbackDelivery(
            id=delivery_id,
            callback_id=callback.id,
            instance_id=instance.id,
            url=callback.url,
            body=json.dumps(document, separators=(",", ":"), sort_keys=True),
            status="PENDING",
        )
    )
    return delivery_id


def queue_completion_events(session: Session, instance: ProcessInstance) -> list[str]:
    """One pending delivery per callback registered for the instance or its definition."""
    targets = session.scalars(
        sa.select(Callback)
        .where(
            sa.or_(
                Callback.instance_id == instance.id,
                Callback.definition_key == instance.definition_key,
            )
        )
        .order_by(Callback.created_at, Callback.id)
    ).all()
    if not targets:
        return []
    body = completion_event(session, instance)
    return [_queue(session, callback, instance, body) for callback in targets]


def mark(session: Session, delivery_id: str, *, status: str, error: str | None) -> None:
    """Record the outcome of one delivery attempt."""
    delivery = session.get(CallbackDelivery, delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    delivery.status = status
    delivery.last_error = error
    delivery.updated_at = utcnow()
    session.commit()
