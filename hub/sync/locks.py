"""Leases: at most one run per flow partition, and a stale holder's claim expires.

A lease is a row with an owner and an expiry. Taking it is an atomic insert-or-steal-if-
expired; each commit of a run renews it in the same transaction, and fails if another
owner holds it by then (a fencing check), so a run that stalled past its lease cannot
overwrite the state of the run that took over.

The owner is ``host:pid:tag``. A lease whose owner ran on this host in a process that no
longer exists (killed, crashed) is taken over at once instead of after its expiry; for
holders elsewhere, ``hub sync unlock`` (`unlock`) releases a lease by hand.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.sync._dialect import insert_for
from hub.sync.errors import FlowLocked, LeaseLost
from hub.sync.tables import leases

log = logging.getLogger(__name__)


def new_owner() -> str:
    """A lease owner id naming the host and process, unique per run."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(
    session: Session, flow: str, partition: str, owner: str, now: datetime, ttl: timedelta
) -> None:
    """Take the lease for `owner`, or raise `FlowLocked` while someone else's is valid."""
    insert = insert_for(session, leases).values(
        flow=flow, partition=partition, owner=owner, acquired_at=now, expires_at=now + ttl
    )
    session.execute(insert.on_conflict_do_nothing())
    # Steal only an expired lease; ours is simply renewed.
    session.execute(
        update(leases)
        .where(
            leases.c.flow == flow,
            leases.c.partition == partition,
            (leases.c.expires_at < now) | (leases.c.owner == owner),
        )
        .values(owner=owner, acquired_at=now, expires_at=now + ttl)
    )
    holder = _holder(session, flow, partition)
    if holder != owner and holder is not None and owner_is_dead(holder):
        # Compare-and-set on the dead owner: of two runs taking over, one wins.
        session.execute(
            update(leases)
            .where(leases.c.flow == flow, leases.c.partition == partition, leases.c.owner == holder)
            .values(owner=owner, acquired_at=now, expires_at=now + ttl)
        )
        log.warning(
            "flow %s [%s]: took over the lease of %s, a process that no longer runs",
            flow,
            partition,
            holder,
        )
        holder = _holder(session, flow, partition)
    if holder != owner:
        raise FlowLocked(flow, partition, holder or "nobody")


def _holder(session: Session, flow: str, partition: str) -> str | None:
    return session.execute(
        select(leases.c.owner).where(leases.c.flow == flow, leases.c.partition == partition)
    ).scalar_one_or_none()


def owner_is_dead(owner: str, *, host: str | None = None) -> bool:
    """True when `owner` names a process of this host that no longer exists.

    Owners of other hosts, or not of the ``host:pid:tag`` form, are never judged dead.
    """
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != (host or socket.gethostname()):
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, under another user
    return False


def renew(
    session: Session, flow: str, partition: str, owner: str, now: datetime, ttl: timedelta
) -> None:
    """Extend the lease in the caller's transaction; `LeaseLost` if another owner has it."""
    result = session.execute(
        update(leases)
        .where(leases.c.flow == flow, leases.c.partition == partition, leases.c.owner == owner)
        .values(expires_at=now + ttl)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise LeaseLost(f"flow {flow} [{partition}]: lease taken over by another run")


def check_held(session: Session, flow: str, partition: str, owner: str) -> None:
    """`LeaseLost` unless `owner` still holds the lease (a fence that does not extend it)."""
    holder = session.execute(
        select(leases.c.owner).where(leases.c.flow == flow, leases.c.partition == partition)
    ).scalar_one_or_none()
    if holder != owner:
        raise LeaseLost(f"flow {flow} [{partition}]: lease taken over by another run")


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease as `hub sync unlock` shows it."""

    flow: str
    partition: str
    owner: str
    acquired_at: datetime
    expires_at: datetime


def leases_of(session: Session, flow: str, partition: str | None = None) -> list[Lease]:
    """The leases held on a flow (one partition, or all of them and its replays)."""
    query = select(leases).where(leases.c.flow == flow)
    if partition is not None:
        query = query.where(leases.c.partition == partition)
    rows = session.execute(query.order_by(leases.c.partition)).mappings()
    return [
        Lease(r["flow"], r["partition"], r["owner"], r["acquired_at"], r["expires_at"])
        for r in rows
    ]


def unlock(session: Session, flow: str, partition: str | None = None) -> list[Lease]:
    """Release leases whatever their owner (the caller commits); returns what was released.

    For a holder this host cannot judge (another host, a container) that is known to be
    gone. Should it still be running, its next commit fails with `LeaseLost`.
    """
    held = leases_of(session, flow, partition)
    for lease in held:
        session.execute(
            leases.delete().where(
                leases.c.flow == lease.flow,
                leases.c.partition == lease.partition,
                leases.c.owner == lease.owner,
            )
        )
    return held


def release(session: Session, flow: str, partition: str, owner: str) -> None:
    """Give the lease up (only if still ours)."""
    session.execute(
        leases.delete().where(
            leases.c.flow == flow, leases.c.partition == partition, leases.c.owner == owner
        )
    )
