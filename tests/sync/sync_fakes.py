"""In-memory systems and mappings that keep the connector and mapping contracts."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Batch, WriteResult
from connectors.errors import ClientError, ConnectorError, ServerError
from hub.flows import FlowSpec, parse_flow
from hub.sync import FlowContext
from hub.sync.cursor import Position, stored_position

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def at(seconds: float) -> str:
    """An ISO timestamp `seconds` after BASE, with microseconds."""
    return (BASE + timedelta(seconds=seconds)).isoformat(timespec="microseconds")


class FakeSystem:
    """A source and sink over a dict of records, ordered by (updated_at, id) like a real API.

    ``since`` is exclusive of its (updated_at, id) and inclusive of updated_at when its id is
    None, as the REST connector does. Writes stamp ``updated_at`` from ``clock`` like a real
    system, honour idempotency keys (a repeated key returns the first answer and changes
    nothing) and update in place when the record carries an existing id.
    """

    def __init__(
        self,
        name: str,
        records: Sequence[dict[str, Any]] = (),
        *,
        clock: Callable[[], str] | None = None,
    ) -> None:
        self.name = name
        self.records: dict[str, dict[str, Any]] = {str(r["id"]): dict(r) for r in records}
        self._ids = itertools.count(1)
        self._clock = clock or (lambda: at(10_000))
        self.idempotency: dict[str, str] = {}
        self.write_calls: list[list[dict[str, Any]]] = []
        self.creates = 0
        self.updates = 0
        self.deleted: list[str] = []
        self.reads: list[Any] = []
        self.fail: Callable[[dict[str, Any]], ConnectorError | None] = lambda _r: None
        self.raise_on_write: Exception | None = None

    # Source ------------------------------------------------------------------------------

    def read(
        self, entity: str, *, since: dict[str, Any] | None = None, batch_size: int | None = None
    ) -> Iterator[Batch]:
        self.reads.append(since)
        bound = stored_position(since)
        ordered = sorted(
            self.records.values(), key=lambda r: Position.of(r["updated_at"], r["id"]).key()
        )
        if bound is not None:
            ordered = [
                r for r in ordered if Position.of(r["updated_at"], r["id"]).key() > bound.key()
            ]
        size = batch_size or 100
        for start in range(0, len(ordered), size):
            chunk = [dict(r) for r in ordered[start : start + size]]
            last = chunk[-1]
            yield Batch(
                chunk, {"field": "updated_at", "value": last["updated_at"], "id": last["id"]}
            )

    # Sink --------------------------------------------------------------------------------

    def write(
        self,
        entity: str,
        records: Sequence[dict[str, Any]],
        *,
        idempotency_keys: Sequence[str] | None = None,
    ) -> list[WriteResult]:
        if self.raise_on_write is not None:
            raise self.raise_on_write
        self.write_calls.append([dict(r) for r in records])
        keys = idempotency_keys or [""] * len(records)
        results = []
        for record, key in zip(records, keys, strict=True):
            error = self.fail(record)
            if error is not None:
                results.append(WriteResult.failure(error))
                continue
            if key and key in self.idempotency:
                results.append(WriteResult.success(self.idempotency[key]))
                continue
            target_id = record.get("id")
            if target_id is not None and str(target_id) in self.records:
                self.records[str(target_id)].update(record)
                self.records[str(target_id)]["updated_at"] = self._clock()
                self.updates += 1
            else:
                target_id = f"{self.name}-{next(self._ids)}"
                self.records[target_id] = {**record, "id": target_id, "updated_at": self._clock()}
                self.creates += 1
            if key:
                self.idempotency[key] = str(target_id)
            results.append(WriteResult.success(str(target_id)))
        return results

    def delete(self, entity: str, target_ids: Sequence[str]) -> list[WriteResult]:
        results = []
        for target_id in target_ids:
            self.records.pop(target_id, None)
            self.deleted.append(target_id)
            results.append(WriteResult.success(target_id))
        return results

    @property
    def written(self) -> int:
        return self.creates + self.updates


class WriteOnlySystem(FakeSystem):
    """A sink without delete."""

    delete = None  # type: ignore[assignment]


def fatal(message: str = "rejected by the target") -> ClientError:
    return ClientError(message, status=422, system="erp", entity="customers", operation="write")


def retriable() -> ServerError:
    return ServerError("target unavailable", status=503, system="erp", operation="write")


class CustomerMapping:
    """Native {id, name, vat, email, status, tier, credit} <-> canonical Customer, both ways.

    ``broken`` makes the inbound direction fail on names containing "&", like a mapping bug
    that is later fixed.
    """

    def __init__(self, *, broken: bool = False) -> None:
        self.broken = broken

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        if native.get("poison"):
            raise ValueError("cannot map a poisoned record")
        name = native.get("name")
        if self.broken and name and "&" in name:
            raise ValueError("unsupported character in name")
        out: dict[str, Any] = {"legal_name": name, "status": native.get("status", "active")}
        if native.get("vat"):
            out["tax_ids"] = [{"scheme": "EU:VAT", "value": native["vat"]}]
        if native.get("email"):
            out["contacts"] = [{"name": name or "contact", "email": native["email"]}]
        if native.get("tier"):
            out["tier"] = native["tier"]
        if native.get("credit") is not None:
            out["credit_limit"] = {"amount": native["credit"], "currency": "EUR"}
        if native.get("updated_at"):
            out["updated_at"] = native["updated_at"]
        return out

    def to_native(self, canonical: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": canonical["legal_name"]}
        if "status" in canonical:
            out["status"] = canonical["status"]
        if canonical.get("tax_ids"):
            out["vat"] = canonical["tax_ids"][0]["value"]
        if canonical.get("contacts"):
            out["email"] = canonical["contacts"][0].get("email")
        if "tier" in canonical:
            out["tier"] = canonical["tier"]
        if "credit_limit" in canonical:
            out["credit"] = str(canonical["credit_limit"]["amount"])
        return out


def customer(
    record_id: str, name: str, updated: float, *, vat: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A native customer record of the fake systems."""
    record: dict[str, Any] = {"id": record_id, "name": name, "updated_at": at(updated)}
    if vat is not None:
        record["vat"] = vat
    record.update(extra)
    return record


def make_flow(**overrides: Any) -> FlowSpec:
    document: dict[str, Any] = {
        "name": "crm-to-erp-customers",
        "source": {"system": "crm", "entity": "accounts"},
        "target": {"system": "erp", "entity": "customers"},
        "canonical": "Customer",
        "mappings": {"inbound": "crm/accounts.yaml", "outbound": "erp/customers.yaml"},
        "batch_size": 100,
        "match_rules": [{"name": "tax_id", "fields": ["tax_ids[*].value"]}],
    }
    document.update(overrides)
    return parse_flow(document)


def context(
    flow: FlowSpec,
    source: FakeSystem,
    target: FakeSystem,
    mapping: CustomerMapping | None = None,
) -> FlowContext:
    mapping = mapping or CustomerMapping()
    return FlowContext(flow=flow, source=source, sink=target, inbound=mapping, outbound=mapping)


NOW = BASE.replace(year=2026, month=6)


def clock_at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment
