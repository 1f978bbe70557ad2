"""Write intents: no create is sent twice because a run died before recording it.

Before a batch is delivered, one intent per planned create (a record the target has no
id for) is committed. The batch's commit closes them. An intent still open when the
next run starts names a create that may have landed unrecorded (the process was killed,
or the answer was lost to a timeout): that run first reads the target's records changed
since the oldest intent, maps them back to canonical form and finds the created ones by
the flow's match rules, links them in xref, and closes the intents. The retry is then
an update of the record the target already has, not a second create.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from connectors.paths import MISSING, lookup
from hub.store.intents import PlannedCreate, add_intents, close_intents, open_intents
from hub.sync.context import FlowContext
from hub.sync.items import Item, Outcome
from hub.sync.keys import natural_keys
from hub.sync.protocols import Rejected
from hub.sync.targets import target_reader
from hub.sync.xrefs import canonical_ids, link_many

log = logging.getLogger(__name__)

# Beyond the flow's own skew margin: the target stamps changes with its own clock.
READ_BACK_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class OpenIntent:
    """An open intent as the resolver needs it."""

    canonical_id: str
    keys: dict[str, list[str]]
    created_at: datetime


def creates_of(items: Sequence[Item]) -> list[Item]:
    """The planned creates of a batch: writes of records the target has no id for."""
    return [
        item
        for item in items
        if item.outcome is Outcome.WRITE
        and item.target_id is None
        and not item.tombstone
        and item.canonical_id is not None
        and item.idempotency_key is not None
    ]


def open_for(
    session: Session, ctx: FlowContext, partition: str, creates: Sequence[Item], now: datetime
) -> None:
    """Open an intent for each planned create (the caller commits before delivering)."""
    planned = []
    for item in creates:
        assert item.canonical_id is not None
        assert item.idempotency_key is not None
        keys = {rule: sorted(values) for rule, values in item.keys.items() if values}
        planned.append(PlannedCreate(item.canonical_id, item.idempotency_key, keys))
        item.intent = True
    add_intents(
        session,
        flow=ctx.flow.name,
        partition=partition,
        entity=ctx.entity,
        target_system=ctx.flow.target.system,
        target_entity=ctx.flow.target.entity,
        creates=planned,
        now=now,
    )


def close_settled(session: Session, flow: str, partition: str, items: Sequence[Item]) -> None:
    """Close the intents of creates that are over (written or refused); pending ones stay."""
    settled = [
        item.canonical_id
        for item in items
        if item.intent and item.canonical_id is not None and item.outcome is not Outcome.PENDING
    ]
    if settled:
        close_intents(session, flow, partition, settled)


def load_open(session: Session, flow: str, partition: str) -> list[OpenIntent]:
    """The open intents of a flow partition, oldest first."""
    return [
        OpenIntent(
            row.canonical_id,
            {str(k): [str(v) for v in vs] for k, vs in (row.keys or {}).items()},
            row.created_at,
        )
        for row in open_intents(session, flow, partition)
    ]


class IntentResolver:
    """Finds in the target the records that open intents may have created."""

    def __init__(self, ctx: FlowContext, intents: Sequence[OpenIntent]) -> None:
        self.ctx = ctx
        self.flow = ctx.flow
        self.intents = intents
        self._by_key: dict[tuple[str, str], set[str]] = {}
        for intent in intents:
            for rule, values in intent.keys.items():
                for value in values:
                    self._by_key.setdefault((rule, value), set()).add(intent.canonical_id)

    def find(self, extra_margin: timedelta) -> dict[str, set[str]] | None:
        """Target ids per intent's canonical id; None when the target cannot be searched."""
        flow = self.flow
        reader = None if self.ctx.sink is None else target_reader(self.ctx.sink, flow.target.entity)
        to_canonical = getattr(self.ctx.outbound, "to_canonical", None)
        if reader is None or to_canonical is None or not flow.match_rules or not self._by_key:
            return None
        oldest = min(intent.created_at for intent in self.intents)
        since = oldest - extra_margin - READ_BACK_MARGIN
        found: dict[str, set[str]] = {}
        for record in reader.changed_since(flow.target.entity, since):
            target_id = self._target_id(record)
            canonical = self._canonical(to_canonical, record) if target_id else None
            if target_id is None or canonical is None:
                continue
            for rule in flow.match_rules:
                fitting: set[str] = set()
                for key in natural_keys(canonical, rule):
                    fitting |= self._by_key.get((rule.name, key), set())
                if not fitting:
                    continue
                if len(fitting) == 1:
                    found.setdefault(fitting.pop(), set()).add(target_id)
                # The first rule with candidates decides, as in identity matching.
                break
        return found

    def _target_id(self, record: dict[str, Any]) -> str | None:
        target = self.flow.target
        names = target.key or [target.id_field]
        parts = [lookup(record, name, MISSING) for name in names]
        if any(part is MISSING or part is None or part == "" for part in parts):
            return None
        return "/".join(str(part) for part in parts)

    def _canonical(self, to_canonical: Any, record: dict[str, Any]) -> dict[str, Any] | None:
        try:
            mapped = to_canonical(record)
            if isinstance(mapped, Rejected):
                return None
            model = self.ctx.model.model_validate(mapped)
        except (ValidationError, Exception):
            # A target record the mapping cannot read is not one the flow created.
            return None
        dumped: dict[str, Any] = model.model_dump(mode="json")
        return dumped


def resolve(
    sessions: sessionmaker[Session],
    ctx: FlowContext,
    partition: str,
    *,
    fence: Any,
    extra_margin: timedelta = timedelta(0),
) -> int:
    """Link the records open intents created, close the intents; returns how many linked.

    `fence(session)` runs first in the recording transaction (the lease renewal), so a
    run that lost its lease records nothing.
    """
    flow = ctx.flow
    with sessions() as session:
        intents = load_open(session, flow.name, partition)
    if not intents:
        return 0
    found = IntentResolver(ctx, intents).find(extra_margin)
    if found is None:
        log.warning(
            "flow %s: %d create(s) of an earlier run may have reached %s unrecorded, and the"
            " target cannot be searched for them (no reader, reverse mapping or match rules)",
            flow.name,
            len(intents),
            flow.target.system,
        )
        found = {}
    linked = 0
    with sessions.begin() as session:
        fence(session)
        all_ids = [tid for ids in found.values() for tid in ids]
        taken = canonical_ids(session, ctx.entity, flow.target.system, all_ids)
        links: list[tuple[str, str]] = []
        for cid, ids in sorted(found.items()):
            if any(taken.get(tid) == cid for tid in ids):
                continue  # linked already (recorded after all)
            free = sorted(tid for tid in ids if tid not in taken)
            if not free:
                continue
            if len(free) > 1:
                log.warning(
                    "flow %s: %d records in %s fit one create of %s; linking the first",
                    flow.name,
                    len(free),
                    flow.target.system,
                    cid,
                )
            links.append((cid, free[0]))
        conflicts = link_many(session, ctx.entity, flow.target.system, links)
        linked = len(links) - len(conflicts)
        close_intents(session, flow.name, partition, [i.canonical_id for i in intents])
    if intents:
        log.info(
            "flow %s: %d open write intent(s) resolved, %d linked to records found in %s",
            flow.name,
            len(intents),
            linked,
            flow.target.system,
        )
    return linked
