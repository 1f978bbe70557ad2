"""Shared helpers for the sync proofs: systems in their own process, tuned copies, checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from connectors.profile import load_profile
from connectors.rest import connector_from_profile
from hub.store import make_engine, make_session_factory, migrate
from hub.store.models import DeadLetter, Xref

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PROFILES = ROOT / "connectors" / "profiles"
FLOWS = ROOT / "flows"
MAPPINGS = ROOT / "mappings"

# The demo credentials of the reference systems, as the profiles' env references read them.
SECRETS = {
    "HUB_CRM_CLIENT_ID": "hub",
    "HUB_CRM_CLIENT_SECRET": "crm-demo-secret",
    "HUB_ERP_USER": "hub",
    "HUB_ERP_PASSWORD": "erp-demo-secret",
    "HUB_OMS_API_KEY": "oms-demo-key",
    "HUB_WMS_USER": "hub",
    "HUB_WMS_PASSWORD": "wms-demo-secret",
}


def tuned_profiles(dest: Path, changes: dict[str, dict[str, Any]]) -> Path:
    """Copies of the project's profiles into `dest`, each updated with its top-level `changes`.

    Copies, not checked-in files, so the proofs run against the profiles as they are today.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for source in PROFILES.glob("*.yaml"):
        data = yaml.safe_load(source.read_text())
        data.update(changes.get(data["name"], {}))
        (dest / source.name).write_text(yaml.safe_dump(data, sort_keys=False))
    return dest


def tuned_flows(dest: Path, changes: dict[str, dict[str, Any]]) -> Path:
    """Copies of the project's flow files into `dest`, each updated with its `changes`."""
    dest.mkdir(parents=True, exist_ok=True)
    for source in FLOWS.glob("*.yaml"):
        data = yaml.safe_load(source.read_text())
        data.pop("$schema", None)
        data.update(changes.get(data["name"], {}))
        (dest / source.name).write_text(yaml.safe_dump(data, sort_keys=False))
    return dest


# Loopback systems answer in milliseconds: the real profiles' throttles only slow the proofs.
FAST = {"rate_limit": {"requests_per_second": 5000, "burst": 500}}


@dataclass
class Systems:
    """Reference systems served by `systems.py` in a child process."""

    process: subprocess.Popen[str]
    urls: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_systems(
    data_dir: Path, count: int, only: str = "crm,erp", *, seed: bool = True
) -> Systems:
    """Seed (unless told not to) and serve `only` in a child process; wait for its URLs."""
    command = [sys.executable, str(HERE / "systems.py"), str(data_dir), "--count", str(count)]
    command += ["--only", only] + ([] if seed else ["--no-seed"])
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait()
        raise RuntimeError(f"systems.py exited with {process.returncode}")
    urls: dict[str, str] = json.loads(line)
    env = {f"HUB_{name.upper()}_URL": url for name, url in urls.items()}
    return Systems(process, urls, env)


@dataclass
class Hub:
    """Environment of a hub process: state store, tuned folders, system URLs, secrets."""

    home: Path
    env: dict[str, str]

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.home / 'hub.db'}"

    def with_env(self, **changes: str) -> Hub:
        """The same hub with some environment variables changed."""
        return Hub(self.home, self.env | changes)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "hub", *args]

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run `hub ARGS` to completion in a child process."""
        return subprocess.run(
            self.command(*args),
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """Start `hub ARGS` without waiting (to be killed)."""
        return subprocess.Popen(
            self.command(*args),
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def open_letters(self, flow: str) -> list[DeadLetter]:
        engine = make_engine(self.db_url)
        try:
            with make_session_factory(engine)() as session:
                query = select(DeadLetter).where(DeadLetter.flow == flow)
                return list(session.scalars(query.where(DeadLetter.status == "open")))
        finally:
            engine.dispose()

    def xref_counts(self, entity: str, system: str) -> tuple[int, int]:
        """(xref rows, distinct system ids) of one system's records of a canonical entity."""
        engine = make_engine(self.db_url)
        try:
            with make_session_factory(engine)() as session:
                where = (Xref.entity == entity, Xref.system == system)
                rows = session.scalar(select(func.count()).select_from(Xref).where(*where))
                ids = session.scalar(
                    select(func.count(func.distinct(Xref.system_id))).where(*where)
                )
                return int(rows or 0), int(ids or 0)
        finally:
            engine.dispose()


def make_hub(home: Path, systems: Systems, profiles: Path, flows: Path) -> Hub:
    """A migrated state store in `home` and the environment a `hub` child process needs."""
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **SECRETS, **systems.env}
    env |= {
        "HUB_DATA_DIR": str(home),
        "HUB_PROFILES_DIR": str(profiles),
        "HUB_FLOWS_DIR": str(flows),
        "HUB_MAPPINGS_DIR": str(MAPPINGS),
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "200",
    }
    env.pop("HUB_DATABASE_URL", None)
    hub = Hub(home, env)
    migrate.upgrade(hub.db_url)
    return hub


def records(hub: Hub, profile: str, entity: str) -> Iterator[dict[str, Any]]:
    """Every record of an entity, read through its (tuned) profile."""
    profiles = Path(hub.env["HUB_PROFILES_DIR"])
    loaded = load_profile(profiles / f"{profile}.yaml", environ=hub.env)
    with connector_from_profile(loaded, environ=hub.env) as connector:
        assert connector.source is not None
        for batch in connector.source.read(entity):
            yield from batch.records


def duplicates(values: Iterator[str | None]) -> dict[str, int]:
    """Values that occur more than once, with their counts."""
    counts = Counter(v for v in values if v)
    return {v: n for v, n in counts.items() if n > 1}


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """fn(*args, **kwargs) and the seconds it took."""
    began = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - began


@dataclass
class Local:
    """Reference systems served in this process and a hub run in it too (fast proofs)."""

    world: Any
    served: dict[str, Any]
    env: dict[str, str]
    home: Path
    profiles: Path
    flows: Path
    mappings: Path = MAPPINGS
    closers: list[Any] = field(default_factory=list)

    @property
    def hub(self) -> Hub:
        """The hub environment of this landscape, for `hub` child processes and checks."""
        env = {**os.environ, **self.env, "HUB_DATA_DIR": str(self.home), "PYTHONPATH": str(ROOT)}
        env |= {"HUB_PROFILES_DIR": str(self.profiles), "HUB_FLOWS_DIR": str(self.flows)}
        env |= {"HUB_MAPPINGS_DIR": str(self.mappings), "COLUMNS": "200"}
        env.pop("HUB_DATABASE_URL", None)
        return Hub(self.home, env)

    def run(self, flow: str, **options: Any) -> Any:
        """Run a flow once in this process (run clock a little ahead, as the flow tests do)."""
        from datetime import UTC, datetime, timedelta

        from hub.flows.workspace import Workspace
        from hub.sync import RunOptions, run_flow

        index_only = options.pop("index_only", False)
        options.setdefault("clock", lambda: datetime.now(UTC) + timedelta(seconds=30))
        space = Workspace(
            flows=self.flows, profiles=self.profiles, mappings=self.mappings, environ=self.env
        )
        built = space.build(space.flow(flow))
        engine = make_engine(self.hub.db_url)
        try:
            sessions = make_session_factory(engine)
            return run_flow(sessions, built.context, RunOptions(**options), index_only=index_only)
        finally:
            built.close()
            engine.dispose()

    def client(self, profile: str) -> Any:
        """The REST or SOAP client of a system, for direct calls (closed with `close`)."""
        loaded = load_profile(self.profiles / f"{profile}.yaml", environ=self.env)
        connector = connector_from_profile(loaded, environ=self.env)
        self.closers.append(connector.close)
        sink = connector.sink if connector.sink is not None else connector.source
        return sink.client  # type: ignore[union-attr]

    def close(self) -> None:
        for closer in self.closers:
            closer()
        for app in self.served.values():
            app.stop()


def start_local(tmp: Path, names: list[str], count: int = 200) -> Local:
    """Seed `names` with `count` customers, serve them here, migrate a fresh state store."""
    from systems import database_url, seed

    from reference.kit.server import serve
    from reference.registry import get_spec

    world = seed(tmp, names, count)
    served: dict[str, Any] = {}
    env = dict(SECRETS)
    try:
        for name in names:
            app = get_spec(name).create_app(database_url(tmp, name))
            served[name] = serve(app, name=name, port=0)
            env[f"HUB_{name.upper()}_URL"] = served[name].base_url
    except BaseException:
        for app in served.values():
            app.stop()
        raise
    home = tmp / "hub"
    home.mkdir()
    migrate.upgrade(f"sqlite:///{home / 'hub.db'}")
    profiles = tuned_profiles(tmp / "profiles", {n: FAST for n in names})
    flows = tuned_flows(tmp / "flows", {})
    return Local(world, served, env, home, profiles, flows)
