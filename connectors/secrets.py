"""Secret references (``env:``, ``airflow:``, ``file:``) resolved only when a connector needs them.

A profile never holds a secret, only a reference to one:

* ``env:VAR_NAME`` - the environment variable ``VAR_NAME``;
* ``airflow:conn_id`` or ``airflow:conn_id.field`` - an Airflow Connection, read from the
  ``AIRFLOW_CONN_<CONN_ID>`` environment variable in URI or JSON form (Airflow itself is
  not imported). ``field`` is ``password`` (the default), ``login``, ``host``, ``port``,
  ``schema``, ``conn_type`` or the name of an extra (``extra.NAME`` also works);
* ``file:/path/to/file`` - the file's contents without the trailing newline (the way
  Docker and Kubernetes mount secrets).

Every value resolved as a secret (`resolve_secret`) is wrapped in `pydantic.SecretStr`
and registered with `connectors.errors.register_secret`, so error messages never show it;
`resolve_value` reads references of non-secret fields (hosts, user names) unregistered.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import SecretStr

from connectors.errors import ConfigError, register_secret

SCHEMES = ("env", "airflow", "file")
REFERENCE_PATTERN = (
    r"^(env:[A-Za-z_][A-Za-z0-9_]*|airflow:[A-Za-z0-9_\-]+(\.[A-Za-z0-9_.\-]+)?|file:.+)$"
)
_REFERENCE = re.compile(REFERENCE_PATTERN)
_CONNECTION_FIELDS = ("conn_type", "login", "password", "host", "port", "schema")


@dataclass(frozen=True, slots=True)
class SecretReference:
    """A parsed reference: where the secret lives, and which part of it to take."""

    scheme: str
    target: str
    field: str | None = None

    def __str__(self) -> str:
        suffix = f".{self.field}" if self.field else ""
        return f"{self.scheme}:{self.target}{suffix}"


def is_reference(value: object) -> bool:
    """True when ``value`` is a well-formed secret reference string."""
    return isinstance(value, str) and bool(_REFERENCE.match(value))


def parse_reference(value: str) -> SecretReference:
    """Split ``scheme:target[.field]``; raise ConfigError if it is not a reference."""
    if not is_reference(value):
        # The value itself may be a literal secret: never echo it.
        raise ConfigError(
            "not a secret reference; use env:VAR_NAME, airflow:conn_id[.field] or file:/path"
        )
    scheme, _, rest = value.partition(":")
    if scheme == "airflow":
        conn_id, _, field = rest.partition(".")
        return SecretReference(scheme, conn_id, field or None)
    return SecretReference(scheme, rest)


def resolve_secret(reference: str, *, environ: Mapping[str, str] | None = None) -> SecretStr:
    """Look the reference up now and return its value as a registered SecretStr."""
    value = _look_up(reference, environ)
    register_secret(value)
    return SecretStr(value)


def resolve_value(value: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Resolve ``value`` if it is a reference, else return it (for non-secret fields).

    Not registered for redaction: a host, port or user name from a reference is no secret,
    and masking it would hide where a failing call went.
    """
    return _look_up(value, environ) if is_reference(value) else value


def resolve_header(value: str, *, environ: Mapping[str, str] | None = None) -> str:
    """A header value: literal as written, or from a reference and then registered.

    Headers put in a profile by reference are how some systems take keys and tenant
    tokens, so they are treated as secrets.
    """
    if not is_reference(value):
        return value
    return resolve_secret(value, environ=environ).get_secret_value()


def _look_up(reference: str, environ: Mapping[str, str] | None) -> str:
    """The value a secret reference names, read now."""
    ref = parse_reference(reference)
    env = os.environ if environ is None else environ
    if ref.scheme == "env":
        value = env.get(ref.target)
        if value is None:
            raise ConfigError(f"secret reference {ref}: environment variable is not set")
    elif ref.scheme == "file":
        try:
            value = Path(ref.target).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ConfigError(
                f"secret reference {ref}: cannot read file ({exc.strerror})"
            ) from None
    else:
        value = airflow_connection_field(ref.target, ref.field or "password", environ=env)
    return value


def airflow_connection(conn_id: str, *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read the Airflow Connection ``conn_id`` from ``AIRFLOW_CONN_<CONN_ID>`` as a dict."""
    env = os.environ if environ is None else environ
    var = f"AIRFLOW_CONN_{conn_id.upper()}"
    raw = env.get(var)
    if raw is None:
        raise ConfigError(f"secret reference airflow:{conn_id}: {var} is not set")
    raw = raw.strip()
    if raw.startswith("{"):
        return _connection_from_json(conn_id, raw)
    return _connection_from_uri(conn_id, raw)


def airflow_connection_field(
    conn_id: str, field: str, *, environ: Mapping[str, str] | None = None
) -> str:
    """One field (or extra) of an Airflow Connection, as text."""
    conn = airflow_connection(conn_id, environ=environ)
    name = field.removeprefix("extra.")
    value = conn.get(field) if field in _CONNECTION_FIELDS else conn["extra"].get(name)
    if value is None or value == "":
        raise ConfigError(
            f"secret reference airflow:{conn_id}.{field}: the connection has no {field}"
        )
    return str(value)


def _connection_from_json(conn_id: str, raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise ConfigError(f"AIRFLOW_CONN_{conn_id.upper()} is not valid JSON") from None
    if not isinstance(data, dict):
        raise ConfigError(f"AIRFLOW_CONN_{conn_id.upper()} must be a JSON object")
    extra = data.get("extra") or {}
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except json.JSONDecodeError:
            raise ConfigError(f"AIRFLOW_CONN_{conn_id.upper()}: extra is not JSON") from None
    conn = {name: data.get(name) for name in _CONNECTION_FIELDS}
    conn["conn_type"] = conn["conn_type"] or data.get("conn-type")
    conn["extra"] = extra if isinstance(extra, dict) else {}
    return conn


def _connection_from_uri(conn_id: str, raw: str) -> dict[str, Any]:
    parts = urlsplit(raw)
    if not parts.scheme:
        raise ConfigError(f"AIRFLOW_CONN_{conn_id.upper()} is neither a URI nor JSON")
    extra: dict[str, Any] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "__extra__":
            try:
                loaded = json.loads(value)
            except json.JSONDecodeError:
                raise ConfigError(
                    f"AIRFLOW_CONN_{conn_id.upper()}: __extra__ is not JSON"
                ) from None
            if isinstance(loaded, dict):
                extra.update(loaded)
        else:
            extra[key] = value
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"AIRFLOW_CONN_{conn_id.upper()}: port is not a number") from None
    return {
        # Airflow writes "-" for "_" in conn types so the scheme stays a valid URI scheme.
        "conn_type": parts.scheme.replace("-", "_"),
        "login": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "host": unquote(parts.hostname) if parts.hostname else None,
        "port": port,
        "schema": unquote(parts.path.lstrip("/")) or None,
        "extra": extra,
    }


__all__ = [
    "REFERENCE_PATTERN",
    "SCHEMES",
    "SecretReference",
    "airflow_connection",
    "airflow_connection_field",
    "is_reference",
    "parse_reference",
    "resolve_secret",
    "resolve_value",
]
