"""The deprecated top-level ``soap:`` block, translated into the unified profile fields.

Before SOAP was part of the profile model, a SOAP profile carried what the model could not
say in a ``soap:`` mapping next to it::

    soap:
      service: SalesService
      entities:
        customers: {write_operation: UpsertCustomers, page_size: 500}

It still loads: `merge_soap_block` moves each setting to its unified place (``service``,
``entities.<name>.write.operation``, ``entities.<name>.pagination`` of kind
``continuation_token``, ...), so the rest of the code only knows the unified model.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError

from connectors.errors import ConfigError
from connectors.profile.common import StrictModel
from connectors.profile.pagination import EPOCH

log = logging.getLogger("connectors.profile")

_WRITE_FIELDS = (
    "record_element",
    "index_field",
    "error_code_field",
    "error_field_field",
    "error_message_field",
    "idempotency_element",
    "idempotent_writes",
)
_SYSTEM_FIELDS = (
    "service",
    "port",
    "fault_code_element",
    "fault_field_element",
    "auth_fault_codes",
)


class SoapEntityOptions(StrictModel):
    """Deprecated: one entity of the ``soap:`` block (now ``write`` and ``pagination``)."""

    write_operation: str | None = Field(None, description="Now write.operation.")
    token_element: str | None = Field(
        "ContinuationToken", description="Now pagination.token_element."
    )
    page_size_element: str | None = Field(
        "MaxRecords", description="Now pagination.page_size_element."
    )
    page_size: int | None = Field(None, ge=1, description="Now pagination.page_size.")
    initial_since: str = Field(EPOCH, description="Now pagination.initial_since.")
    record_element: str | None = Field(None, description="Now write.record_element.")
    index_field: str = Field("Index", description="Now write.index_field.")
    error_code_field: str = Field("ErrorCode", description="Now write.error_code_field.")
    error_field_field: str = Field("ErrorField", description="Now write.error_field_field.")
    error_message_field: str = Field("ErrorMessage", description="Now write.error_message_field.")
    idempotency_element: str | None = Field(None, description="Now write.idempotency_element.")
    idempotent_writes: bool = Field(False, description="Now write.idempotent_writes.")


class SoapOptions(StrictModel):
    """Deprecated: the top-level ``soap:`` block of a profile file."""

    service: str | None = Field(None, description="Now the top-level service.")
    port: str | None = Field(None, description="Now the top-level port.")
    fault_code_element: str = Field("Code", description="Now fault_code_element.")
    fault_field_element: str = Field("Field", description="Now fault_field_element.")
    auth_fault_codes: tuple[str, ...] = Field(("AUTH",), description="Now auth_fault_codes.")
    entities: dict[str, SoapEntityOptions] = Field(default_factory=dict)


def parse_soap_block(data: Any, *, source: str = "<profile>") -> SoapOptions:
    """Validate a ``soap:`` mapping (None means all defaults)."""
    from connectors.profile.loader import describe_validation_error  # loader imports us

    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: soap must be a mapping")
    try:
        return SoapOptions.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, data, f"{source}: soap")) from None


def merge_soap_block(
    document: Mapping[str, Any],
    options: SoapOptions | Mapping[str, Any] | None = None,
    *,
    source: str = "<profile>",
) -> dict[str, Any]:
    """A profile document with its ``soap:`` block (or ``options``) moved to unified fields."""
    merged = {key: value for key, value in document.items() if key != "soap"}
    if not isinstance(options, SoapOptions):
        options = parse_soap_block(
            options if options is not None else document.get("soap"), source=source
        )
    log.warning("%s: the soap: block is deprecated; use the unified profile fields", source)
    if merged.get("kind") != "soap":
        raise ConfigError(f"{source}: kind is {merged.get('kind')}, not soap")
    entities = merged.get("entities")
    if not isinstance(entities, Mapping):
        return merged  # the model reports the missing entities
    unknown = sorted(set(options.entities) - set(entities))
    if unknown:
        raise ConfigError(f"{source}: soap.entities names unknown entities: {', '.join(unknown)}")
    for field in _SYSTEM_FIELDS:
        if field in options.model_fields_set:
            merged[field] = getattr(options, field)
    merged["entities"] = {
        name: _merge_entity(name, entity, options.entities.get(name), source)
        for name, entity in entities.items()
    }
    return merged


def _merge_entity(name: str, entity: Any, extra: SoapEntityOptions | None, source: str) -> Any:
    if not isinstance(entity, Mapping):
        return entity
    extra = extra or SoapEntityOptions()
    merged = dict(entity)
    write = merged.get("write")
    if isinstance(write, Mapping):
        write = dict(write)
        if not write.get("operation"):
            if extra.write_operation is None:
                raise ConfigError(
                    f"{source}: entities.{name}.write is set but "
                    f"soap.entities.{name}.write_operation is not"
                )
            write["operation"] = extra.write_operation
        for field in _WRITE_FIELDS:
            write.setdefault(field, getattr(extra, field))
        merged["write"] = write
    elif extra.write_operation is not None:
        merged["write"] = {"mode": "single", "operation": extra.write_operation}
    pagination = merged.get("pagination")
    if pagination is None or (isinstance(pagination, Mapping) and pagination.get("kind") == "none"):
        merged["pagination"] = {
            "kind": "continuation_token",
            "token_element": extra.token_element,
            "page_size_element": extra.page_size_element,
            "page_size": extra.page_size,
            "initial_since": extra.initial_since,
        }
    return merged
