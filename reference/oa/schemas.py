"""Request and response shapes of the OA engine, in its Camunda-like camelCase."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    PlainSerializer,
    model_validator,
)
from pydantic.alias_generators import to_camel


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


Stamp = Annotated[datetime, PlainSerializer(_iso, return_type=str)]
InstanceStatus = Literal["ACTIVE", "APPROVED", "REJECTED"]
VariableType = Literal["String", "Integer", "Boolean", "Json"]


class Camel(BaseModel):
    """Responses: camelCase on the wire."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class CamelIn(Camel):
    """Requests: camelCase, and unknown fields are refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Variable(CamelIn):
    """A typed process variable, as Camunda carries them: ``{"value": ..., "type": ...}``."""

    value: Any
    type: VariableType = "String"

    @model_validator(mode="after")
    def _value_fits_type(self) -> Variable:
        fits = {
            "String": isinstance(self.value, str),
            "Integer": isinstance(self.value, int) and not isinstance(self.value, bool),
            "Boolean": isinstance(self.value, bool),
            "Json": isinstance(self.value, dict | list),
        }[self.type]
        if not fits:
            raise ValueError(f"value does not match type {self.type}")
        return self


class StartIn(CamelIn):
    business_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")]
    variables: dict[Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,59}$")], Variable]


class CompleteIn(CamelIn):
    decision: Literal["approve", "reject"]
    comment: Annotated[str, Field(max_length=2000)] | None = None


class CallbackIn(CamelIn):
    url: HttpUrl


class StepOut(Camel):
    id: str
    name: str
    role: str
    amount_above: Decimal | None


class DefinitionOut(Camel):
    key: str
    name: str
    version: int
    currency: str
    steps: list[StepOut]


class TaskOut(Camel):
    id: str
    name: str
    task_definition_key: str
    process_instance_id: str
    process_definition_key: str
    business_key: str
    assignee: str
    status: Literal["CREATED", "COMPLETED"]
    decision: Literal["approve", "reject"] | None
    created: Stamp
    variables: dict[str, Variable]


class InstanceOut(Camel):
    id: str
    process_definition_key: str
    business_key: str
    status: InstanceStatus
    variables: dict[str, Variable]
    route: list[str]
    active_task: TaskOut | None
    started_at: Stamp
    updated_at: Stamp
    ended_at: Stamp | None


class HistoryStep(Camel):
    task_id: str
    task_definition_key: str
    name: str
    role: str
    assignee: str
    status: Literal["CREATED", "COMPLETED"]
    decision: Literal["approve", "reject"] | None
    comment: str | None
    created: Stamp
    decided_at: Stamp | None


class HistoryOut(Camel):
    process_instance_id: str
    process_definition_key: str
    business_key: str
    status: InstanceStatus
    steps: list[HistoryStep]


class CallbackOut(Camel):
    id: str
    url: str
    process_definition_key: str | None
    process_instance_id: str | None
    created: Stamp


class DeliveryOut(Camel):
    id: str
    callback_id: str
    url: str
    status: Literal["PENDING", "DELIVERED", "FAILED"]
    attempts: int
    last_error: str | None
    created: Stamp
    updated_at: Stamp
