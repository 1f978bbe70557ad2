"""`hub up`: the landscape on its documented ports plus `airflow standalone` with the hub's DAGs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import requests
import typer
from rich.console import Console
from rich.table import Table

from hub.cli.signals import stop_on_signals

API_HOST = "127.0.0.1"
PASSWORDS_FILE = "simple_auth_manager_passwords.json.generated"


def standalone_command() -> list[str]:
    """``airflow standalone`` run by this interpreter (so the project's venv is used)."""
    return [sys.executable, "-m", "airflow", "standalone"]


def standalone_environ(
    hub_environ: Mapping[str, str],
    data_dir: Path,
    dags_dir: Path,
    *,
    port: int = 8080,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment of `airflow standalone`: its home, the DAGs, loopback API, connections.

    The landscape's ``HUB_*`` variables are passed as they are (the tasks' profiles read
    them) and also as ``AIRFLOW_CONN_<SYSTEM>`` connections, which the DAGs' tasks map onto
    the same variables (hub/airflow/connections.py).
    """
    from hub.landscape import airflow_connections

    home = data_dir / "airflow"
    env = os.environ if base is None else base
    # standalone starts its components as `airflow ...`: this interpreter's bin comes first.
    path = os.pathsep.join(p for p in (str(Path(sys.executable).parent), env.get("PATH")) if p)
    return {
        **env,
        **hub_environ,
        "PATH": path,
        **airflow_connections(hub_environ),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_dir),
        "AIRFLOW__API__HOST": API_HOST,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://{API_HOST}:{port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{API_HOST}:{port}/execution/",
    }


def wait_for_api(url: str, process: subprocess.Popen[bytes], timeout: float) -> bool:
    """True once ``url`` answers 200; False when Airflow exited or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(1)
    return False


def stop_group(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM Airflow's process group, SIGKILL it if it has not ended after ``timeout``."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)


def up(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where the landscape and Airflow live (default: HUB_DATA_DIR/up)."
    ),
    seed_number: int = typer.Option(42, "--seed", help="Seed of the demo world."),
    port: int = typer.Option(8080, "--port", help="Port of the Airflow UI and API (loopback)."),
) -> None:
    """Run the six systems, SFTP, partners and actors, and Airflow with the hub's DAGs."""
    from hub.landscape import embedded_landscape
    from hub.landscape.airflow import DAGS_DIR, dags_available
    from hub.settings import get_settings
    from reference.seed.world import World

    console = Console()
    stop_on_signals()
    if not dags_available():
        console.print("[red]error:[/] `hub up` needs dags/hub_*.py and apache-airflow installed")
        raise typer.Exit(code=2)
    folder = (data_dir or get_settings().data_dir / "up").resolve()
    world = World(seed=seed_number, size="demo")
    with embedded_landscape(folder, world=world, fixed_ports=True) as landscape:
        environ = standalone_environ(landscape.environ, folder, DAGS_DIR, port=port)
        home = Path(environ["AIRFLOW_HOME"])
        home.mkdir(parents=True, exist_ok=True)
        log_path = home / "standalone.log"
        table = Table(title="Embedded landscape")
        table.add_column("what")
        table.add_column("where")
        for name, system in sorted(landscape.systems.items()):
            table.add_row(name, system.base_url)
        if landscape.sftp is not None:
            table.add_row(
                "sftp",
                f"{landscape.sftp.host}:{landscape.sftp.port} "
                f"({landscape.sftp.host_key_fingerprint})",
            )
        table.add_row("state store", landscape.store_url)
        table.add_row("partner profiles", str(landscape.partners_dir))
        console.print(table)
        console.print(f"starting airflow standalone (log: {log_path}) ...")
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(  # noqa: S603 (argv is fixed: this interpreter, airflow)
                standalone_command(),
                env=environ,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as a whole
            )
        try:
            health = f"http://{API_HOST}:{port}/api/v2/monitor/health"
            if wait_for_api(health, process, timeout=180):
                console.print(f"[green]Airflow UI and API[/] http://{API_HOST}:{port}")
                console.print(f"user admin, password in {home / PASSWORDS_FILE}")
            else:
                console.print(f"[red]Airflow did not come up[/]; see {log_path}")
            console.print(
                "[yellow]note:[/] airflow standalone's log servers (8793, 8794) listen on all"
                " interfaces; run it on a trusted network. Ctrl-C stops everything."
            )
            while process.poll() is None:
                # Short sleeps, not one long wait(): a signal landing in another thread
                # only runs its handler once the main thread executes again.
                time.sleep(0.5)
            console.print(
                f"[red]airflow standalone exited[/] ({process.returncode}); see {log_path}"
            )
        except KeyboardInterrupt:
            console.print("stopping ...")
        finally:
            stop_group(process)
    console.print("stopped")
