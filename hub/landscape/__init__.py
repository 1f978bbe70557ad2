"""The embedded landscape: everything the demo, `hub up` and end-to-end tests run against.

Six seeded reference systems on loopback, the embedded SFTP server with one mailbox per
trading partner (runtime partner profiles point at it), the partner simulators, the
warehouse staff and approvers, and a migrated state store, started and stopped together.
"""

from __future__ import annotations

from hub.landscape.core import SFTP_PORT, Landscape, embedded_landscape
from hub.landscape.environ import airflow_connections, demo_credentials, system_environ

__all__ = [
    "SFTP_PORT",
    "Landscape",
    "airflow_connections",
    "demo_credentials",
    "embedded_landscape",
    "system_environ",
]
