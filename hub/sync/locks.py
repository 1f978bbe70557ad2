"""Leases: at most one run per flow partition, and a stale holder's claim expires.

A lease is a row with an owner and an expiry. Taking it is an atomic insert-or-steal-if-
expired; each commit of a run renews it in the same transaction, and fails if another
owner holds it by then (a fencing check), so a run that stalled past its lease cannot
overwrite the state of the run that took over.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.sync._dialect import insert_for
from hub.sync.errors import FlowLocked, LeaseLost
from hub.sync.tables import leases


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
    holder = session.execute(
        select(leases.c.owner).where(leases.c.flow == flow, leases.c.partition == partition)
    ).scalar_one()
    if holder != owner:
        raise FlowLocked(flow, partition, holder)


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


def release(session: Session, flow: str, partition: str, owner: str) -> None:
    """Give the lease up (only if still ours)."""
    session.execute(
        leases.delete().where(
            leases.c.flow == flow, leases.c.partition == partition, leases.c.owner == owner
        )
    )
