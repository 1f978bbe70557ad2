"""The `Profile` model: one system described as data, with the checks across its fields."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema, model_validator

from connectors.errors import ConfigError
from connectors.profile.auth import Auth, NoAuth
from connectors.profile.common import SECRET_WORDS, RateLimit, RetryPolicy, StrictModel, Timeouts
from connectors.profile.entity import Entity
from connectors.secrets import is_reference

URL_PATTERN = r"^(https?|sftp)://[^\s]+$"
# A profile file may hold ``${VAR}`` / ``${VAR:-default}`` in its URL fields (see
# connectors.profile.loader.interpolate); the model sees the interpolated value, the
# published schema accepts both.
_URL_OR_VARIABLE = r"^((https?|sftp)://|\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\})[^\s]*$"

Url = Annotated[
    str,
    Field(pattern=URL_PATTERN),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _URL_OR_VARIABLE,
            "examples": ["https://crm.example.com/api", "${HUB_CRM_URL:-http://127.0.0.1:8101}"],
        }
    ),
]
_SOAP_WRITE_FIELDS = ("operation", "record_element", "idempotency_element")


class Profile(StrictModel):
    """A system described as data: where it is, how to log in, what it holds."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_\-]*$", description="Short system name, e.g. crm.")
    kind: Literal["rest", "soap", "sftp"] = Field(description="Protocol of the system.")
    description: str | None = Field(None, description="What the system is, for people.")
    base_url: Url = Field(
        description="Root URL; entity paths are relative to it. SOAP: the endpoint.",
    )
    wsdl: str | None = Field(
        None, description="SOAP: WSDL location (URL or path); default base_url + '?wsdl'."
    )
    service: str | None = Field(
        None, description="SOAP: WSDL service name; default the WSDL's first service."
    )
    port: str | None = Field(
        None, description="SOAP: port name within the service; default the service's first."
    )
    fault_code_element: str = Field(
        "Code", description="SOAP: fault detail element holding the error code."
    )
    fault_field_element: str = Field(
        "Field", description="SOAP: fault detail element naming the failing field."
    )
    auth_fault_codes: tuple[str, ...] = Field(
        ("AUTH",), description="SOAP: fault detail codes meaning the credentials were refused."
    )
    timeouts: Timeouts = Field(default_factory=Timeouts, description="Connect and read timeouts.")
    retry: RetryPolicy = Field(
        default_factory=RetryPolicy, description="Retries of transient errors."
    )
    rate_limit: RateLimit | None = Field(
        None, description="Requests per second for the whole system."
    )
    auth: Auth = Field(default_factory=NoAuth, description="How the connector authenticates.")
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Extra request headers; credential headers take references.",
    )
    options: dict[str, str | int | float | bool] = Field(
        default_factory=dict,
        description="Protocol-specific settings read by the soap/sftp connectors.",
    )
    entities: dict[str, Entity] = Field(min_length=1, description="Entities by name.")

    @model_validator(mode="after")
    def _check(self) -> Profile:
        for label, mapping in (("headers", self.headers), ("options", self.options)):
            for key, value in mapping.items():
                if SECRET_WORDS.search(key) and not is_reference(value):
                    raise ValueError(
                        f"{label}.{key} looks like a credential; a literal secret is not allowed "
                        "in a profile, give env:VAR_NAME, airflow:conn_id[.field] or file:/path"
                    )
        if self.kind == "rest" and self.auth.kind == "ws_security_username_token":
            raise ValueError("auth.kind ws_security_username_token is for soap systems only")
        if self.kind != "soap":
            self._check_not_soap()
        for name, entity in self.entities.items():
            if self.kind == "rest" and not entity.path:
                raise ValueError(f"entities.{name}.path is required for a rest system")
            if self.kind == "soap":
                _check_soap_entity(name, entity)
        return self

    def _check_not_soap(self) -> None:
        for field in ("wsdl", "service", "port"):
            if getattr(self, field) is not None:
                raise ValueError(f"{field} is for soap systems only")
        for name, entity in self.entities.items():
            if entity.pagination.kind == "continuation_token":
                raise ValueError(
                    f"entities.{name}.pagination: continuation_token is for soap systems only"
                )
            write = entity.write
            for field in _SOAP_WRITE_FIELDS:
                if write is not None and getattr(write, field) is not None:
                    raise ValueError(f"entities.{name}.write.{field} is for soap systems only")

    def entity(self, name: str) -> Entity:
        """The named entity, or ConfigError listing the known ones."""
        try:
            return self.entities[name]
        except KeyError:
            known = ", ".join(sorted(self.entities))
            raise ConfigError(
                f"unknown entity {name!r} (known: {known})", system=self.name
            ) from None


def _check_soap_entity(name: str, entity: Entity) -> None:
    """What a SOAP entity must say; the write operation is checked when a connector is built."""
    if entity.readable and not entity.operation:
        raise ValueError(
            f"entities.{name}.operation is required for a soap system "
            "(or set readable: false for a write-only entity)"
        )
    if not entity.readable and entity.write is None:
        raise ValueError(f"entities.{name} is neither readable nor writable")
    if entity.pagination.kind not in ("none", "continuation_token"):
        raise ValueError(f"entities.{name}.pagination: a soap system pages with continuation_token")
    if entity.incremental is not None and entity.incremental.format != "iso":
        raise ValueError(f"entities.{name}.incremental.format must be iso for a soap system")
    write = entity.write
    if write is not None and write.mode == "batch" and not write.body_path:
        raise ValueError(
            f"entities.{name}.write.body_path must name the request element holding the "
            "records of a batch"
        )
