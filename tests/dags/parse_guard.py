"""Parse a DAGs folder in this fresh interpreter with every outside call made to fail.

Run as ``python parse_guard.py <dags folder>``; prints one JSON line: the DAG ids, the
import errors, and every violation (a socket connect or name lookup, an SQL statement on
any engine, an Airflow connection lookup) that happened while the DagBag parsed. The
guards go in after airflow is imported (its own start-up is not under test) and before
the DAG files are read, so nothing the DAG files import is already cached.
"""

from __future__ import annotations

import json
import socket
import sys
from typing import Any

violations: list[str] = []


def forbid(what: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        violations.append(what)
        raise RuntimeError(f"{what} while parsing DAG files")

    return refuse


def install_guards() -> None:
    import sqlalchemy
    from airflow.models.connection import Connection as CoreConnection
    from airflow.sdk import BaseHook, Connection
    from airflow.secrets.environment_variables import EnvironmentVariablesBackend
    from airflow.secrets.metastore import MetastoreBackend

    socket.socket.connect = forbid("socket.connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = forbid("socket.connect_ex")  # type: ignore[method-assign]
    socket.getaddrinfo = forbid("socket.getaddrinfo")
    socket.create_connection = forbid("socket.create_connection")

    def count_sql(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        violations.append(f"sql: {statement.split()[0] if statement.split() else statement}")

    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "before_cursor_execute", count_sql)
    sqlalchemy.create_engine = forbid("sqlalchemy.create_engine")

    Connection.get = forbid("airflow.sdk.Connection.get")  # type: ignore[method-assign]
    BaseHook.get_connection = forbid("BaseHook.get_connection")  # type: ignore[method-assign]
    CoreConnection.get_connection_from_secrets = forbid("Connection.get_connection_from_secrets")
    EnvironmentVariablesBackend.get_connection = forbid("secrets backend (env) get_connection")
    EnvironmentVariablesBackend.get_conn_value = forbid("secrets backend (env) get_conn_value")
    MetastoreBackend.get_connection = forbid("secrets backend (metastore) get_connection")

    import connectors.secrets
    import hub.airflow.connections

    connectors.secrets.airflow_connection = forbid("connectors.secrets.airflow_connection")
    hub.airflow.connections.task_environ = forbid("hub.airflow.connections.task_environ")
    hub.airflow.connections.airflow_lookup = forbid("hub.airflow.connections.airflow_lookup")


def main(folder: str) -> None:
    import airflow  # noqa: F401  (its start-up may touch its DB; not what is tested)
    from airflow.dag_processing.dagbag import DagBag

    install_guards()
    bag = DagBag(dag_folder=folder)
    found = {
        "dag_ids": sorted(bag.dag_ids),
        "import_errors": bag.import_errors,
        "violations": violations,
    }
    sys.stdout.write(json.dumps(found) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
