"""The people and partners of the landscape as actors: warehouse, approvers, EDI partners."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from canonical import Order
from hub.edi.partner import PartnerProfile
from hub.landscape.mailboxes import PartnerMailbox
from reference.actors.approvers import approver_team
from reference.actors.base import Actor
from reference.actors.warehouse import WarehouseStaff
from reference.edi_partner import Identity, Mailbox, RetailCustomer, SupplierSimulator
from reference.edi_partner.supplier import Behaviour
from reference.seed.world import World


def partner_identity(profile: PartnerProfile) -> Identity:
    """How the partner's own EDI software names itself and the hub on its envelopes."""
    return Identity(
        standard=profile.standard,
        own_id=profile.theirs.id,
        hub_id=profile.ours.id,
        own_qualifier=profile.theirs.qualifier,
        hub_qualifier=profile.ours.qualifier,
        version=profile.version,
    )


def partner_mailbox(box: PartnerMailbox, host: str, port: int, fingerprint: str) -> Mailbox:
    """The partner's own SFTP client on its mailbox (its login, its key, the pinned host)."""
    return Mailbox(host, port, box.partner_user, box.partner_key, fingerprint)


class SupplierActor(Actor):
    """A supplier's EDI desk: each round answers the purchase orders in its mailbox."""

    def __init__(self, simulator: SupplierSimulator, name: str, interval: float) -> None:
        super().__init__(interval=interval, name=name)
        self.simulator = simulator

    def step(self) -> int:
        return len(self.simulator.run_once())

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        self.simulator.mailbox.close()


class RetailCustomerActor(Actor):
    """A retail customer's EDI desk: drops its orders, collects and acknowledges answers."""

    def __init__(self, customer: RetailCustomer, name: str, interval: float) -> None:
        super().__init__(interval=interval, name=name)
        self.customer = customer
        self._desk = threading.Lock()  # one SFTP conversation at a time

    def send_orders(self, orders: Iterable[Order]) -> list[str]:
        """Drop ``orders`` (850 / ORDERS) into the hub's inbox now; the remote file names."""
        with self._desk:
            return [self.customer.send_order(order) for order in orders]

    def step(self) -> int:
        with self._desk:
            return len(self.customer.collect())

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        self.customer.mailbox.close()


def partner_actors(
    mailboxes: Mapping[str, PartnerMailbox],
    host: str,
    port: int,
    fingerprint: str,
    *,
    behaviours: Mapping[str, Behaviour] | None = None,
    interval: float = 0.2,
) -> dict[str, Actor]:
    """One actor per partner: suppliers answer POs, retail customers collect their answers."""
    actors: dict[str, Actor] = {}
    for partner_id, box in mailboxes.items():
        mailbox = partner_mailbox(box, host, port, fingerprint)
        identity = partner_identity(box.profile)
        if box.profile.role == "supplier":
            behaviour = (behaviours or {}).get(partner_id, "full")
            simulator = SupplierSimulator(mailbox, identity, behaviour=behaviour)
            actors[partner_id] = SupplierActor(simulator, partner_id, interval)
        else:
            customer = RetailCustomer(mailbox, identity)
            actors[partner_id] = RetailCustomerActor(customer, partner_id, interval)
    return actors


def staff_actors(
    urls: Mapping[str, str], environ: Mapping[str, str], world: World, *, interval: float = 0.1
) -> dict[str, Actor]:
    """Warehouse staff (WMS: ship and receive) and the approvers (OA), for those running."""
    actors: dict[str, Actor] = {}
    if "wms" in urls:
        actors["warehouse"] = WarehouseStaff(
            urls["wms"], environ["HUB_WMS_USER"], environ["HUB_WMS_PASSWORD"], interval=interval
        )
    if "oa" in urls:
        actors["approvers"] = approver_team(urls["oa"], world, interval=interval)
    return actors
