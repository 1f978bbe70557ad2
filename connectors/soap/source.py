"""SoapSource: reads an entity page by page with the system's continuation token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base import Batch, Cursor, Record
from connectors.cursor import CursorTracker
from connectors.errors import ConfigError, ContractError, PaginationLoop
from connectors.paths import MISSING, lookup
from connectors.profile import Profile
from connectors.soap.client import SoapClient
from connectors.soap.config import EntityPlan, plan_entity
from connectors.soap.records import as_records, plain


class SoapSource:
    """A `connectors.base.Source` for a SOAP system described by a profile.

    An incremental read sends ``ChangedSince`` (the entity's ``incremental.param``) =
    the cursor's value, or ``initial_since`` on a first read, then passes each answer's
    continuation token back until none comes. Systems answer "changed since" inclusively,
    so records at or before the cursor's (ChangedAt, key) are dropped. The cursor is
    ``{"field": "ChangedAt", "value": "<ISO 8601>", "id": "<key>"}``. At most one page and
    one batch are held in memory.
    """

    def __init__(self, profile: Profile, client: SoapClient) -> None:
        self.profile = profile
        self.client = client

    def read(
        self, entity: str, *, since: Cursor | None = None, batch_size: int | None = None
    ) -> Iterator[Batch]:
        """Yield batches of ``batch_size`` (default: the entity's) records newer than ``since``."""
        plan = plan_entity(self.profile, entity)
        if plan.read_operation is None:
            raise ConfigError(f"entity {entity} has no read operation", system=self.profile.name)
        size = batch_size or plan.batch_size
        if size < 1:
            raise ValueError("batch_size must be at least 1")
        tracker = (
            CursorTracker(plan.incremental, plan.id_field, since) if plan.incremental else None
        )
        moves_each_batch = plan.incremental is not None and plan.incremental.sorted
        buffer: list[Record] = []
        last_cursor: Cursor | None = since
        for record in self._records(plan, tracker):
            buffer.append(record)
            if len(buffer) >= size:
                cursor: Cursor | None = None
                if tracker is not None:
                    cursor = (
                        tracker.cursor() if moves_each_batch else (dict(since) if since else None)
                    )
                yield Batch(buffer, cursor)
                buffer, last_cursor = [], cursor
        final = tracker.cursor() if tracker else None
        if buffer or (final is not None and final != last_cursor):
            yield Batch(buffer, final)

    def _records(self, plan: EntityPlan, tracker: CursorTracker | None) -> Iterator[Record]:
        assert plan.read_operation is not None
        payload: dict[str, Any] = dict(plan.params)
        if plan.since_element is not None:
            since_value = tracker.since_param() if tracker is not None else None
            payload[plan.since_element] = since_value or plan.initial_since
        if plan.page_size_element is not None and plan.page_size is not None:
            payload[plan.page_size_element] = plan.page_size
        seen: set[str] = set()
        while True:
            answer = self.client.call(plan.read_operation, payload, entity=plan.name)
            body = plain(answer)
            for record in self._extract(plan, body):
                if tracker is None or tracker.accept(record):
                    yield record
            token = lookup(body, plan.token_element) if plan.token_element else None
            if not token:
                return
            if token in seen:
                raise PaginationLoop(
                    "the continuation token came back twice",
                    system=self.profile.name,
                    entity=plan.name,
                    operation=plan.read_operation,
                )
            seen.add(str(token))
            payload[plan.token_element or ""] = token

    def _extract(self, plan: EntityPlan, body: Any) -> list[Record]:
        found = lookup(body, plan.records_element, MISSING)
        if found is MISSING:
            raise ContractError(
                f"no {plan.records_element!r} element in the answer (set records_path)",
                system=self.profile.name,
                entity=plan.name,
                operation=plan.read_operation,
            )
        return as_records(found)
