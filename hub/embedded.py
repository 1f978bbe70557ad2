"""Run the built-in reference systems inside this process, on loopback.

Used by `hub systems up`, `hub demo` and the end-to-end tests. The hub still reaches each
system only through its public API: starting them here is a convenience of deployment,
not a shortcut around the network.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from reference.kit.server import ServedApp, serve
from reference.kit.spec import SystemSpec
from reference.registry import SYSTEMS, get_spec
from reference.seed.world import World


@dataclass(frozen=True)
class RunningSystem:
    spec: SystemSpec
    served: ServedApp
    database_url: str
    seeded: bool

    @property
    def base_url(self) -> str:
        return self.served.base_url


def parse_only(only: str | None) -> list[str]:
    """``"crm,erp"`` -> ``["crm", "erp"]``, checked against the known systems."""
    if not only:
        return list(SYSTEMS)
    names = [n.strip().lower() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(SYSTEMS)}")
    return names


def reference_dir(data_dir: Path) -> Path:
    return Path(os.environ.get("REF_DATA_DIR", data_dir / "reference"))


def database_url(name: str, data_dir: Path) -> str:
    """The system's own database: REF_<NAME>_DATABASE_URL, else a SQLite file."""
    override = os.environ.get(f"REF_{name.upper()}_DATABASE_URL")
    if override:
        return override
    folder = reference_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'{name}.db'}"


def _is_new(url: str) -> bool:
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


def reset_database(url: str) -> None:
    """Remove a SQLite database file (and its WAL files) so the next seed starts clean."""
    if not url.startswith("sqlite:///"):
        return
    path = Path(url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def seed_systems(names: Iterable[str], data_dir: Path, world: World) -> list[str]:
    """Seed each named system into a fresh database from ``world``; returns the names."""
    done = []
    for name in names:
        url = database_url(name, data_dir)
        reset_database(url)
        get_spec(name).seed(url, world)
        done.append(name)
    return done


def wait_healthy(system: RunningSystem, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    url = system.base_url + system.spec.health_path
    last: str = "no answer"
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(0.05)
    raise TimeoutError(f"{system.spec.name} not healthy at {url} after {timeout}s ({last})")


@contextmanager
def running_systems(
    names: Iterable[str],
    data_dir: Path,
    *,
    world: World | None = None,
    seed_new: bool = True,
    fixed_ports: bool = True,
    port_offset: int = 0,
) -> Iterator[list[RunningSystem]]:
    """Start the named systems (seeding new databases), yield them, stop them on exit.

    With ``fixed_ports`` each system listens on its documented port plus ``port_offset``;
    otherwise on any free port.
    """
    world = world or World()
    started: list[RunningSystem] = []
    try:
        for name in names:
            spec = get_spec(name)
            url = database_url(name, data_dir)
            seeded = seed_new and _is_new(url)
            if seeded:
                spec.seed(url, world)
            port = SYSTEMS[name][1] + port_offset if fixed_ports else 0
            served = serve(spec.create_app(url), name=name, port=port)
            started.append(RunningSystem(spec, served, url, seeded))
        for system in started:
            wait_healthy(system)
        yield started
    finally:
        for system in reversed(started):
            system.served.stop()
