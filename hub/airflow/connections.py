"""Airflow Connections mapped onto the environment the connector profiles read.

The profiles name their secrets as ``env:HUB_...`` references and their URLs as
``${HUB_<SYSTEM>_URL}``. Inside a task, each system's Connection (``AIRFLOW_CONN_CRM`` and
so on, or any secrets backend Airflow is configured with) is turned into those variables:

* ``host`` (with ``schema`` as the URL scheme, default http) and ``port`` ->
  ``HUB_<SYSTEM>_URL``; a host that already holds a scheme is used as it is;
* ``login`` / ``password`` -> the credential variables of `SYSTEMS` below;
* extras named in `SYSTEMS` -> their variables.

The result is a new mapping passed to the connectors; ``os.environ`` is never changed.
Never call this while a DAG file is parsed: it looks Connections up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.redaction import register_secret

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionFields:
    """The parts of an Airflow Connection the hub uses."""

    host: str | None = None
    port: int | None = None
    schema: str | None = None
    login: str | None = None
    password: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SystemConnection:
    """Which Connection feeds a system's profile, and under which variable names."""

    conn_id: str
    url_var: str
    login_var: str | None = None
    password_var: str | None = None
    extras: Mapping[str, str] = field(default_factory=dict)


SYSTEMS: dict[str, SystemConnection] = {
    "crm": SystemConnection("crm", "HUB_CRM_URL", "HUB_CRM_CLIENT_ID", "HUB_CRM_CLIENT_SECRET"),
    "erp": SystemConnection("erp", "HUB_ERP_URL", "HUB_ERP_USER", "HUB_ERP_PASSWORD"),
    "oms": SystemConnection("oms", "HUB_OMS_URL", None, "HUB_OMS_API_KEY"),
    "wms": SystemConnection("wms", "HUB_WMS_URL", "HUB_WMS_USER", "HUB_WMS_PASSWORD"),
    "srm": SystemConnection("srm", "HUB_SRM_URL", None, "HUB_SRM_API_KEY"),
    "oa": SystemConnection(
        "oa", "HUB_OA_URL", None, "HUB_OA_TOKEN", {"callback_secret": "HUB_OA_CALLBACK_SECRET"}
    ),
}

Lookup = Callable[[str], ConnectionFields | None]


def connection_url(conn: ConnectionFields) -> str | None:
    """``scheme://host[:port]`` of a Connection, or None without a host."""
    if not conn.host:
        return None
    host = conn.host.rstrip("/")
    if "://" in host:
        return host
    scheme = conn.schema or "http"
    return f"{scheme}://{host}" + (f":{conn.port}" if conn.port else "")


def system_environ(system: SystemConnection, conn: ConnectionFields) -> dict[str, str]:
    """The variables one Connection provides (secrets registered for redaction)."""
    found: dict[str, str] = {}
    url = connection_url(conn)
    if url:
        found[system.url_var] = url
    if system.login_var and conn.login:
        found[system.login_var] = conn.login
    if system.password_var and conn.password:
        register_secret(conn.password)
        found[system.password_var] = conn.password
    for extra, var in system.extras.items():
        value = conn.extra.get(extra)
        if value not in (None, ""):
            register_secret(str(value))
            found[var] = str(value)
    return found


def connections_environ(
    lookup: Lookup,
    base: Mapping[str, str] | None = None,
    systems: Mapping[str, SystemConnection] = SYSTEMS,
) -> dict[str, str]:
    """``base`` (default ``os.environ``) overlaid with what each system's Connection gives.

    A system without a Connection keeps whatever ``base`` holds for it, so a deployment
    can still set ``HUB_*`` variables directly.
    """
    environ = dict(os.environ if base is None else base)
    for name, system in systems.items():
        conn = lookup(system.conn_id)
        if conn is None:
            log.debug("no Airflow connection %r for %s; using the HUB_ variables", name, name)
            continue
        environ.update(system_environ(system, conn))
    return environ


def airflow_lookup(conn_id: str) -> ConnectionFields | None:
    """Look a Connection up through Airflow (env, metadata DB or secrets backend)."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(conn_id)
    except AirflowNotFoundException:
        return None
    extra = conn.extra_dejson
    return ConnectionFields(
        host=conn.host,
        port=conn.port,
        schema=conn.schema,
        login=conn.login,
        password=conn.password,
        extra=extra if isinstance(extra, dict) else {},
    )


def task_environ(lookup: Lookup | None = None) -> dict[str, str]:
    """The environment a task's connectors read: os.environ plus the systems' Connections."""
    return connections_environ(airflow_lookup if lookup is None else lookup)
