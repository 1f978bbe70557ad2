"""Deciding what to do with each record of a batch: map, validate, identify, compare.

Reads the state store only; nothing here writes to it or to the target.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from hub.flows.model import FlowSpec
from hub.store.hashes import get_hashes
from hub.sync.context import FlowContext
from hub.sync.cursor import Position, Window
from hub.sync.errors import AmbiguousMatch, RecordFailure
from hub.sync.hashing import idempotency_key, record_hash
from hub.sync.items import Item, Outcome
from hub.sync.keys import natural_keys, values_at
from hub.sync.matchindex import candidates_by_key
from hub.sync.protocols import Rejected
from hub.sync.xrefs import canonical_ids, system_ids

_ID_NAMESPACE = uuid.UUID("5b1f0c7e-3d4a-4f7e-9c61-6a1d2b8e9f00")
TOMBSTONE_HASH = "tombstone"


def new_canonical_id(entity: str, system: str, source_id: str) -> str:
    """A canonical id derived from the source key, so a re-run after a crash gets the same."""
    return uuid.uuid5(_ID_NAMESPACE, f"{entity}\x1f{system}\x1f{source_id}").hex


def partition_of(value: Any, count: int) -> int:
    """The partition a record belongs to: a stable hash of its partition field, modulo N."""
    digest = hashlib.sha256(str(value).encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def _first(record: dict[str, Any], path: str) -> Any:
    found = values_at(record, path)
    return found[0] if found else None


class BatchPlanner:
    """Turns a batch of native records into items with decisions, for one flow run."""

    def __init__(
        self, ctx: FlowContext, session: Session, *, partition: int = 0, index_only: bool = False
    ) -> None:
        self.ctx = ctx
        self.flow = ctx.flow
        self.session = session
        self.partition = partition
        self.index_only = index_only
        volatile = frozenset(self.flow.volatile_fields)
        self.volatile = volatile
        self.compare_ignore = frozenset(self.flow.compare_ignore)
        self.target_exclude = volatile | self.flow.owned_by(self.flow.target.system)
        self.source_exclude = volatile | self.flow.owned_by(self.flow.source.system)
        self._pending_keys: dict[tuple[str, str], str] = {}
        self._pending_sources: dict[str, str] = {}
        # What the store knows about the batch being planned (see `_lookup`).
        self._known: dict[str, str] = {}
        self._candidates: dict[str, dict[str, set[str]]] = {}
        self._source_ids: dict[str, str] = {}

    # positions ---------------------------------------------------------------------------

    def item_for(self, native: dict[str, Any]) -> Item:
        """An item with the record's position and source id (dead when either is unreadable)."""
        return self.item_for_flow(self.flow, native)

    @staticmethod
    def item_for_flow(flow: FlowSpec, native: dict[str, Any]) -> Item:
        """An item with the record's position and source id (dead when either is unreadable)."""
        item = Item(native=native)
        source = flow.source
        raw_id = _first(native, source.id_field)
        if raw_id is None or raw_id == "":
            item.dead("extract", RecordFailure(f"record has no id field {source.id_field!r}"))
            return item
        item.source_id = str(raw_id)
        try:
            item.position = Position.of(_first(native, source.cursor_field), raw_id)
        except ValueError as exc:
            item.dead("extract", RecordFailure(f"cursor field {source.cursor_field!r}: {exc}"))
        return item

    def screen(self, item: Item, window: Window | None) -> bool:
        """Apply the cursor window and the partition; True when the record is to be handled."""
        if item.outcome is Outcome.DEAD:
            return False
        if window is not None and item.position is not None and window.skips_as_seen(item.position):
            item.outcome = Outcome.SEEN
            return False
        count = self.flow.partitions.count
        if count > 1:
            value = _first(item.native, self.flow.partitions.field)
            if partition_of(value, count) != self.partition:
                item.outcome = Outcome.OTHER_PARTITION
                return False
        return True

    # the pipeline ------------------------------------------------------------------------

    def plan(self, items: Sequence[Item]) -> None:
        """Decide every handled item's outcome (map, validate, identify, compare, map out)."""
        mapped: list[tuple[Item, dict[str, Any], dict[str, Any]]] = []
        tombstones: list[Item] = []
        for item in items:
            if item.outcome is not Outcome.PENDING:
                continue
            deleted_field = self.flow.source.deleted_field
            if deleted_field and _first(item.native, deleted_field):
                tombstones.append(item)
                continue
            canonical = self._inbound(item)
            if canonical is not None:
                mapped.append((item, *canonical))
        if tombstones:
            self._tombstones(tombstones)
        live = self._identify_all(mapped)
        if self.index_only:
            for item, _ in live:
                item.outcome = Outcome.INDEXED
            return
        self._compare(live)

    def _inbound(self, item: Item) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(JSON form, python form) of the validated canonical record, natural keys set."""
        try:
            mapped = self.ctx.inbound.to_canonical(item.native)
        except Exception as exc:
            item.dead("map", exc)
            return None
        if isinstance(mapped, Rejected):
            item.outcome = Outcome.FILTERED
            return None
        try:
            model = self.ctx.model.model_validate(mapped)
        except ValidationError as exc:
            item.dead("validate", RecordFailure(_validation_text(self.flow.canonical, exc)))
            return None
        canonical = model.model_dump(mode="json")
        item.keys = {rule.name: natural_keys(canonical, rule) for rule in self.flow.match_rules}
        return canonical, model.model_dump(mode="python", exclude_none=True)

    def _identify_all(
        self, mapped: Sequence[tuple[Item, dict[str, Any], dict[str, Any]]]
    ) -> list[tuple[Item, dict[str, Any]]]:
        """Identify a batch's records with a few IN queries, then hash them."""
        self._lookup([item for item, _, _ in mapped])
        live: list[tuple[Item, dict[str, Any]]] = []
        ignored = self.compare_ignore
        for item, canonical, python in mapped:
            try:
                item.canonical_id, item.source_linked = self._identify(item)
            except AmbiguousMatch as exc:
                if not self.index_only:
                    item.dead("identity", exc)
                    continue
                # Indexing registers what a system holds: its own duplicates stay apart, and
                # become candidates that make a later match ambiguous (dead-lettered then).
                item.canonical_id, item.source_linked = self._new_identity(item), False
            item.source_hash = record_hash(canonical, self.source_exclude | ignored)
            item.target_hash = record_hash(canonical, self.target_exclude | ignored)
            live.append((item, python))
        return live

    def _lookup(self, items: Sequence[Item]) -> None:
        """What the store knows about a batch: xref of its ids, match candidates of its keys."""
        entity, system = self.ctx.entity, self.flow.source.system
        self._known = canonical_ids(
            self.session, entity, system, (i.source_id for i in items if i.source_id is not None)
        )
        unknown = [i for i in items if i.source_id not in self._known]
        self._candidates = {}
        for rule in self.flow.match_rules:
            values = {key for item in unknown for key in item.keys.get(rule.name, ())}
            if values:
                self._candidates[rule.name] = candidates_by_key(
                    self.session, entity, rule.name, values
                )
        found = {
            cid for by_key in self._candidates.values() for ids in by_key.values() for cid in ids
        }
        self._source_ids = system_ids(self.session, entity, system, found) if found else {}

    def _identify(self, item: Item) -> tuple[str, bool]:
        """The canonical id (and whether the source id is linked already), or AmbiguousMatch."""
        assert item.source_id is not None
        system = self.flow.source.system
        known = self._known.get(item.source_id)
        if known is not None:
            return known, True
        for rule in self.flow.match_rules:
            keys = item.keys.get(rule.name, set())
            if not keys:
                continue
            by_key = self._candidates.get(rule.name, {})
            found = {cid for key in keys for cid in by_key.get(key, ())}
            found |= {
                cid for key in keys if (cid := self._pending_keys.get((rule.name, key))) is not None
            }
            if not found:
                continue
            if len(found) > 1:
                raise AmbiguousMatch(
                    f"match rule {rule.name!r} fits {len(found)} records: "
                    + ", ".join(sorted(found))
                )
            cid = found.pop()
            other = self._pending_sources.get(cid) or self._source_ids.get(cid)
            if other is not None and other != item.source_id:
                raise AmbiguousMatch(
                    f"match rule {rule.name!r} fits {cid}, which {system} already has as"
                    f" {other!r}: a duplicate in {system}"
                )
            self._remember(rule_keys=item.keys, cid=cid, source_id=item.source_id)
            return cid, False
        return self._new_identity(item), False

    def _new_identity(self, item: Item) -> str:
        assert item.source_id is not None
        cid = new_canonical_id(self.ctx.entity, self.flow.source.system, item.source_id)
        self._remember(rule_keys=item.keys, cid=cid, source_id=item.source_id)
        return cid

    def _remember(self, *, rule_keys: dict[str, set[str]], cid: str, source_id: str) -> None:
        # Later records of the same batch must see this one, though it is not committed.
        for rule, keys in rule_keys.items():
            for key in keys:
                self._pending_keys.setdefault((rule, key), cid)
        self._pending_sources[cid] = source_id

    def _compare(self, live: list[tuple[Item, dict[str, Any]]]) -> None:
        target = self.flow.target
        entity = self.ctx.entity
        cids = [i.canonical_id for i, _ in live if i.canonical_id]
        last = get_hashes(self.session, target.system, entity, cids) if cids else {}
        target_ids = system_ids(self.session, entity, target.system, cids) if cids else {}
        for item, canonical in live:
            assert item.canonical_id is not None
            item.target_id = target_ids.get(item.canonical_id)
            item.target_linked = item.target_id is not None
            if last.get(item.canonical_id) == item.target_hash:
                item.outcome = Outcome.UNCHANGED
                continue
            # Ownership protects what the target holds; a record new to it holds nothing
            # yet, so it gets every field (else it would start with the owned ones empty).
            hidden = self.target_exclude if item.target_id is not None else self.volatile
            projected = {k: v for k, v in canonical.items() if k not in hidden}
            if "hub_id" in self.ctx.model.model_fields:
                projected["hub_id"] = item.canonical_id
            try:
                out = self.ctx.outbound.to_native(projected)
            except Exception as exc:
                item.dead("map_out", exc)
                continue
            if isinstance(out, Rejected):
                item.outcome = Outcome.FILTERED
                continue
            if item.target_id is not None:
                out[target.id_field] = item.target_id
            item.out = out
            assert item.target_hash is not None
            item.idempotency_key = idempotency_key(
                self.flow.name, item.canonical_id, item.target_hash, _version(item)
            )
            item.outcome = Outcome.WRITE

    def _tombstones(self, items: Sequence[Item]) -> None:
        flow, entity = self.flow, self.ctx.entity
        known = canonical_ids(
            self.session, entity, flow.source.system, (i.source_id for i in items if i.source_id)
        )
        targets = system_ids(self.session, entity, flow.target.system, known.values())
        for item in items:
            assert item.source_id is not None
            cid = known.get(item.source_id)
            self._tombstone(item, cid, None if cid is None else targets.get(cid))

    def _tombstone(self, item: Item, cid: str | None, target_id: str | None) -> None:
        flow = self.flow
        item.tombstone = True
        action = flow.delete_policy.action
        if self.index_only or action == "ignore" or cid is None or target_id is None:
            item.outcome = Outcome.IGNORED
            return
        item.canonical_id, item.source_linked = cid, True
        item.target_id, item.target_linked = target_id, True
        if action == "delete":
            item.outcome = Outcome.DELETE
            return
        item.out = {flow.target.id_field: target_id, **flow.delete_policy.set}
        item.target_hash = TOMBSTONE_HASH
        item.idempotency_key = idempotency_key(flow.name, cid, TOMBSTONE_HASH, _version(item))
        item.outcome = Outcome.WRITE


def _version(item: Item) -> str:
    return "" if item.position is None else item.position.at.isoformat()


def _validation_text(model: str, exc: ValidationError) -> str:
    # Field paths and messages only: input values may hold personal or secret data.
    parts = []
    for error in exc.errors(include_url=False, include_input=False)[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "<record>"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(parts)
    return f"{model} validation failed: " + "; ".join(parts) + (f" (+{more} more)" if more else "")
