"""Small wrappers that fit a profile's source or sink to a flow's needs, as the flow says.

Real systems rarely update the way the sync engine assumes (partially, by id):

* `SnapshotSource` stamps records of an entity read whole (a stock summary) with a read
  time and a composite key, so the engine has a position and an id for each.
* `AdaptedSink` runs a target's write adjustments: read-modify-write for systems that
  replace whole records (`merge`), partial updates of known records (`patch`), defaults,
  one message for a whole batch (`combine`), and ids made of record fields (`key`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Batch, Cursor, Record, Sink, Source, WriteResult
from connectors.errors import AuthError, ClientError, ConfigError, ConnectorError, ContractError
from connectors.paths import MISSING, fill_template, lookup, template_fields, without_fields
from connectors.rest.client import RestClient
from connectors.soap.client import SoapClient
from connectors.soap.faults import SoapClientFault
from connectors.soap.records import plain
from hub.flows.model import MergeSpec, PatchSpec, TargetEndpoint
from hub.sync.targets import TargetReader, target_reader

log = logging.getLogger(__name__)

SNAPSHOT_AT = "snapshot_at"
SNAPSHOT_KEY = "snapshot_key"
# Failures that hit every record alike: the engine stops the run instead.
_STOPPING = (AuthError, ConfigError)
# Merge reads of one batch in flight at once (each is a round trip to the target).
MERGE_WORKERS = 8


def _now() -> datetime:
    return datetime.now(UTC)


def _absent(value: Any) -> bool:
    return value is MISSING or value is None or value == ""


class SnapshotSource:
    """A source for entities without change times: every read is one stamped snapshot."""

    def __init__(
        self,
        inner: Source,
        key: Sequence[str],
        *,
        margin: timedelta,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.inner = inner
        self.key = tuple(key)
        self.margin = margin
        self.clock = clock

    def read(
        self, entity: str, *, since: Cursor | None = None, batch_size: int | None = None
    ) -> Iterator[Batch]:
        """Every record, stamped with the snapshot time and its composite key."""
        # Stamped a second below the run's cap (start less skew margin), so the engine
        # handles this snapshot now; every record of one read shares the stamp.
        stamp = (self.clock() - self.margin - timedelta(seconds=1)).isoformat(
            timespec="microseconds"
        )
        for batch in self.inner.read(entity, since=None, batch_size=batch_size):
            records = [
                {**record, SNAPSHOT_AT: stamp, SNAPSHOT_KEY: self._key(record)}
                for record in batch.records
            ]
            yield Batch(records, None)

    def _key(self, record: Record) -> str | None:
        parts = [lookup(record, name, MISSING) for name in self.key]
        if any(_absent(part) for part in parts):
            return None  # the engine dead-letters a record without an id
        return "/".join(str(part) for part in parts)


class AdaptedSink:
    """A `connectors.base.Sink` applying a flow target's write adjustments around another."""

    def __init__(self, inner: Sink, target: TargetEndpoint, client: Any = None) -> None:
        self.inner = inner
        self.target = target
        self.client = client
        self.merge_workers = MERGE_WORKERS
        if (target.merge or target.patch) and client is None:
            raise ConfigError(f"{target.system}: merge and patch need the connector's client")
        if target.merge and target.merge.many and not isinstance(client, SoapClient):
            raise ConfigError(f"{target.system}: merge.many needs a SOAP connector")

    def write(
        self,
        entity: str,
        records: Sequence[Record],
        *,
        idempotency_keys: Sequence[str] | None = None,
    ) -> list[WriteResult]:
        """Write ``records``; one result per record, in order."""
        keys: list[str | None] = (
            list(idempotency_keys) if idempotency_keys is not None else [None] * len(records)
        )
        results: list[WriteResult | None] = [None] * len(records)
        prepared: list[Record] = []
        for index, (record, outcome) in enumerate(
            zip(records, self._prepared(entity, records), strict=True)
        ):
            if isinstance(outcome, ConnectorError):
                results[index] = WriteResult.failure(outcome)
                prepared.append(record)
            else:
                prepared.append(outcome)
        patch = self.target.patch
        rest: list[int] = []
        for index, record in enumerate(prepared):
            if results[index] is not None:
                continue
            if patch is not None and self._known(record):
                results[index] = self._patch(entity, patch, record)
            else:
                rest.append(index)
        if rest:
            chosen = [prepared[i] for i in rest]
            if self.target.combine:
                written = self._combined(entity, chosen)
            elif idempotency_keys is None:
                written = self.inner.write(entity, chosen)
            else:
                written = self.inner.write(
                    entity, chosen, idempotency_keys=[keys[i] or "" for i in rest]
                )
            for index, result in zip(rest, written, strict=True):
                results[index] = result
        return [self._keyed(prepared[i], result) for i, result in enumerate(results)]

    def reader(self, entity: str) -> TargetReader | None:
        """How to read the target back (the engine looks for creates a crash left behind)."""
        return target_reader(self.inner, entity)

    # steps -------------------------------------------------------------------------------

    def _prepared(self, entity: str, records: Sequence[Record]) -> list[Record | ConnectorError]:
        """Each record prepared, or the error that kept it from being prepared.

        Merge reads are a round trip each, unless the read takes many keys (`merge.many`):
        then one call serves that many records. Single reads run a few side by side (the
        client's rate limit still paces them), as they make most of an update's time.
        """
        merge = self.target.merge
        if merge is not None and merge.many is not None:
            return self._prepared_many(entity, merge, merge.many, records)
        if merge is None or len(records) < 2 or self.merge_workers < 2:
            return [self._prepare_one(entity, record) for record in records]
        with ThreadPoolExecutor(max_workers=self.merge_workers) as pool:
            futures = [pool.submit(self._prepare_one, entity, record) for record in records]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _prepare_one(self, entity: str, record: Record) -> Record | ConnectorError:
        try:
            out = self._own(record)
            merge = self.target.merge
            current = None if merge is None else self._current(entity, merge, out)
            return self._finish(out, current)
        except _STOPPING:
            raise
        except ConnectorError as exc:
            return exc

    def _prepared_many(
        self, entity: str, merge: MergeSpec, many: int, records: Sequence[Record]
    ) -> list[Record | ConnectorError]:
        """Records prepared with one merge read per `many` of them."""
        field = (merge.by or [self.target.id_field])[0]
        owned = [self._own(record) for record in records]
        keys = [lookup(out, field, MISSING) for out in owned]
        wanted = list(dict.fromkeys(str(key) for key in keys if not _absent(key)))
        current: dict[str, Record | ConnectorError] = {}
        for start in range(0, len(wanted), many):
            chunk = wanted[start : start + many]
            try:
                found = self._current_many(entity, merge, field, chunk)
            except _STOPPING:
                raise
            except ConnectorError as exc:
                current.update(dict.fromkeys(chunk, exc))
            else:
                current.update(found)
        prepared: list[Record | ConnectorError] = []
        for out, key in zip(owned, keys, strict=True):
            now = None if _absent(key) else current.get(str(key))
            prepared.append(now if isinstance(now, ConnectorError) else self._finish(out, now))
        return prepared

    def _known(self, record: Record) -> bool:
        return not _absent(lookup(record, self.target.id_field, MISSING))

    def _own(self, record: Record) -> Record:
        """A copy of the record without the engine's composite id, when it is not the target's."""
        out = dict(record)
        if self.target.key and self.target.id_field not in self.target.key:
            out.pop(self.target.id_field, None)
        return out

    def _finish(self, out: Record, current: Record | None) -> Record:
        """The record with the kept fields of the target's current one, then the defaults."""
        merge = self.target.merge
        if merge is not None and current is not None:
            for name in merge.keep:
                if _absent(out.get(name, MISSING)) and not _absent(current.get(name)):
                    out[name] = current[name]
        for name, value in self.target.defaults.items():
            if _absent(out.get(name, MISSING)):
                out[name] = value
        return out

    def _current(self, entity: str, merge: MergeSpec, record: Record) -> Record | None:
        """The target's record as it is now, or None when the record names none it has."""
        if isinstance(self.client, SoapClient):
            names = merge.by or [self.target.id_field]
            payload = {n: v for n in names if not _absent(v := lookup(record, n, MISSING))}
            if not payload:
                return None
            try:
                answer = plain(self.client.call(merge.read, payload, entity=entity))
            except SoapClientFault as fault:
                if fault.fault_code == "NOT_FOUND":
                    return None
                raise
        elif isinstance(self.client, RestClient):
            try:
                path = fill_template(merge.read, record, id_field=self.target.id_field)
            except ClientError:
                return None  # the record does not carry the key the read path needs
            response = self.client.request(
                "GET", path, entity=entity, operation="read current", allow_status=(404,)
            )
            if response.status_code == 404:
                return None
            answer = self.client.json(response, entity=entity)
        else:
            raise ConfigError(f"{self.target.system}: merge needs a REST or SOAP connector")
        found = lookup(answer, merge.records_path, MISSING)
        if not isinstance(found, dict):
            raise ContractError(
                f"{merge.read}: no record at {merge.records_path!r}",
                system=self.target.system,
                entity=entity,
            )
        return found

    def _current_many(
        self, entity: str, merge: MergeSpec, field: str, keys: list[str]
    ) -> dict[str, Record]:
        """The target's current records of `keys` by key (those it has), in one call."""
        if not isinstance(self.client, SoapClient):
            raise ConfigError(f"{self.target.system}: merge.many needs a SOAP connector")
        answer = plain(self.client.call(merge.read, {field: keys}, entity=entity))
        found = lookup(answer, merge.records_path, MISSING)
        if found is MISSING or found is None:
            return {}
        items = found if isinstance(found, list) else [found]
        if not all(isinstance(item, dict) and not _absent(item.get(field)) for item in items):
            raise ContractError(
                f"{merge.read}: the answer at {merge.records_path!r} is not a list of records"
                f" with {field!r}",
                system=self.target.system,
                entity=entity,
            )
        return {str(item[field]): item for item in items}

    def _patch(self, entity: str, patch: PatchSpec, record: Record) -> WriteResult:
        assert isinstance(self.client, RestClient)
        id_field = self.target.id_field
        try:
            path = fill_template(patch.path, record, id_field=id_field)
            self.client.request(
                patch.method,
                path,
                entity=entity,
                operation="update",
                json=without_fields(record, template_fields(patch.path, id_field=id_field)),
                headers=patch.headers,
                # The engine's PATCH sets absolute values on a known record: sent twice it
                # leaves the same record, so a 503 or a lost answer is retried in place.
                # A POST to a record path may append; it is not repeated.
                retry_safe=patch.method in ("PUT", "PATCH"),
            )
        except _STOPPING:
            raise
        except ConnectorError as exc:
            log.info("record not updated in %s/%s: %s", self.target.system, entity, exc)
            return WriteResult.failure(exc)
        return WriteResult.success(str(lookup(record, id_field)))

    def _combined(self, entity: str, records: Sequence[Record]) -> list[WriteResult]:
        """All records as one message: the first one's header, every record's list items."""
        field = self.target.combine
        assert field is not None
        message = dict(records[0])
        items: list[Any] = []
        for record in records:
            value = record.get(field)
            items.extend(value if isinstance(value, list) else [] if value is None else [value])
        message[field] = items
        (result,) = self.inner.write(entity, [message])
        return [result for _ in records]

    def _keyed(self, record: Record, result: WriteResult | None) -> WriteResult:
        assert result is not None
        if not result.ok or not self.target.key:
            return result
        parts = [lookup(record, name, MISSING) for name in self.target.key]
        if any(_absent(part) for part in parts):
            return WriteResult.failure(
                ContractError(
                    f"written record lacks a key field of {self.target.key}",
                    system=self.target.system,
                )
            )
        return WriteResult.success("/".join(str(part) for part in parts))
