"""Seed and serve reference systems in a process of their own, so a sync can be killed alone.

Run as ``python tests/sync_proof/systems.py DATA_DIR --count N --only crm,erp``: seeds
a world of N customers (names carry the index, as in the bench world, so tax ids and
names stay unique) into SQLite files under DATA_DIR, serves each system on a free
loopback port and prints one JSON line ``{"crm": "http://127.0.0.1:...", ...}``. It
serves until stdin closes or it is terminated.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from reference.kit.server import ServedApp, serve
from reference.registry import get_spec
from reference.seed.world import World


@dataclass
class CountedWorld(World):
    """A bench-style world (indexed names) with any number of customers."""

    count: int = 10_000
    size: str = "bench"

    @property
    def customer_count(self) -> int:
        return self.count


def database_url(data_dir: Path, name: str) -> str:
    """The SQLite URL of one reference system's database."""
    return f"sqlite:///{data_dir / f'{name}.db'}"


def seed(data_dir: Path, names: list[str], count: int, seed_number: int = 42) -> CountedWorld:
    """Seed `names` with a world of `count` customers."""
    world = CountedWorld(seed=seed_number, count=count)
    for name in names:
        get_spec(name).seed(database_url(data_dir, name), world)
    return world


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--only", default="crm,erp")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    names = args.only.split(",")
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if not args.no_seed:
        seed(args.data_dir, names, args.count)
    served: dict[str, ServedApp] = {}
    try:
        for name in names:
            app = get_spec(name).create_app(database_url(args.data_dir, name))
            served[name] = serve(app, name=name, port=0)
        sys.stdout.write(json.dumps({n: s.base_url for n, s in served.items()}) + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the parent closes our stdin (or kills us)
    finally:
        for app in served.values():
            app.stop()


if __name__ == "__main__":
    main()
