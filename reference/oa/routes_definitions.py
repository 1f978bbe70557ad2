"""Process-definition endpoints: list, start an instance, register a callback."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Response

from reference.oa import callbacks, engine
from reference.oa.auth import IntegrationDep, PrincipalDep
from reference.oa.deps import SessionDep
from reference.oa.models import ProcessDefinition
from reference.oa.schemas import CallbackIn, CallbackOut, DefinitionOut, InstanceOut, StartIn
from reference.oa.views import callback_out, definition_out, instance_out

router = APIRouter(prefix="/process-definitions", tags=["process definitions"])


@router.get("", response_model=list[DefinitionOut])
def list_definitions(session: SessionDep, _who: PrincipalDep) -> list[DefinitionOut]:
    """Every deployed definition with its steps and amount thresholds."""
    rows = session.scalars(sa.select(ProcessDefinition).order_by(ProcessDefinition.key))
    return [definition_out(d) for d in rows]


@router.get("/{key}", response_model=DefinitionOut)
def read_definition(session: SessionDep, _who: PrincipalDep, key: str) -> DefinitionOut:
    """One definition."""
    return definition_out(engine.get_definition(session, key))


@router.post("/{key}/start", status_code=201, response_model=InstanceOut)
def start(
    session: SessionDep, _who: PrincipalDep, key: str, body: StartIn, response: Response
) -> InstanceOut:
    """Start an instance; the same businessKey again returns the existing one with 200."""
    instance, created = engine.start_instance(session, key, body)
    if not created:
        response.status_code = 200
    return instance_out(session, instance)


@router.post("/{key}/callbacks", status_code=201, response_model=CallbackOut)
def register_callback(
    session: SessionDep, _who: IntegrationDep, key: str, body: CallbackIn
) -> CallbackOut:
    """Notify ``url`` whenever an instance of this definition is approved or rejected."""
    engine.get_definition(session, key)
    callback, _ = callbacks.register(session, str(body.url), definition_key=key)
    session.commit()
    return callback_out(callback)
