"""Run a DAG through a real Airflow CeleryExecutor stack on loopback, without containers.

``celery_stack(...)`` migrates a fresh metadata database, starts the api-server,
scheduler, dag-processor and a Celery worker (each in its own process group, logs to
files), waits until all are ready and yields a `CeleryStack` whose ``run_dag`` unpauses,
triggers and waits for one DAG run. Every process group is stopped on exit, also on
failure, and a failure message carries the tail of every log.

The DAGs folder and DAG id are parameters so the same helper can run any flow DAG.
Only loopback is bound: the api-server listens on 127.0.0.1 and the worker runs with
``--skip-serve-logs`` (its log server would otherwise listen on every interface).
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest
import requests
import sqlalchemy as sa

# Airflow 3 derives an async URL (postgresql+asyncpg) from the sync one, and the Celery
# executor lives in its provider: without either, every `airflow` command fails.
REQUIRED_MODULES = {
    "airflow": "apache-airflow",
    "airflow.providers.celery": "apache-airflow-providers-celery",
    "asyncpg": "asyncpg",
    "psycopg2": "psycopg2-binary",
}
TERMINAL_STATES = {"success", "failed"}


class StackError(AssertionError):
    """The stack did not come up or the run did not succeed; the message holds log tails."""


def missing_modules() -> list[str]:
    """Distributions the Celery path needs that this interpreter cannot import."""
    missing = []
    for module, dist in REQUIRED_MODULES.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(dist)
    return missing


def services_required() -> bool:
    return os.environ.get("HUB_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def require_celery_dependencies() -> None:
    """Skip (or fail under HUB_REQUIRE_SERVICES) when the Celery dependencies are absent."""
    missing = missing_modules()
    if not missing:
        return
    message = (
        f"the CeleryExecutor test needs {', '.join(missing)} in {sys.executable}'s "
        "environment (install the project with its Celery dependencies)"
    )
    if services_required():
        pytest.fail(f"{message}, and HUB_REQUIRE_SERVICES is set")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def with_redis_db(url: str, db: int) -> str:
    """``redis://host:port/15`` -> ``redis://host:port/<db>``."""
    base, _, last = url.rpartition("/")
    return f"{base}/{db}" if last.isdigit() else f"{url.rstrip('/')}/{db}"


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})"
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Proc:
    """One long-running airflow command in its own process group."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    handle: IO[bytes] = field(repr=False)

    def stop(self, grace: float = 20.0) -> None:
        """SIGTERM the whole group, then SIGKILL what is left after ``grace`` seconds."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if not self.group_alive():
                break
            with suppress(ProcessLookupError):
                os.killpg(self.pgid, sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and self.group_alive():
                time.sleep(0.2)
        self.handle.close()

    @property
    def pgid(self) -> int:
        return self.popen.pid  # start_new_session=True makes the leader's pid the pgid

    def group_alive(self) -> bool:
        """True while any process of the group is left (the exited leader is reaped first)."""
        self.popen.poll()
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        return True


@dataclass
class CeleryStack:
    """A running api-server, scheduler, dag-processor and Celery worker."""

    env: dict[str, str]
    workdir: Path
    api_url: str
    database_url: str
    queue: str
    procs: list[Proc] = field(default_factory=list)

    # -- reporting ---------------------------------------------------------------------

    def logs(self, lines: int = 40) -> str:
        """The tail of every process's log, for a failure message."""
        parts = [f"--- {p.name} ({p.log}) ---\n{tail(p.log, lines)}" for p in self.procs]
        return "\n".join(parts)

    def fail(self, message: str) -> StackError:
        return StackError(f"{message}\n{self.logs()}")

    # -- commands ----------------------------------------------------------------------

    def airflow(self, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        """Run one `airflow` CLI command to completion; raise with its output on failure."""
        result = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise self.fail(
                f"`airflow {' '.join(args)}` exited {result.returncode}\n"
                f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
            )
        return result

    def start(self, name: str, *args: str) -> Proc:
        log = self.workdir / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("wb")
        popen = subprocess.Popen(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so stop() reaches its children
        )
        proc = Proc(name, popen, log, handle)
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        # Worker first so it stops taking tasks, api-server last so in-flight task
        # processes can still report their state while the others shut down.
        for proc in reversed(self.procs):
            proc.stop()

    # -- waiting -----------------------------------------------------------------------

    def wait_until(
        self, what: str, check: Callable[[], bool], timeout: float, every: float = 1.0
    ) -> None:
        """Poll ``check`` until true; fail early, with logs, if a process of the stack exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc in self.procs:
                if proc.popen.poll() is not None:
                    raise self.fail(
                        f"{proc.name} exited with {proc.popen.returncode} while waiting for {what}"
                    )
            if check():
                return
            time.sleep(every)
        raise self.fail(f"timed out after {timeout:.0f}s waiting for {what}")

    def api_healthy(self) -> bool:
        try:
            response = requests.get(f"{self.api_url}/api/v2/monitor/health", timeout=5)
        except requests.RequestException:
            return False
        if response.status_code != 200:
            return False
        status = response.json().get("metadatabase", {}).get("status")
        return bool(status == "healthy")

    def worker_ready(self) -> bool:
        worker = next(p for p in self.procs if p.name == "worker")
        text = worker.log.read_text(encoding="utf-8", errors="replace")
        node = f"{self.queue}@"  # the --celery-hostname we gave
        return any(node in line and " ready." in line for line in text.splitlines())

    def query(self, sql: str, **params: object) -> list[sa.Row[tuple[object, ...]]]:
        engine = sa.create_engine(self.database_url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return list(conn.execute(sa.text(sql), params))
        finally:
            engine.dispose()

    def dag_listed(self, dag_id: str) -> bool:
        rows = self.query(
            "SELECT 1 FROM dag WHERE dag_id = :dag_id AND is_stale IS FALSE", dag_id=dag_id
        )
        return bool(rows)

    def run_state(self, dag_id: str, run_id: str) -> str | None:
        rows = self.query(
            "SELECT state FROM dag_run WHERE dag_id = :dag_id AND run_id = :run_id",
            dag_id=dag_id,
            run_id=run_id,
        )
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def task_states(self, dag_id: str, run_id: str) -> dict[str, tuple[str | None, str | None]]:
        """task_id -> (state, queue) of each task instance of the run."""
        rows = self.query(
            "SELECT task_id, state, queue FROM task_instance "
            "WHERE dag_id = :dag_id AND run_id = :run_id ORDER BY task_id",
            dag_id=dag_id,
            run_id=run_id,
        )
        return {str(r[0]): (r[1], r[2]) for r in rows}

    # -- the public step -----------------------------------------------------------------

    def wait_for_dag(self, dag_id: str, timeout: float = 120.0) -> None:
        """Wait until the dag-processor has parsed ``dag_id`` into the metadata DB."""
        self.wait_until(f"DAG {dag_id} to be parsed", lambda: self.dag_listed(dag_id), timeout)

    def run_dag(self, dag_id: str, *, timeout: float = 240.0) -> str:
        """Unpause, trigger with a fresh run id, wait for a terminal state; return it."""
        self.wait_for_dag(dag_id)
        self.airflow("dags", "unpause", dag_id)
        run_id = f"celery_test__{uuid.uuid4().hex[:12]}"
        self.airflow("dags", "trigger", dag_id, "--run-id", run_id)
        states: dict[str, str | None] = {"run": None}

        def finished() -> bool:
            states["run"] = self.run_state(dag_id, run_id)
            return states["run"] in TERMINAL_STATES

        try:
            self.wait_until(f"run {run_id} of {dag_id} to finish", finished, timeout, every=2.0)
        except StackError as exc:
            tasks = self.task_states(dag_id, run_id)
            raise StackError(f"{exc}\nrun state: {states['run']}; tasks: {tasks}") from None
        if states["run"] != "success":
            tasks = self.task_states(dag_id, run_id)
            raise self.fail(f"run {run_id} of {dag_id} ended {states['run']}; tasks: {tasks}")
        return run_id

    def asset_triggered_runs(self, dag_id: str) -> list[tuple[str, str | None]]:
        """(run_id, state) of the runs an asset event created for ``dag_id``."""
        rows = self.query(
            "SELECT run_id, state FROM dag_run WHERE dag_id = :dag_id "
            "AND run_type = 'asset_triggered' ORDER BY id",
            dag_id=dag_id,
        )
        return [(str(r[0]), r[1]) for r in rows]

    def wait_for_asset_triggered_run(self, dag_id: str, *, timeout: float = 180.0) -> str:
        """Wait for a run of ``dag_id`` that an asset event created to end; its run id."""
        found: dict[str, list[tuple[str, str | None]]] = {"runs": []}

        def finished() -> bool:
            found["runs"] = self.asset_triggered_runs(dag_id)
            return any(state in TERMINAL_STATES for _, state in found["runs"])

        self.wait_until(f"an asset-triggered run of {dag_id}", finished, timeout, every=2.0)
        run_id, state = next((r, s) for r, s in found["runs"] if s in TERMINAL_STATES)
        if state != "success":
            tasks = self.task_states(dag_id, run_id)
            raise self.fail(f"asset-triggered run {run_id} of {dag_id} ended {state}; {tasks}")
        return run_id

    def listening_addresses(self) -> set[tuple[str, int, str]]:
        """(ip, port, process name) of every TCP socket our process groups listen on."""
        import psutil

        groups = {p.popen.pid for p in self.procs}
        found: set[tuple[str, int, str]] = set()
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status != psutil.CONN_LISTEN or conn.pid is None:
                continue
            try:
                if os.getpgid(conn.pid) in groups:
                    name = psutil.Process(conn.pid).name()
                    found.add((conn.laddr.ip, conn.laddr.port, name))
            except (ProcessLookupError, psutil.Error):
                continue
        return found


def stack_environment(
    *,
    workdir: Path,
    dags_folder: Path,
    database_url: str,
    broker_url: str,
    api_port: int,
    queue: str,
    extra_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of every process: inherited, minus any Airflow settings, plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    sync_url = database_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    env.update(
        {
            "AIRFLOW_HOME": str(workdir / "airflow_home"),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sync_url,
            "AIRFLOW__CELERY__BROKER_URL": broker_url,
            # Explicit +psycopg2: under SQLAlchemy 2.1 a bare postgresql:// means psycopg 3,
            # and the worker then dies while runs sit in "queued".
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{sync_url}",
            # A private queue, so a worker of another test run on the same Redis DB
            # cannot take our tasks (nor we theirs).
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
            # The first Execution API call on a cold api-server can exceed the 5 s default.
            "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "30",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(64),
            "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(workdir / "task_logs"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra_env or {})
    return env


@contextmanager
def celery_stack(
    *,
    workdir: Path,
    dags_folder: Path,
    database_url: str,
    redis_url: str,
    redis_db: int = 14,
    concurrency: int = 2,
    extra_env: Mapping[str, str] | None = None,
    startup_timeout: float = 180.0,
) -> Iterator[CeleryStack]:
    """Migrate the metadata DB, start the four processes, yield once all are ready."""
    require_celery_dependencies()
    port = free_port()
    queue = f"hub_test_{uuid.uuid4().hex[:10]}"
    env = stack_environment(
        workdir=workdir,
        dags_folder=dags_folder,
        database_url=database_url,
        broker_url=with_redis_db(redis_url, redis_db),
        api_port=port,
        queue=queue,
        extra_env=extra_env,
    )
    stack = CeleryStack(
        env=env,
        workdir=workdir,
        api_url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        queue=queue,
    )
    with ExitStack() as cleanup:
        cleanup.callback(stack.stop_all)
        stack.airflow("db", "migrate", timeout=300)
        stack.start("api-server", "api-server", "--host", "127.0.0.1", "--port", str(port),
                    "--workers", "1")  # fmt: skip
        stack.start("scheduler", "scheduler")
        stack.start("dag-processor", "dag-processor")
        stack.start("worker", "celery", "worker", "--skip-serve-logs",
                    "--concurrency", str(concurrency), "--queues", queue,
                    "--celery-hostname", f"{queue}@%h")  # fmt: skip
        stack.wait_until("the api-server to be healthy", stack.api_healthy, startup_timeout)
        stack.wait_until("the Celery worker to be ready", stack.worker_ready, startup_timeout)
        yield stack
