"""The SOAP view of a profile: per entity, the operations and element names, defaults resolved.

Everything a SOAP system needs lives in the unified `connectors.profile.Profile`: the
system's ``service``, ``port``, fault detail element names and ``auth_fault_codes``; per
entity the read ``operation``, ``records_path`` (response element holding the records),
``incremental`` (``param`` is the "changed since" request element), ``pagination`` of kind
``continuation_token`` and ``write`` (``operation``, ``mode``, ``body_path``, result field
names, ``idempotency_element``, ``idempotent_writes``). `plan_entity` flattens that into one
`EntityPlan`.

The deprecated top-level ``soap:`` block still works: `load_soap_profile`,
`split_soap_document` and `parse_soap_options` read it, and `apply_soap_options` moves it
into the unified fields (see `connectors.profile.legacy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from connectors.errors import ConfigError
from connectors.profile import (
    EPOCH,
    Incremental,
    Profile,
    SoapEntityOptions,
    SoapOptions,
    merge_soap_block,
    parse_profile,
    parse_soap_block,
    read_document,
)

__all__ = [
    "EPOCH",
    "EntityPlan",
    "SoapEntityOptions",
    "SoapOptions",
    "apply_soap_options",
    "check_soap_profile",
    "load_soap_profile",
    "parse_soap_options",
    "plan_entity",
    "split_soap_document",
]


@dataclass(frozen=True, slots=True)
class EntityPlan:
    """Everything the source and sink need to read or write one entity, defaults resolved."""

    name: str
    read_operation: str | None
    records_element: str
    id_field: str
    params: dict[str, Any]
    incremental: Incremental | None
    batch_size: int
    token_element: str | None
    page_size_element: str | None
    page_size: int | None
    initial_since: str
    write_operation: str | None
    write_mode: Literal["single", "batch"]
    write_batch_size: int
    records_arg: str | None
    record_element: str | None
    results_element: str
    result_id_field: str
    index_field: str
    error_code_field: str
    error_field_field: str
    error_message_field: str
    idempotency_element: str | None
    idempotent_writes: bool

    @property
    def since_element(self) -> str | None:
        """Request element for 'changed since', when the entity is read incrementally."""
        return self.incremental.param if self.incremental else None


def plan_entity(profile: Profile, name: str) -> EntityPlan:
    """One entity of a SOAP profile with every default filled in."""
    entity = profile.entity(name)
    write = entity.write
    if write is not None and write.operation is None:
        raise ConfigError(
            f"entities.{name}.write.operation (formerly soap.entities.{name}.write_operation) "
            "must name the operation that writes records",
            system=profile.name,
        )
    paging = entity.pagination if entity.pagination.kind == "continuation_token" else None
    return EntityPlan(
        name=name,
        read_operation=entity.operation if entity.readable else None,
        records_element=entity.records_path,
        id_field=entity.id_field,
        params=dict(entity.params),
        incremental=entity.incremental,
        batch_size=entity.batch_size,
        token_element=paging.token_element if paging is not None else None,
        page_size_element=paging.page_size_element if paging is not None else None,
        page_size=paging.page_size if paging is not None else None,
        initial_since=paging.initial_since if paging is not None else EPOCH,
        write_operation=write.operation if write is not None else None,
        write_mode=write.mode if write is not None else "single",
        write_batch_size=write.batch_size if write is not None else 1,
        records_arg=write.body_path if write is not None else None,
        record_element=write.record_element if write is not None else None,
        results_element=(write.results_path if write is not None else None) or "Result",
        result_id_field=(write.id_path if write is not None else None)
        or ("Key" if write is not None and write.mode == "batch" else entity.id_field),
        index_field=write.index_field if write is not None else "Index",
        error_code_field=write.error_code_field if write is not None else "ErrorCode",
        error_field_field=write.error_field_field if write is not None else "ErrorField",
        error_message_field=write.error_message_field if write is not None else "ErrorMessage",
        idempotency_element=write.idempotency_element if write is not None else None,
        idempotent_writes=write.idempotent_writes if write is not None else False,
    )


def check_soap_profile(profile: Profile) -> None:
    """ConfigError unless the profile is a SOAP profile whose every entity can be planned."""
    if profile.kind != "soap":
        raise ConfigError(f"profile kind is {profile.kind}, not soap", system=profile.name)
    for name in profile.entities:
        plan_entity(profile, name)


def apply_soap_options(
    profile: Profile, soap: SoapOptions | Mapping[str, Any] | None, *, source: str | None = None
) -> Profile:
    """Deprecated: the profile with a ``soap:`` block's settings moved into its own fields."""
    where = source or profile.name
    document = profile.model_dump(exclude_unset=True)
    options = soap if isinstance(soap, SoapOptions) else parse_soap_block(soap, source=where)
    return parse_profile(merge_soap_block(document, options, source=where), source=where)


def parse_soap_options(data: Any, profile: Profile, *, source: str = "<profile>") -> SoapOptions:
    """Deprecated: validate a ``soap:`` mapping (None means all defaults) against its profile."""
    options = parse_soap_block(data, source=source)
    check_soap_profile(apply_soap_options(profile, options, source=source))
    return options


def split_soap_document(data: Any, *, source: str = "<profile>") -> tuple[Profile, SoapOptions]:
    """Deprecated: a parsed profile document with an optional top-level ``soap:`` mapping.

    The profile returned already holds the block's settings in its unified fields.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: a profile must be a mapping at the top level")
    options = parse_soap_block(data.get("soap"), source=source)
    profile = parse_profile(merge_soap_block(data, options, source=source), source=source)
    check_soap_profile(profile)
    return profile, options


def load_soap_profile(path: str | Path) -> tuple[Profile, SoapOptions]:
    """Deprecated (use `connectors.profile.load_profile`): a SOAP profile file and its
    ``soap:`` block, the profile already holding the block's settings."""
    return split_soap_document(read_document(path), source=str(Path(path)))
