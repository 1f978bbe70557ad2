"""What every reference system declares about itself, for the runner and the README."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reference.seed.world import World


@dataclass(frozen=True)
class SystemSpec:
    """A reference system: how to build its app, seed it, and reach it."""

    name: str
    title: str
    default_port: int
    protocol: str
    auth: str
    # Demo credentials, printed by `hub systems up`; each may be overridden by environment.
    credentials: dict[str, str]
    # create_app(db_url) -> ASGI app; the app creates its own tables on startup.
    create_app: Callable[[str], Any]
    # seed(db_url, world) loads the world's slice for this system in its native shape.
    seed: Callable[[str, World], None]
    docs_path: str = "/docs"
    health_path: str = "/health"
    extra: dict[str, str] = field(default_factory=dict)
