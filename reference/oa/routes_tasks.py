"""Task endpoints: an approver's task list and completing a task."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query

from reference.kit.errors import ApiError, not_found
from reference.oa import engine
from reference.oa.auth import Principal, PrincipalDep
from reference.oa.deps import DispatcherDep, FirstResult, MaxResults, SessionDep
from reference.oa.models import ProcessInstance, Task
from reference.oa.schemas import CompleteIn, InstanceOut, TaskOut
from reference.oa.views import instance_out, task_out

router = APIRouter(prefix="/tasks", tags=["tasks"])


def _may_see(who: Principal, assignee: str) -> None:
    if not who.is_integration and who.user != assignee:
        raise ApiError(
            403, "forbidden", f"user {who.user} may only see their own tasks", "assignee"
        )


@router.get("", response_model=list[TaskOut])
def list_tasks(
    session: SessionDep,
    who: PrincipalDep,
    assignee: Annotated[str | None, Query()] = None,
    first: FirstResult = 0,
    size: MaxResults = 100,
) -> list[TaskOut]:
    """Open tasks, oldest first; an approver sees only their own."""
    if assignee is None and not who.is_integration:
        assignee = who.user
    if assignee is not None:
        _may_see(who, assignee)
    stmt = (
        sa.select(Task, ProcessInstance)
        .join(ProcessInstance, ProcessInstance.id == Task.instance_id)
        .where(Task.status == "CREATED")
        .order_by(Task.created_at, Task.id)
        .offset(first)
        .limit(size)
    )
    if assignee is not None:
        stmt = stmt.where(Task.assignee == assignee)
    return [task_out(task, instance) for task, instance in session.execute(stmt)]


@router.get("/{task_id}", response_model=TaskOut)
def read_task(session: SessionDep, who: PrincipalDep, task_id: str) -> TaskOut:
    """One task (its assignee or the integration user)."""
    task = session.get(Task, task_id)
    if task is None:
        raise not_found("task", task_id)
    _may_see(who, task.assignee)
    return task_out(task, engine.get_instance(session, task.instance_id))


@router.post("/{task_id}/complete", response_model=InstanceOut)
def complete(
    session: SessionDep,
    who: PrincipalDep,
    dispatcher: DispatcherDep,
    task_id: str,
    body: CompleteIn,
) -> InstanceOut:
    """Approve or reject one's own task; returns the instance after the decision."""
    instance, deliveries = engine.complete_task(session, task_id, who, body)
    # Delivery runs on the dispatcher's thread: the approver does not wait for receivers.
    dispatcher.submit(deliveries)
    return instance_out(session, instance)
