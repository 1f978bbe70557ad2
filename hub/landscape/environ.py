"""The environment the hub reads to reach the embedded landscape: URLs, demo credentials."""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

from reference.registry import get_spec

# system -> (login variable, password variable) of the profiles' env references.
_LOGINS: dict[str, tuple[str | None, str]] = {
    "crm": ("HUB_CRM_CLIENT_ID", "HUB_CRM_CLIENT_SECRET"),
    "erp": ("HUB_ERP_USER", "HUB_ERP_PASSWORD"),
    "oms": (None, "HUB_OMS_API_KEY"),
    "wms": ("HUB_WMS_USER", "HUB_WMS_PASSWORD"),
    "srm": (None, "HUB_SRM_API_KEY"),
    "oa": (None, "HUB_OA_TOKEN"),
}


def demo_credentials() -> dict[str, str]:
    """The reference systems' demo credentials under the ``HUB_`` names the profiles read."""
    crm, erp, oms = (get_spec(name).credentials for name in ("crm", "erp", "oms"))
    wms, srm, oa = (get_spec(name).credentials for name in ("wms", "srm", "oa"))
    return {
        "HUB_CRM_CLIENT_ID": crm["client_id"],
        "HUB_CRM_CLIENT_SECRET": crm["client_secret"],
        "HUB_ERP_USER": erp["REF_ERP_USER"],
        "HUB_ERP_PASSWORD": erp["REF_ERP_PASSWORD"],
        "HUB_OMS_API_KEY": oms["api_key"],
        "HUB_WMS_USER": wms["user"],
        "HUB_WMS_PASSWORD": wms["password"],
        "HUB_SRM_API_KEY": srm["apikey"],
        "HUB_OA_TOKEN": oa["token"],
    }


def system_environ(urls: Mapping[str, str]) -> dict[str, str]:
    """``HUB_<SYSTEM>_URL`` for each running system plus the demo credentials."""
    environ = {f"HUB_{name.upper()}_URL": url for name, url in urls.items()}
    return environ | demo_credentials()


def airflow_connections(environ: Mapping[str, str]) -> dict[str, str]:
    """``AIRFLOW_CONN_<SYSTEM>`` JSON connections for the systems in ``environ``.

    The same shape docker-compose.yml gives the deployed hub, so a profile may refer to
    ``airflow:crm`` (the password) or ``airflow:crm.login`` as well as to the env names.
    """
    connections: dict[str, str] = {}
    for system, (login_var, password_var) in _LOGINS.items():
        url = environ.get(f"HUB_{system.upper()}_URL")
        if url is None:
            continue
        parts = urlsplit(url)
        conn: dict[str, object] = {
            "conn_type": "http",
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or (443 if parts.scheme == "https" else 80),
            "schema": parts.scheme or "http",
            "password": environ.get(password_var, ""),
        }
        if login_var is not None:
            conn["login"] = environ.get(login_var, "")
        connections[f"AIRFLOW_CONN_{system.upper()}"] = json.dumps(conn)
    return connections
