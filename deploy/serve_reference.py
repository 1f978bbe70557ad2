"""Serve one reference system in its own container: seed a new database, then run uvicorn.

`hub systems up` binds loopback only, which other containers cannot reach; in the compose
deployment each system runs in its own container and listens on the container's network
(``--host 0.0.0.0``), while docker-compose.yml publishes the port on the host's loopback.

    python deploy/serve_reference.py crm --host 0.0.0.0
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import uvicorn

from hub.embedded import database_url
from hub.settings import get_settings
from reference.registry import SYSTEMS, get_spec
from reference.seed.world import World

log = logging.getLogger("deploy.serve_reference")


def sqlite_is_new(url: str) -> bool:
    """True for a SQLite URL whose file does not exist yet (other databases: never)."""
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=sorted(SYSTEMS), help="which reference system")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=None, help="default: the documented port")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo world")
    parser.add_argument("--no-seed", action="store_true", help="never seed demo data")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Seed the system's database if it is new, then serve its API until stopped."""
    args = parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    spec = get_spec(args.system)
    url = database_url(args.system, settings.data_dir)
    if not args.no_seed and sqlite_is_new(url):
        log.info("seeding %s with the demo world (seed %d)", args.system, args.seed)
        spec.seed(url, World(seed=args.seed))
    port = args.port if args.port is not None else SYSTEMS[args.system][1]
    log.info("serving %s on %s:%d", args.system, args.host, port)
    uvicorn.run(
        spec.create_app(url),
        host=args.host,
        port=port,
        log_level=settings.log_level.lower(),
        access_log=False,
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
