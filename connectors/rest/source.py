"""RestSource: reads an entity page by page and yields batches with the cursor after each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base import Batch, Cursor, Record
from connectors.cursor import CursorTracker
from connectors.errors import ConfigError, ContractError
from connectors.paths import MISSING, lookup
from connectors.profile import Entity, Profile
from connectors.rest.client import RestClient
from connectors.rest.pagination import PageRequest, paginator_for


class RestSource:
    """A `connectors.base.Source` for a REST system described by a profile.

    Holds at most one page plus one batch in memory. With ``incremental.sorted`` the cursor
    after each batch is the greatest (cursor field, id) so far; without it, only the last
    batch moves the cursor, since an earlier record may still arrive later in the read.
    """

    def __init__(self, profile: Profile, client: RestClient) -> None:
        self.profile = profile
        self.client = client

    def read(
        self, entity: str, *, since: Cursor | None = None, batch_size: int | None = None
    ) -> Iterator[Batch]:
        """Yield batches of ``batch_size`` (default: the entity's) records newer than ``since``."""
        spec = self.profile.entity(entity)
        if not spec.readable:
            raise ConfigError(f"entity {entity} is write-only", system=self.profile.name)
        size = batch_size or spec.batch_size
        if size < 1:
            raise ValueError("batch_size must be at least 1")
        tracker = (
            CursorTracker(spec.incremental, spec.id_field, since) if spec.incremental else None
        )
        buffer: list[Record] = []
        last_cursor: Cursor | None = since
        for record in self._records(entity, spec, tracker):
            buffer.append(record)
            if len(buffer) >= size:
                cursor = self._cursor(spec, tracker, since, final=False)
                yield Batch(buffer, cursor)
                buffer, last_cursor = [], cursor
        final = tracker.cursor() if tracker else None
        if buffer or (final is not None and final != last_cursor):
            yield Batch(buffer, final)

    @staticmethod
    def _cursor(
        spec: Entity, tracker: CursorTracker | None, since: Cursor | None, *, final: bool
    ) -> Cursor | None:
        if tracker is None:
            return None
        if final or (spec.incremental is not None and spec.incremental.sorted):
            return tracker.cursor()
        return dict(since) if since else None

    def _records(
        self, entity: str, spec: Entity, tracker: CursorTracker | None
    ) -> Iterator[Record]:
        assert spec.path is not None
        request = PageRequest(url=spec.path, params=dict(spec.params))
        if tracker is not None and spec.incremental is not None:
            since_value = tracker.since_param()
            if since_value is not None:
                request.params[spec.incremental.param] = since_value
        paginator = paginator_for(spec.pagination)
        paginator.init_request(request)
        while True:
            response = self.client.request(
                spec.method, request.url, entity=entity, operation="read", params=request.params
            )
            body = self.client.json(response, entity=entity)
            records = self._extract(entity, spec, body)
            paginator.update_state(response, body, records)
            for record in records:
                if tracker is None or tracker.accept(record):
                    yield record
            if not paginator.has_more:
                return
            paginator.update_request(request)

    def _extract(self, entity: str, spec: Entity, body: Any) -> list[Record]:
        records = lookup(body, spec.records_path, MISSING)
        if not isinstance(records, list):
            raise ContractError(
                f"no record list at {spec.records_path!r} in the answer",
                system=self.profile.name,
                entity=entity,
                operation="read",
            )
        if not all(isinstance(record, dict) for record in records):
            raise ContractError(
                "the record list holds something other than objects",
                system=self.profile.name,
                entity=entity,
                operation="read",
            )
        return records
