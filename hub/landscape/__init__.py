"""The embedded landscape: everything the demo, `hub up` and end-to-end tests run against.

Six seeded reference systems on loopback, the embedded SFTP server with one mailbox per
trading partner (runtime partner profiles point at it), the partner simulators, the
warehouse staff and approvers, and a migrated state store, started and stopped together.

The names below load on first use: `hub.landscape.report` (which every `hub` command
imports through the demo command) must not pull in the reference systems.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.landscape.core import SFTP_PORT, Landscape, embedded_landscape
    from hub.landscape.environ import airflow_connections, demo_credentials, system_environ

_HOMES = {
    "SFTP_PORT": "core",
    "Landscape": "core",
    "embedded_landscape": "core",
    "airflow_connections": "environ",
    "demo_credentials": "environ",
    "system_environ": "environ",
}

__all__ = [
    "SFTP_PORT",
    "Landscape",
    "airflow_connections",
    "demo_credentials",
    "embedded_landscape",
    "system_environ",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"hub.landscape.{home}"), name)
