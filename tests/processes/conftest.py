"""Shared fixtures for the process tests: six seeded reference systems, a state store, contexts.

The demo world is seeded once per session into a template folder; each ``landscape`` copies
those SQLite files, so every test module (or every ``start_landscape()`` call) starts from
the same fresh, seeded world at the cost of a file copy. The systems listen on free
loopback ports; ``environ`` carries their URLs and demo credentials under the ``HUB_``
names the profiles read.

Typical use::

    def test_something(landscape, make_context, start_actor):
        start_actor(MyActor(...))
        result = run_process(PROCESS, make_context("run-1"), wait_timeout=15)
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from hub.processes.framework import ProcessContext, process_context
from hub.store import make_engine, make_session_factory, migrate
from reference.actors.base import Actor
from reference.kit.server import ServedApp, serve
from reference.registry import SYSTEMS, get_spec
from reference.seed.world import World

ALL_SYSTEMS: tuple[str, ...] = tuple(SYSTEMS)


def demo_environ(served: dict[str, ServedApp]) -> dict[str, str]:
    """Each running system's URL and the demo credentials, under the HUB_ names."""
    crm, erp, oms = (get_spec(name).credentials for name in ("crm", "erp", "oms"))
    wms, srm, oa = (get_spec(name).credentials for name in ("wms", "srm", "oa"))
    environ = {f"HUB_{name.upper()}_URL": app.base_url for name, app in served.items()}
    environ |= {
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
    return environ


@dataclass
class Landscape:
    """Running reference systems, their environ, and a migrated state store."""

    world: World
    served: dict[str, ServedApp]
    environ: dict[str, str]
    sessions: sessionmaker[Session]
    store_url: str
    folder: Path
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def url(self, system: str) -> str:
        """Base URL of a running system, e.g. ``landscape.url("oa")``."""
        return self.served[system].base_url

    def credentials(self, system: str) -> dict[str, str]:
        """The system's demo credentials (its SPEC), e.g. the OA approver tokens."""
        return dict(get_spec(system).credentials)

    def context(self, run_key: str = "test-run", **kwargs: Any) -> ProcessContext:
        """A ProcessContext on this landscape; its clients close with the landscape."""
        stack = ExitStack()
        kwargs.setdefault("data_dir", self.folder / "hub-data")
        ctx = stack.enter_context(
            process_context(self.sessions, run_key=run_key, environ=self.environ, **kwargs)
        )
        self._closers.append(stack.close)
        return ctx

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()
        for app in self.served.values():
            app.stop()


@pytest.fixture(scope="session")
def world() -> World:
    return World(seed=42, size="demo")


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory, world: World) -> Path:
    """A folder of freshly seeded SQLite databases, one per system (copied, never served)."""
    folder = tmp_path_factory.mktemp("process-template")
    for name in ALL_SYSTEMS:
        get_spec(name).seed(f"sqlite:///{folder / f'{name}.db'}", world)
    return folder


def _copy_db(template: Path, name: str, folder: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        source = template / f"{name}.db{suffix}"
        if source.exists():
            shutil.copyfile(source, folder / source.name)
    return f"sqlite:///{folder / f'{name}.db'}"


def _start(
    template: Path, world: World, folder: Path, systems: tuple[str, ...] = ALL_SYSTEMS
) -> Landscape:
    folder.mkdir(parents=True, exist_ok=True)
    served: dict[str, ServedApp] = {}
    try:
        for name in systems:
            url = _copy_db(template, name, folder)
            served[name] = serve(get_spec(name).create_app(url), name=name, port=0)
    except BaseException:
        for app in served.values():
            app.stop()
        raise
    store_url = f"sqlite:///{folder / 'hub.db'}"
    migrate.upgrade(store_url)
    engine = make_engine(store_url)
    landscape = Landscape(
        world=world,
        served=served,
        environ=demo_environ(served),
        sessions=make_session_factory(engine),
        store_url=store_url,
        folder=folder,
    )
    landscape._closers.append(engine.dispose)
    return landscape


@pytest.fixture(scope="module")
def landscape(
    tmp_path_factory: pytest.TempPathFactory, seeded_template: Path, world: World
) -> Iterator[Landscape]:
    """The six systems, freshly seeded for this module, and a migrated state store."""
    running = _start(seeded_template, world, tmp_path_factory.mktemp("landscape"))
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def start_landscape(
    tmp_path: Path, seeded_template: Path, world: World
) -> Iterator[Callable[..., Landscape]]:
    """Factory for an isolated landscape of its own (fresh systems and store) in one test."""
    started: list[Landscape] = []

    def start(systems: tuple[str, ...] = ALL_SYSTEMS) -> Landscape:
        running = _start(seeded_template, world, tmp_path / f"landscape-{len(started)}", systems)
        started.append(running)
        return running

    yield start
    for running in started:
        running.close()


@pytest.fixture(scope="module")
def environ(landscape: Landscape) -> dict[str, str]:
    """URLs and demo credentials of the module's landscape, as the profiles read them."""
    return landscape.environ


@pytest.fixture(scope="module")
def sessions(landscape: Landscape) -> sessionmaker[Session]:
    """Sessions on the module's migrated state store."""
    return landscape.sessions


@pytest.fixture
def make_context(landscape: Landscape) -> Iterator[Callable[..., ProcessContext]]:
    """Factory: ``make_context("run-1", options={...})`` -> a ProcessContext on the landscape.

    Its clients are closed when the test ends.
    """
    with ExitStack() as stack:

        def make(run_key: str = "test-run", **kwargs: Any) -> ProcessContext:
            kwargs.setdefault("data_dir", landscape.folder / "hub-data")
            return stack.enter_context(
                process_context(
                    landscape.sessions, run_key=run_key, environ=landscape.environ, **kwargs
                )
            )

        yield make


@pytest.fixture
def start_actor() -> Iterator[Callable[[Actor], Actor]]:
    """Factory: ``start_actor(actor)`` starts it in its thread; stopped after the test."""
    running: list[Actor] = []

    def start(actor: Actor) -> Actor:
        running.append(actor.start())
        return actor

    yield start
    for actor in reversed(running):
        actor.stop()
