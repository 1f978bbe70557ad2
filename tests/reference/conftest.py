"""Start reference systems on free loopback ports with a seeded demo database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World

StartSystem = Callable[..., ServedApp]


@pytest.fixture(scope="session")
def demo_world() -> World:
    return World(seed=42, size="demo")


@pytest.fixture
def start_system(tmp_path: Path, demo_world: World) -> Iterator[StartSystem]:
    """Factory: ``start_system("crm", seeded=True)`` -> a running system on a free port."""
    running: list[ServedApp] = []

    def start(name: str, *, seeded: bool = True) -> ServedApp:
        spec = get_spec(name)
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
        if seeded:
            spec.seed(url, demo_world)
        served = serve(spec.create_app(url), name=name, port=0)
        running.append(served)
        return served

    yield start
    for served in running:
        served.stop()
