"""System profiles: a system described as data (URL, auth, entities, paging), validated.

A profile is a YAML file checked against the `Profile` model. The JSON Schema generated
from the model is committed at ``connectors/schema/profile.schema.json`` so editors can
autocomplete profiles (``# yaml-language-server: $schema=...``); regenerate it with
``python -m connectors.profile`` after changing a model.

Secrets never appear in a profile: every secret field takes a reference (see
`connectors.secrets`), and a literal value is refused with an error naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from connectors.errors import ConfigError
from connectors.secrets import REFERENCE_PATTERN, is_reference

SCHEMA_PATH = Path(__file__).parent / "schema" / "profile.schema.json"
SCHEMA_ID = "https://integration-hub.example/schemas/connectors/profile.schema.json"
_SECRET_WORDS = re.compile(
    r"(?i)(authorization|api[-_]?key|private[-_]?key|passphrase|token|secret|password|signature)"
)


def _require_reference(value: str) -> str:
    if not is_reference(value):
        # Never echo the value: it is probably the secret itself.
        raise ValueError(
            "a literal secret is not allowed in a profile; give a reference instead: "
            "env:VAR_NAME, airflow:conn_id[.field] or file:/path"
        )
    return value


SecretRef = Annotated[
    str,
    AfterValidator(_require_reference),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": REFERENCE_PATTERN,
            "examples": ["env:CRM_CLIENT_SECRET", "airflow:crm.password", "file:/run/secrets/crm"],
        }
    ),
]
"""A reference to a secret, never the secret: ``env:``, ``airflow:`` or ``file:``."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Timeouts(_Model):
    """Network timeouts in seconds; every request has both."""

    connect: float = Field(5.0, gt=0, description="Seconds to wait for a connection.")
    read: float = Field(30.0, gt=0, description="Seconds to wait between bytes of the answer.")


class RetryPolicy(_Model):
    """Exponential backoff with jitter for retriable errors (connection, timeout, 429, 5xx)."""

    max_attempts: int = Field(5, ge=1, le=20, description="Attempts in all, the first included.")
    backoff_base: float = Field(0.5, ge=0, description="Seconds before the first retry.")
    backoff_cap: float = Field(30.0, ge=0, description="Longest wait between two attempts.")
    jitter: float = Field(
        0.2, ge=0, le=1, description="Fraction of each wait that is random (0 = none)."
    )
    retry_after_cap: float = Field(
        120.0, ge=0, description="Longest wait honoured from a Retry-After header."
    )


class RateLimit(_Model):
    """A token bucket: steady requests per second, with bursts up to ``burst``."""

    requests_per_second: float = Field(gt=0, description="Sustained request rate.")
    burst: int = Field(1, ge=1, description="Requests that may go at once after a quiet spell.")


class NoAuth(_Model):
    """No credentials."""

    kind: Literal["none"] = "none"


class ApiKeyHeaderAuth(_Model):
    """An API key sent in a request header."""

    kind: Literal["api_key_header"]
    header: str = Field("X-API-Key", description="Header that carries the key.")
    key: SecretRef = Field(description="Reference to the API key.")


class ApiKeyQueryAuth(_Model):
    """An API key sent as a query parameter (scrubbed from every error message)."""

    kind: Literal["api_key_query"]
    param: str = Field("api_key", description="Query parameter that carries the key.")
    key: SecretRef = Field(description="Reference to the API key.")


class BasicAuth(_Model):
    """HTTP basic authentication."""

    kind: Literal["basic"]
    username: str = Field(description="User name, literal or a secret reference.")
    password: SecretRef = Field(description="Reference to the password.")


class BearerAuth(_Model):
    """A static bearer token."""

    kind: Literal["bearer"]
    token: SecretRef = Field(description="Reference to the token.")


class OAuth2ClientCredentialsAuth(_Model):
    """OAuth2 client credentials: a token fetched, cached and refreshed before it expires."""

    kind: Literal["oauth2_client_credentials"]
    token_url: str = Field(description="Token endpoint, absolute or relative to base_url.")
    client_id: str = Field(description="Client id, literal or a secret reference.")
    client_secret: SecretRef = Field(description="Reference to the client secret.")
    scope: str | None = Field(None, description="Space-separated scopes to ask for.")
    audience: str | None = Field(None, description="Audience parameter, for servers that want one.")
    client_auth: Literal["basic", "body"] = Field(
        "basic", description="Send client credentials by HTTP basic or in the form body."
    )
    refresh_skew_seconds: float = Field(
        30.0, ge=0, description="Refresh this long before expiry (at most 10% of the lifetime)."
    )


class WsSecurityUsernameTokenAuth(_Model):
    """WS-Security UsernameToken, for SOAP systems."""

    kind: Literal["ws_security_username_token"]
    username: str = Field(description="User name, literal or a secret reference.")
    password: SecretRef = Field(description="Reference to the password.")
    password_type: Literal["digest", "text"] = Field(
        "digest", description="PasswordDigest (nonce + created) or PasswordText."
    )


Auth = Annotated[
    NoAuth
    | ApiKeyHeaderAuth
    | ApiKeyQueryAuth
    | BasicAuth
    | BearerAuth
    | OAuth2ClientCredentialsAuth
    | WsSecurityUsernameTokenAuth,
    Field(discriminator="kind"),
]


class NoPagination(_Model):
    """One request returns everything."""

    kind: Literal["none"] = "none"


class CursorBodyPagination(_Model):
    """An opaque cursor in the body is sent back as a query parameter for the next page."""

    kind: Literal["cursor_body"]
    cursor_param: str = Field("cursor", description="Query parameter for the cursor.")
    cursor_path: str = Field("next_cursor", description="Where the next cursor is in the body.")
    has_more_path: str | None = Field(None, description="Optional boolean 'more pages' flag.")
    page_size_param: str | None = Field(None, description="Query parameter for the page size.")
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")


class NextUrlBodyPagination(_Model):
    """The body holds the full URL of the next page."""

    kind: Literal["next_url_body"]
    next_url_path: str = Field("next", description="Where the next URL is in the body.")
    page_size_param: str | None = Field(None, description="Query parameter for the page size.")
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")


class LinkHeaderPagination(_Model):
    """An RFC 8288 ``Link`` header with ``rel="next"`` points at the next page."""

    kind: Literal["link_header"]
    rel: str = Field("next", description="Link relation of the next page.")
    page_size_param: str | None = Field(None, description="Query parameter for the page size.")
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")


class OffsetLimitPagination(_Model):
    """``offset`` and ``limit`` query parameters."""

    kind: Literal["offset_limit"]
    offset_param: str = Field("offset", description="Query parameter for the offset.")
    limit_param: str = Field("limit", description="Query parameter for the limit.")
    page_size: int = Field(100, ge=1, description="The limit sent with every request.")
    total_path: str | None = Field(None, description="Where the total record count is, if any.")


class PageNumberPagination(_Model):
    """Numbered pages."""

    kind: Literal["page_number"]
    page_param: str = Field("page", description="Query parameter for the page number.")
    page_size_param: str = Field("page_size", description="Query parameter for the page size.")
    page_size: int = Field(100, ge=1, description="Records per page to ask for.")
    start_page: int = Field(1, ge=0, description="Number of the first page (0 or 1).")
    total_pages_path: str | None = Field(None, description="Where the page count is, if any.")


Pagination = Annotated[
    NoPagination
    | CursorBodyPagination
    | NextUrlBodyPagination
    | LinkHeaderPagination
    | OffsetLimitPagination
    | PageNumberPagination,
    Field(discriminator="kind"),
]


class Incremental(_Model):
    """How to read only what changed since the last cursor."""

    param: str = Field(description="Query parameter for 'changed since', e.g. updated_since.")
    cursor_field: str = Field(description="Record field (dotted path) holding the change time.")
    format: Literal["iso", "epoch_ms"] = Field(
        "iso", description="How the field and parameter are written: ISO 8601 or epoch millis."
    )
    sorted: bool = Field(
        True,
        description="The system returns records in cursor order; if false, only the last "
        "batch of a read advances the cursor.",
    )


class WriteSpec(_Model):
    """How records are written to the entity."""

    method: Literal["POST", "PUT", "PATCH"] = Field("POST", description="HTTP method.")
    path: str | None = Field(
        None,
        description="Path template, e.g. /contacts or /contacts/{id}; default the entity path.",
    )
    mode: Literal["single", "batch"] = Field(
        "single", description="One request per record, or one per batch."
    )
    upsert_by: str | None = Field(
        None,
        description="Path template addressing a record by external id, e.g. /c/ext/{externalId}.",
    )
    upsert_method: Literal["PUT", "PATCH", "POST"] = Field(
        "PUT", description="Method for upsert_by."
    )
    idempotency_header: str | None = Field(
        None, description="Header for the idempotency key, e.g. Idempotency-Key."
    )
    if_match: bool = Field(False, description="GET the target first and send its ETag in If-Match.")
    body_path: str | None = Field(
        None, description="Batch mode: key wrapping the record list in the body."
    )
    results_path: str | None = Field(
        None, description="Batch mode: where per-record results are in the answer."
    )
    id_path: str | None = Field(
        None, description="Where the target id is in an answer; default id_field."
    )
    batch_size: int = Field(100, ge=1, description="Batch mode: most records per request.")


class Entity(_Model):
    """One kind of record a system holds, and how to read and write it."""

    path: str | None = Field(None, description="REST: path of the list endpoint, e.g. /contacts.")
    operation: str | None = Field(None, description="SOAP: operation name that lists records.")
    method: Literal["GET", "POST"] = Field("GET", description="HTTP method used for reading.")
    params: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="Fixed query parameters sent with every read."
    )
    records_path: str = Field(
        "$", description="Dotted path to the record list in the body; $ for the root."
    )
    id_field: str = Field("id", description="Record field (dotted path) holding the record's id.")
    pagination: Pagination = Field(
        default_factory=NoPagination, description="How pages follow each other."
    )
    incremental: Incremental | None = Field(
        None, description="Incremental reads; none means full reads."
    )
    batch_size: int = Field(100, ge=1, description="Records per batch yielded by the source.")
    write: WriteSpec | None = Field(None, description="How to write; none means read-only.")
    rate_limit: RateLimit | None = Field(
        None, description="Overrides the system rate limit for this entity."
    )


class Profile(_Model):
    """A system described as data: where it is, how to log in, what it holds."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_\-]*$", description="Short system name, e.g. crm.")
    kind: Literal["rest", "soap", "sftp"] = Field(description="Protocol of the system.")
    description: str | None = Field(None, description="What the system is, for people.")
    base_url: str = Field(
        pattern=r"^(https?|sftp)://[^\s]+$",
        description="Root URL; entity paths are relative to it.",
    )
    wsdl: str | None = Field(None, description="SOAP: WSDL location (URL or path).")
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
                if _SECRET_WORDS.search(key) and not is_reference(value):
                    raise ValueError(
                        f"{label}.{key} looks like a credential; a literal secret is not allowed "
                        "in a profile, give env:VAR_NAME, airflow:conn_id[.field] or file:/path"
                    )
        if self.kind == "rest" and self.auth.kind == "ws_security_username_token":
            raise ValueError("auth.kind ws_security_username_token is for soap systems only")
        for name, entity in self.entities.items():
            if self.kind == "rest" and not entity.path:
                raise ValueError(f"entities.{name}.path is required for a rest system")
            if self.kind == "soap" and not entity.operation:
                raise ValueError(f"entities.{name}.operation is required for a soap system")
        return self

    def entity(self, name: str) -> Entity:
        """The named entity, or ConfigError listing the known ones."""
        try:
            return self.entities[name]
        except KeyError:
            known = ", ".join(sorted(self.entities))
            raise ConfigError(
                f"unknown entity {name!r} (known: {known})", system=self.name
            ) from None


def _field_path(loc: Sequence[int | str], data: Any) -> str:
    """Dotted field path of a validation error, without union tags pydantic adds."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(node, Mapping) and item in node:
            parts.append(str(item))
            node = node[item]
        elif isinstance(node, list) and isinstance(item, int) and item < len(node):
            parts.append(f"[{item}]")
            node = node[item]
        elif isinstance(node, Mapping) and isinstance(item, str) and item != node.get("kind"):
            parts.append(item)  # a missing or unknown field
            node = None
    return ".".join(parts).replace(".[", "[") or "(top level)"


def describe_validation_error(exc: ValidationError, data: Any, source: str) -> str:
    """One line per problem, ``source: field.path: message``; input values are never shown."""
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        where = _field_path(error["loc"], data)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"{source}: {where}: {message}")
    return "\n".join(lines)


def parse_profile(data: Any, *, source: str = "<profile>") -> Profile:
    """Validate an already-parsed profile document."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: a profile must be a mapping at the top level")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, data, source)) from None


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile YAML file; errors name the file and the field."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read profile ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{file}: not valid YAML{where}") from None
    return parse_profile(data, source=str(file))


def load_profiles(directory: str | Path) -> dict[str, Profile]:
    """Load every ``*.yaml``/``*.yml`` profile in a directory, keyed by system name."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a directory of profiles")
    profiles: dict[str, Profile] = {}
    origins: dict[str, Path] = {}
    for file in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        profile = load_profile(file)
        if profile.name in profiles:
            raise ConfigError(
                f"{file}: system {profile.name!r} is already defined in {origins[profile.name]}"
            )
        profiles[profile.name] = profile
        origins[profile.name] = file
    return profiles


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema of a profile file, as published in connectors/schema/."""
    schema = Profile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_profile_schema() -> str:
    """The schema file's exact text (stable key order, trailing newline)."""
    return json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_profile_schema(path: Path = SCHEMA_PATH) -> Path:
    """Regenerate the committed schema file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_profile_schema(), encoding="utf-8")
    return path


if __name__ == "__main__":
    write_profile_schema()
