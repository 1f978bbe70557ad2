"""Turn OA rows into the API's Camunda-like response shapes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from reference.oa.engine import active_task, tasks_of
from reference.oa.models import (
    Callback,
    CallbackDelivery,
    ProcessDefinition,
    ProcessInstance,
    Task,
)
from reference.oa.schemas import (
    CallbackOut,
    DefinitionOut,
    DeliveryOut,
    HistoryOut,
    HistoryStep,
    InstanceOut,
    StepOut,
    TaskOut,
    Variable,
)


def definition_out(definition: ProcessDefinition) -> DefinitionOut:
    """A definition with its steps and thresholds."""
    return DefinitionOut(
        key=definition.key,
        name=definition.name,
        version=definition.version,
        currency=definition.currency,
        steps=[
            StepOut(
                id=s["id"],
                name=s["name"],
                role=s["role"],
                amount_above=None if s["amountAbove"] is None else Decimal(s["amountAbove"]),
            )
            for s in definition.steps
        ],
    )


def _variables(instance: ProcessInstance) -> dict[str, Variable]:
    return {name: Variable.model_validate(v) for name, v in instance.variables.items()}


def task_out(task: Task, instance: ProcessInstance) -> TaskOut:
    """A task with what its approver needs to decide."""
    return TaskOut(
        id=task.id,
        name=task.name,
        task_definition_key=task.step_id,
        process_instance_id=instance.id,
        process_definition_key=instance.definition_key,
        business_key=instance.business_key,
        assignee=task.assignee,
        status=task.status,
        decision=task.decision,
        created=task.created_at,
        variables=_variables(instance),
    )


def instance_out(session: Session, instance: ProcessInstance) -> InstanceOut:
    """An instance with the task it waits on."""
    task = active_task(session, instance.id)
    return InstanceOut(
        id=instance.id,
        process_definition_key=instance.definition_key,
        business_key=instance.business_key,
        status=instance.status,
        variables=_variables(instance),
        route=list(instance.route),
        active_task=None if task is None else task_out(task, instance),
        started_at=instance.started_at,
        updated_at=instance.updated_at,
        ended_at=instance.ended_at,
    )


def history_out(session: Session, instance: ProcessInstance) -> HistoryOut:
    """Every step reached so far: approver, decision, comment, when."""
    return HistoryOut(
        process_instance_id=instance.id,
        process_definition_key=instance.definition_key,
        business_key=instance.business_key,
        status=instance.status,
        steps=[
            HistoryStep(
                task_id=t.id,
                task_definition_key=t.step_id,
                name=t.name,
                role=t.role,
                assignee=t.assignee,
                status=t.status,
                decision=t.decision,
                comment=t.comment,
                created=t.created_at,
                decided_at=t.completed_at,
            )
            for t in tasks_of(session, instance.id)
        ],
    )


def callback_out(callback: Callback) -> CallbackOut:
    """A registration."""
    return CallbackOut(
        id=callback.id,
        url=callback.url,
        process_definition_key=callback.definition_key,
        process_instance_id=callback.instance_id,
        created=callback.created_at,
    )


def delivery_out(delivery: CallbackDelivery) -> DeliveryOut:
    """How one event's delivery went."""
    return DeliveryOut(
        id=delivery.id,
        callback_id=delivery.callback_id,
        url=delivery.url,
        status=delivery.status,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        created=delivery.created_at,
        updated_at=delivery.updated_at,
    )
