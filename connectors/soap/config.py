"""What a SOAP entity needs beyond the shared profile: operation and element names.

The shared `connectors.profile.Profile` carries the system (endpoint ``base_url``, ``wsdl``,
auth, timeouts, retry, rate limit) and, per entity, the read ``operation``, the response
element holding the records (``records_path``), ``id_field``, ``incremental`` (``param`` is
the "changed since" request element), ``batch_size`` and ``write`` (``mode``,
``batch_size``, ``body_path`` = request element wrapping the records, ``results_path``,
``id_path``). What it cannot say yet lives in an optional ``soap:`` mapping next to it::

    soap:
      service: SalesService        # default: options.service, else the WSDL's first
      port: SalesPort              # default: options.port, else the service's first
      entities:
        customers:
          write_operation: UpsertCustomers
          token_element: ContinuationToken
          page_size_element: MaxRecords
          page_size: 500

`load_soap_profile` reads a YAML file holding both; `plan_entity` merges them into one
`EntityPlan` with every default filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.errors import ConfigError
from connectors.profile import Incremental, Profile, describe_validation_error, parse_profile

EPOCH = "1970-01-01T00:00:00+00:00"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SoapEntityOptions(_Model):
    """SOAP details of one entity that the shared profile model does not carry."""

    write_operation: str | None = Field(None, description="Operation that writes records.")
    token_element: str | None = Field(
        "ContinuationToken",
        description="Continuation token element, in the response and sent back in the request; "
        "none means one call returns everything.",
    )
    page_size_element: str | None = Field(
        "MaxRecords", description="Request element for the page size; none to never send one."
    )
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")
    initial_since: str = Field(
        EPOCH, description="'Changed since' value of a first read (no cursor yet)."
    )
    record_element: str | None = Field(
        None,
        description="Single writes: request element wrapping the record; none passes the "
        "record's fields as the operation's own elements.",
    )
    index_field: str = Field("Index", description="Batch result: 0-based record position.")
    error_code_field: str = Field("ErrorCode", description="Batch result: error code.")
    error_field_field: str = Field("ErrorField", description="Batch result: failing field.")
    error_message_field: str = Field("ErrorMessage", description="Batch result: error text.")
    idempotency_element: str | None = Field(
        None, description="Record element filled from the idempotency key, e.g. ExternalRef."
    )
    idempotent_writes: bool = Field(
        False,
        description="Writes may be resent after a timeout or 5xx (upserts by key); otherwise "
        "only when an idempotency key is given.",
    )


class SoapOptions(_Model):
    """The ``soap:`` mapping of a profile file."""

    service: str | None = Field(None, description="WSDL service name.")
    port: str | None = Field(None, description="WSDL port name within the service.")
    fault_code_element: str = Field("Code", description="Fault detail element with the code.")
    fault_field_element: str = Field("Field", description="Fault detail element with the field.")
    auth_fault_codes: tuple[str, ...] = Field(
        ("AUTH",), description="Fault detail codes meaning the credentials were refused."
    )
    entities: dict[str, SoapEntityOptions] = Field(default_factory=dict)


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


def plan_entity(profile: Profile, soap: SoapOptions, name: str) -> EntityPlan:
    """Merge the profile's entity and its ``soap:`` options; ConfigError when they conflict."""
    entity = profile.entity(name)
    extra = soap.entities.get(name, SoapEntityOptions())
    write = entity.write
    write_operation = extra.write_operation
    if write is not None and write_operation is None:
        raise ConfigError(
            f"entities.{name}.write is set but soap.entities.{name}.write_operation is not",
            system=profile.name,
        )
    if write is not None and write.mode == "batch" and not write.body_path:
        raise ConfigError(
            f"entities.{name}.write.body_path must name the request element holding the "
            "records of a batch",
            system=profile.name,
        )
    if entity.incremental is not None and entity.incremental.format != "iso":
        raise ConfigError(
            f"entities.{name}.incremental.format must be iso for a soap system",
            system=profile.name,
        )
    return EntityPlan(
        name=name,
        read_operation=entity.operation,
        records_element=entity.records_path,
        id_field=entity.id_field,
        params=dict(entity.params),
        incremental=entity.incremental,
        batch_size=entity.batch_size,
        token_element=extra.token_element,
        page_size_element=extra.page_size_element,
        page_size=extra.page_size,
        initial_since=extra.initial_since,
        write_operation=write_operation,
        write_mode=write.mode if write is not None else "single",
        write_batch_size=write.batch_size if write is not None else 1,
        records_arg=write.body_path if write is not None else None,
        record_element=extra.record_element,
        results_element=(write.results_path if write is not None else None) or "Result",
        result_id_field=(write.id_path if write is not None else None)
        or ("Key" if write is not None and write.mode == "batch" else entity.id_field),
        index_field=extra.index_field,
        error_code_field=extra.error_code_field,
        error_field_field=extra.error_field_field,
        error_message_field=extra.error_message_field,
        idempotency_element=extra.idempotency_element,
        idempotent_writes=extra.idempotent_writes,
    )


def parse_soap_options(data: Any, profile: Profile, *, source: str = "<profile>") -> SoapOptions:
    """Validate a ``soap:`` mapping (None means all defaults) against its profile."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: soap must be a mapping")
    try:
        options = SoapOptions.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, data, f"{source}: soap")) from None
    unknown = sorted(set(options.entities) - set(profile.entities))
    if unknown:
        raise ConfigError(f"{source}: soap.entities names unknown entities: {', '.join(unknown)}")
    for name in profile.entities:
        plan_entity(profile, options, name)
    return options


def split_soap_document(data: Any, *, source: str = "<profile>") -> tuple[Profile, SoapOptions]:
    """A parsed profile document with an optional top-level ``soap:`` mapping."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: a profile must be a mapping at the top level")
    rest = {key: value for key, value in data.items() if key != "soap"}
    profile = parse_profile(rest, source=source)
    if profile.kind != "soap":
        raise ConfigError(f"{source}: kind is {profile.kind}, not soap")
    return profile, parse_soap_options(data.get("soap"), profile, source=source)


def load_soap_profile(path: str | Path) -> tuple[Profile, SoapOptions]:
    """Read a SOAP profile YAML file (the shared profile plus ``soap:``)."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read profile ({exc.strerror})") from None
    except yaml.YAMLError:
        raise ConfigError(f"{file}: not valid YAML") from None
    return split_soap_document(data, source=str(file))
