"""The embedded landscape: six seeded systems, the SFTP server, partners, people, a state store."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from hub.edi.partner import PARTNERS_DIR
from hub.embedded import RunningSystem, reset_database, running_systems, seed_systems
from hub.flows.workspace import DEFAULT_FLOWS, DEFAULT_MAPPINGS, DEFAULT_PROFILES, Workspace
from hub.landscape.environ import system_environ
from hub.landscape.mailboxes import PartnerMailbox, open_mailboxes
from hub.landscape.retail import link_partner_customer, partner_customer, retail_orders
from hub.landscape.simulators import RetailCustomerActor, partner_actors, staff_actors
from hub.processes.framework import ProcessContext, process_context
from hub.store import make_engine, make_session_factory, migrate
from reference.actors.base import Actor
from reference.edi_partner.supplier import Behaviour
from reference.registry import SYSTEMS
from reference.seed.world import World
from reference.sftp import EmbeddedSftpServer

log = logging.getLogger(__name__)

SFTP_PORT = 2222  # the embedded SFTP server's documented port (`hub up`)


@dataclass
class Landscape:
    """What `embedded_landscape` runs, and helpers to point the hub at it."""

    data_dir: Path
    world: World
    systems: dict[str, RunningSystem]
    environ: dict[str, str]
    store_url: str
    sessions: sessionmaker[Session]
    partners_dir: Path
    sftp: EmbeddedSftpServer | None = None
    mailboxes: dict[str, PartnerMailbox] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    profiles: Path = DEFAULT_PROFILES
    mappings: Path = DEFAULT_MAPPINGS

    def url(self, system: str) -> str:
        """Base URL of a running system, e.g. ``landscape.url("oms")``."""
        return self.systems[system].base_url

    @contextmanager
    def process_context(self, run_key: str, **kwargs: Any) -> Iterator[ProcessContext]:
        """A ProcessContext on this landscape (its clients closed on exit)."""
        kwargs.setdefault("partners", self.partners_dir)
        kwargs.setdefault("data_dir", self.data_dir)
        kwargs.setdefault("mappings", self.mappings)
        with process_context(
            self.sessions,
            run_key=run_key,
            profiles=self.profiles,
            environ=self.environ,
            **kwargs,
        ) as ctx:
            yield ctx

    def workspace(self, flows: Path = DEFAULT_FLOWS) -> Workspace:
        """A flow workspace reading this landscape's environ."""
        return Workspace(
            flows=flows, profiles=self.profiles, mappings=self.mappings, environ=self.environ
        )

    def retail_customers(self) -> dict[str, RetailCustomerActor]:
        """The retail partners' desks, by partner id."""
        return {k: a for k, a in self.actors.items() if isinstance(a, RetailCustomerActor)}

    def drop_retail_orders(self, per_partner: int) -> dict[str, list[str]]:
        """Each retail partner drops ``per_partner`` orders (the same ones for the same seed)."""
        dropped = {}
        for partner_id, desk in sorted(self.retail_customers().items()):
            orders = retail_orders(self.world, partner_id, per_partner)
            dropped[partner_id] = desk.send_orders(orders)
        return dropped

    def stop_system(self, name: str) -> None:
        """Stop one reference system now (to show what the hub does when one is down)."""
        self.systems[name].served.stop()


def _fresh_store(data_dir: Path) -> str:
    url = f"sqlite:///{(data_dir / 'hub.db').resolve()}"
    reset_database(url)
    migrate.upgrade(url)
    return url


def _fresh_sftp_folder(folder: Path) -> None:
    """Forget earlier mailboxes and accounts but keep the host key, so its pin stays valid."""
    shutil.rmtree(folder / "home", ignore_errors=True)
    (folder / "users.json").unlink(missing_ok=True)


def _stop_actor(actor: Actor) -> None:
    actor.stop()
    close = getattr(actor, "close", None)
    if callable(close):
        close()


@contextmanager
def embedded_landscape(
    data_dir: Path,
    *,
    world: World,
    fixed_ports: bool = False,
    actors: bool = True,
    partners: bool = True,
    partners_source: Path = PARTNERS_DIR,
    supplier_behaviours: Mapping[str, Behaviour] | None = None,
    actor_interval: float = 0.1,
    systems: tuple[str, ...] = tuple(SYSTEMS),
) -> Iterator[Landscape]:
    """Start the whole demo landscape under ``data_dir``; stop everything on exit.

    Every start is fresh and deterministic: the systems are reseeded from ``world``, the
    state store is recreated and migrated, partner mailboxes are empty. Keys (the SFTP
    host key, the hub's and each partner's) are kept under ``data_dir`` across starts.
    ``fixed_ports`` puts the systems on their documented ports and the SFTP server on
    2222; otherwise everything listens on free loopback ports. ``actors`` starts the
    warehouse staff and the approvers, ``partners`` the SFTP server and the partner
    simulators (suppliers answering POs, retail customers collecting their answers).
    """
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        seed_systems(systems, data_dir, world)
        store_url = _fresh_store(data_dir)
        engine = make_engine(store_url)
        stack.callback(engine.dispose)
        running = stack.enter_context(
            running_systems(systems, data_dir, world=world, seed_new=False, fixed_ports=fixed_ports)
        )
        by_name = {s.spec.name: s for s in running}
        partners_dir = data_dir / "partners"
        environ = system_environ({n: s.base_url for n, s in by_name.items()})
        environ |= {
            "HUB_DATA_DIR": str(data_dir),
            "HUB_DATABASE_URL": store_url,
            "HUB_PARTNERS_DIR": str(partners_dir if partners else partners_source),
        }
        landscape = Landscape(
            data_dir=data_dir,
            world=world,
            systems=by_name,
            environ=environ,
            store_url=store_url,
            sessions=make_session_factory(engine),
            partners_dir=partners_dir if partners else partners_source,
        )
        if partners:
            _start_partners(stack, landscape, fixed_ports, partners_source, supplier_behaviours)
        if actors:
            urls = {n: s.base_url for n, s in by_name.items()}
            landscape.actors.update(staff_actors(urls, environ, world, interval=actor_interval))
        for actor in landscape.actors.values():
            actor.start()
            stack.callback(_stop_actor, actor)
        log.info("embedded landscape up under %s", data_dir)
        yield landscape


def _start_partners(
    stack: ExitStack,
    landscape: Landscape,
    fixed_ports: bool,
    source: Path,
    behaviours: Mapping[str, Behaviour] | None,
) -> None:
    folder = landscape.data_dir / "sftp"
    _fresh_sftp_folder(folder)
    server = EmbeddedSftpServer(folder, port=SFTP_PORT if fixed_ports else 0)
    stack.enter_context(server)
    landscape.sftp = server
    landscape.mailboxes = open_mailboxes(
        server, source, landscape.data_dir / "keys", landscape.partners_dir
    )
    landscape.environ |= {
        "HUB_SFTP_HOST": server.host,
        "HUB_SFTP_PORT": str(server.port),
        "HUB_SFTP_HOST_KEY_FINGERPRINT": server.host_key_fingerprint,
    }
    customer = partner_customer(landscape.world)
    for partner_id, box in landscape.mailboxes.items():
        if box.profile.role == "retail_customer":
            link_partner_customer(landscape.sessions, partner_id, customer.number)
    landscape.actors.update(
        partner_actors(
            landscape.mailboxes,
            server.host,
            server.port,
            server.host_key_fingerprint,
            behaviours=behaviours,
            interval=0.2,
        )
    )
