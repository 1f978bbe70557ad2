"""The workflow engine: start instances, route them by amount, complete tasks."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reference.kit.coltypes import utcnow
from reference.kit.errors import ApiError, invalid, not_found
from reference.oa import callbacks
from reference.oa.auth import Principal
from reference.oa.definitions import route
from reference.oa.models import ProcessDefinition, ProcessInstance, Task, User
from reference.oa.schemas import CompleteIn, StartIn, Variable

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def get_definition(session: Session, key: str) -> ProcessDefinition:
    """The definition ``key`` or a 404."""
    definition = session.get(ProcessDefinition, key)
    if definition is None:
        raise not_found("process_definition", key)
    return definition


def get_instance(session: Session, instance_id: str) -> ProcessInstance:
    """The instance ``instance_id`` or a 404."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise not_found("process_instance", instance_id)
    return instance


def find_instance(session: Session, key: str, business_key: str) -> ProcessInstance | None:
    """The instance of definition ``key`` for ``business_key``, if started."""
    return session.scalar(
        sa.select(ProcessInstance).where(
            ProcessInstance.definition_key == key, ProcessInstance.business_key == business_key
        )
    )


def _string(variables: dict[str, Variable], name: str, *, required: bool = True) -> str | None:
    var = variables.get(name)
    if var is None:
        if required:
            raise invalid(f"variables.{name}", "is required")
        return None
    if var.type != "String" or not var.value.strip():
        raise invalid(f"variables.{name}.value", "must be a non-empty String")
    value: str = var.value.strip()
    return value


def _amount(variables: dict[str, Variable]) -> Decimal:
    text = _string(variables, "amount")
    try:
        amount = Decimal(text or "")
    except InvalidOperation:
        raise invalid("variables.amount.value", "must be a decimal string like '1250.00'") from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount <= 0 or (isinstance(exponent, int) and exponent < -2):
        raise invalid("variables.amount.value", "must be positive with at most two decimals")
    return amount


def _assignee(session: Session, role: str) -> str:
    user = session.scalar(sa.select(User.user_id).where(User.role == role).order_by(User.user_id))
    if user is None:
        raise ApiError(409, "no_approver", f"no approver holds the role {role}", None)
    return user


def _open_task(session: Session, instance: ProcessInstance, index: int) -> Task:
    definition = get_definition(session, instance.definition_key)
    step = next(s for s in definition.steps if s["id"] == instance.route[index])
    task = Task(
        id=str(uuid.uuid4()),
        instance_id=instance.id,
        step_index=index,
        step_id=step["id"],
        name=step["name"],
        role=step["role"],
        assignee=_assignee(session, step["role"]),
        status="CREATED",
    )
    session.add(task)
    return task


def start_instance(session: Session, key: str, data: StartIn) -> tuple[ProcessInstance, bool]:
    """Start ``key`` for a business key, or return the instance already started for it."""
    definition = get_definition(session, key)
    existing = find_instance(session, key, data.business_key)
    if existing is not None:
        return existing, False
    variables = data.variables
    amount = _amount(variables)
    currency = _string(variables, "currency") or ""
    if not _CURRENCY.match(currency) or currency != definition.currency:
        raise invalid("variables.currency.value", f"{key} approvals run in {definition.currency}")
    requester = _string(variables, "requester") or ""
    _string(variables, "subjectRef", required=False)
    details = variables.get("details")
    if details is not None and details.type != "Json":
        raise invalid("variables.details.type", "details must be Json")
    now = utcnow()
    instance = ProcessInstance(
        id=str(uuid.uuid4()),
        definition_key=key,
        business_key=data.business_key,
        status="ACTIVE",
        amount=amount,
        currency=currency,
        requester=requester,
        variables={name: var.model_dump() for name, var in variables.items()},
        route=[step["id"] for step in route(definition, amount)],
        started_at=now,
        updated_at=now,
    )
    session.add(instance)
    _open_task(session, instance, 0)
    try:
        session.commit()
    except IntegrityError:
        # The same business key was started concurrently: that start wins, this one replays.
        session.rollback()
        winner = find_instance(session, key, data.business_key)
        if winner is None:
            raise
        return winner, False
    return instance, True


def complete_task(
    session: Session, task_id: str, who: Principal, data: CompleteIn
) -> tuple[ProcessInstance, list[str]]:
    """Decide a task; returns the instance and the callback deliveries its end produced."""
    task = session.get(Task, task_id)
    if task is None:
        raise not_found("task", task_id)
    if who.user != task.assignee:
        raise ApiError(
            403, "not_assignee", f"task {task_id} is not assigned to {who.user}", "Authorization"
        )
    if data.decision == "reject" and not (data.comment or "").strip():
        raise invalid("comment", "a rejection needs a comment")
    now = utcnow()
    # Conditional update so that two concurrent completions cannot both succeed.
    done = session.execute(
        sa.update(Task)
        .where(Task.id == task_id, Task.status == "CREATED")
        .values(status="COMPLETED", decision=data.decision, comment=data.comment, completed_at=now)
    )
    if getattr(done, "rowcount", 0) != 1:
        session.rollback()
        raise ApiError(409, "task_completed", f"task {task_id} is already completed", None)
    instance = get_instance(session, task.instance_id)
    next_index = task.step_index + 1
    deliveries: list[str] = []
    if data.decision == "approve" and next_index < len(instance.route):
        _open_task(session, instance, next_index)
    else:
        instance.status = "APPROVED" if data.decision == "approve" else "REJECTED"
        instance.ended_at = now
    instance.updated_at = now
    session.flush()
    if instance.ended_at is not None:
        deliveries = callbacks.queue_completion_events(session, instance)
    session.commit()
    return instance, deliveries


def active_task(session: Session, instance_id: str) -> Task | None:
    """The task the instance waits on, if any."""
    return session.scalar(
        sa.select(Task).where(Task.instance_id == instance_id, Task.status == "CREATED")
    )


def tasks_of(session: Session, instance_id: str) -> list[Task]:
    """Every task of the instance in step order."""
    return list(
        session.scalars(
            sa.select(Task).where(Task.instance_id == instance_id).order_by(Task.step_index)
        )
    )


def instance_variables(instance: ProcessInstance) -> dict[str, Any]:
    """The stored variables, as given at start."""
    return dict(instance.variables)
