"""Shared helpers for the master-data flow tests: reference systems, state store, runs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.profile import load_profile
from connectors.rest import connector_from_profile
from hub.flows.workspace import Workspace
from hub.store import make_engine, make_session_factory, migrate
from hub.sync import RunOptions, RunResult, run_flow
from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "connectors" / "profiles"

# The demo credentials of the reference systems, as the profiles' env references read them.
SECRETS = {
    "HUB_CRM_CLIENT_ID": "hub",
    "HUB_CRM_CLIENT_SECRET": "crm-demo-secret",
    "HUB_ERP_USER": "hub",
    "HUB_ERP_PASSWORD": "erp-demo-secret",
    "HUB_OMS_API_KEY": "oms-demo-key",
    "HUB_WMS_USER": "hub",
    "HUB_WMS_PASSWORD": "wms-demo-secret",
    "HUB_SRM_API_KEY": "srm-demo-key",
}


def later() -> datetime:
    """A run clock a little ahead, so records written a moment ago are not above the cap."""
    return datetime.now(UTC) + timedelta(seconds=30)


@dataclass
class Landscape:
    """Running reference systems, a migrated state store, and helpers to run flows."""

    world: World
    served: dict[str, ServedApp]
    env: dict[str, str]
    sessions: sessionmaker[Session]
    data_dir: Path
    closers: list[Any] = field(default_factory=list)

    @property
    def workspace(self) -> Workspace:
        return Workspace(environ=self.env)

    def run(self, flow: str, **options: Any) -> RunResult:
        """Run a flow of the project's flows folder once."""
        index_only = options.pop("index_only", False)
        options.setdefault("clock", later)
        space = self.workspace
        built = space.build(space.flow(flow))
        try:
            return run_flow(
                self.sessions, built.context, RunOptions(**options), index_only=index_only
            )
        finally:
            built.close()

    def records(self, profile: str, entity: str) -> Iterator[dict[str, Any]]:
        """Every record of an entity, read through its profile."""
        loaded = load_profile(PROFILES / f"{profile}.yaml", environ=self.env)
        with connector_from_profile(loaded, environ=self.env) as connector:
            assert connector.source is not None
            for batch in connector.source.read(entity):
                yield from batch.records

    def client(self, profile: str) -> Any:
        """The protocol client of a system (RestClient or SoapClient), for direct calls."""
        loaded = load_profile(PROFILES / f"{profile}.yaml", environ=self.env)
        connector = connector_from_profile(loaded, environ=self.env)
        self.closers.append(connector.close)
        sink = connector.sink if connector.sink is not None else connector.source
        return sink.client  # type: ignore[union-attr]

    def close(self) -> None:
        for closer in self.closers:
            closer()
        for app in self.served.values():
            app.stop()


def start_landscape(tmp: Path, systems: list[str]) -> Landscape:
    """Seed and start `systems` on free loopback ports, and migrate a fresh state store."""
    world = World(seed=42, size="demo")
    served: dict[str, ServedApp] = {}
    env = dict(SECRETS)
    try:
        for name in systems:
            spec = get_spec(name)
            url = f"sqlite:///{tmp / f'{name}.db'}"
            spec.seed(url, world)
            served[name] = serve(spec.create_app(url), name=name, port=0)
            env[f"HUB_{name.upper()}_URL"] = served[name].base_url
    except BaseException:
        for app in served.values():
            app.stop()
        raise
    store = tmp / "hub"
    store.mkdir()
    url = f"sqlite:///{store / 'hub.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    return Landscape(world, served, env, make_session_factory(engine), store, [engine.dispose])
