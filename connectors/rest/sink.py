"""RestSink: writes records one by one or in batches and reports the outcome of each."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

import requests

from connectors.base import Record, WriteResult
from connectors.errors import (
    AuthError,
    ClientError,
    ConfigError,
    ConnectorError,
    ContractError,
)
from connectors.paths import MISSING, fill_template, lookup, template_fields, without_fields
from connectors.profile import Entity, Profile, WriteSpec
from connectors.rest.client import RestClient

log = logging.getLogger("connectors.rest.sink")
# These affect every record alike: stop and tell the caller rather than fail each record.
_STOPPING = (AuthError, ConfigError)


class RestSink:
    """A `connectors.base.Sink` for a REST system described by a profile.

    A record the system rejects (4xx, or a retriable error that outlasted its retries)
    becomes a failed `WriteResult` and the next record is still written; `AuthError` and
    `ConfigError` raise, since every other record would fail the same way.
    """

    def __init__(self, profile: Profile, client: RestClient) -> None:
        self.profile = profile
        self.client = client

    def write(
        self,
        entity: str,
        records: Sequence[Record],
        *,
        idempotency_keys: Sequence[str] | None = None,
    ) -> list[WriteResult]:
        """Write ``records`` to ``entity``; one result per record, in order."""
        spec = self.profile.entity(entity)
        if spec.write is None:
            raise ConfigError(
                f"entity {entity} is read-only (no write section)", system=self.profile.name
            )
        if idempotency_keys is not None and len(idempotency_keys) != len(records):
            raise ConfigError(
                "idempotency_keys must have one key per record", system=self.profile.name
            )
        keys: Sequence[str | None] = idempotency_keys or [None] * len(records)
        if spec.write.mode == "batch":
            results: list[WriteResult] = []
            step = spec.write.batch_size
            for start in range(0, len(records), step):
                chunk = records[start : start + step]
                results.extend(
                    self._write_batch(entity, spec, spec.write, chunk, keys[start : start + step])
                )
            return results
        return [
            self._guarded(entity, spec, spec.write, record, key)
            for record, key in zip(records, keys, strict=True)
        ]

    def _guarded(
        self, entity: str, spec: Entity, write: WriteSpec, record: Record, key: str | None
    ) -> WriteResult:
        try:
            return WriteResult.success(self._write_one(entity, spec, write, record, key))
        except _STOPPING:
            raise
        except ConnectorError as exc:
            log.info("record not written to %s/%s: %s", self.profile.name, entity, exc)
            return WriteResult.failure(exc)

    def _context(self, entity: str) -> dict[str, Any]:
        return {"system": self.profile.name, "entity": entity, "operation": "write"}

    def _write_one(
        self, entity: str, spec: Entity, write: WriteSpec, record: Record, key: str | None
    ) -> str:
        if write.upsert_by:
            template, method = write.upsert_by, write.upsert_method
        else:
            template, method = write.path or spec.path or "", write.method
        try:
            path = fill_template(template, record, id_field=spec.id_field)
        except ClientError as exc:
            raise ClientError(exc.message, **self._context(entity)) from None
        headers: dict[str, str] = {}
        if write.idempotency_header and key:
            headers[write.idempotency_header] = key
        if write.if_match:
            headers.update(self._precondition(entity, path))
        response = self.client.request(
            method,
            path,
            entity=entity,
            operation="write",
            json=(
                without_fields(record, template_fields(template, id_field=spec.id_field))
                if write.omit_path_fields
                else record
            ),
            headers=headers,
            retry_safe=method == "PUT" or bool(headers.get(write.idempotency_header or "")),
        )
        target_id = self._target_id(response, spec, write)
        if target_id is None and not write.upsert_by and template.rstrip("/").endswith("{id}"):
            # PUT /things/{id} answered 204: the id is the one we addressed.
            target_id = unquote(path.rstrip("/").rsplit("/", 1)[-1])
        if target_id is None:
            raise ContractError(
                "the answer names no id (set write.id_path, or return a Location header)",
                status=response.status_code,
                **self._context(entity),
            )
        return target_id

    def _precondition(self, entity: str, path: str) -> dict[str, str]:
        """If-Match with the current ETag, or If-None-Match: * when the record is new."""
        current = self.client.request(
            "GET", path, entity=entity, operation="read etag", allow_status=(404,)
        )
        if current.status_code == 404:
            return {"If-None-Match": "*"}
        etag = current.headers.get("ETag")
        if not etag:
            raise ContractError(f"GET {path} answered without an ETag", **self._context(entity))
        return {"If-Match": etag}

    def _target_id(self, response: requests.Response, spec: Entity, write: WriteSpec) -> str | None:
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = None
            found = lookup(body, write.id_path or spec.id_field, MISSING)
            if found is not MISSING and found not in (None, ""):
                return str(found)
        location = response.headers.get("Location")
        if location:
            return unquote(location.rstrip("/").rsplit("/", 1)[-1])
        return None

    def _write_batch(
        self,
        entity: str,
        spec: Entity,
        write: WriteSpec,
        chunk: Sequence[Record],
        keys: Sequence[str | None],
    ) -> list[WriteResult]:
        body: Any = {write.body_path: list(chunk)} if write.body_path else list(chunk)
        headers: dict[str, str] = {}
        given = [key for key in keys if key]
        if write.idempotency_header and len(given) == len(chunk):
            # One request carries many records: its key is derived from all of theirs.
            headers[write.idempotency_header] = hashlib.sha256(
                "\n".join(given).encode()
            ).hexdigest()
        try:
            response = self.client.request(
                write.method,
                write.path or spec.path or "",
                entity=entity,
                operation="write batch",
                json=body,
                headers=headers,
                retry_safe=write.method == "PUT" or bool(headers),
            )
            answer = self.client.json(response, entity=entity)
        except _STOPPING:
            raise
        except ConnectorError as exc:
            return [WriteResult.failure(exc) for _ in chunk]
        items = lookup(answer, write.results_path, MISSING)
        if not isinstance(items, list) or len(items) != len(chunk):
            error = ContractError(
                f"expected {len(chunk)} results at {write.results_path or '$'!r}",
                **self._context(entity),
            )
            return [WriteResult.failure(error) for _ in chunk]
        return [self._item_result(entity, spec, write, item) for item in items]

    def _item_result(self, entity: str, spec: Entity, write: WriteSpec, item: Any) -> WriteResult:
        if isinstance(item, str | int) and not isinstance(item, bool):
            return WriteResult.success(str(item))
        if not isinstance(item, dict):
            return WriteResult.failure(
                ContractError("a result is not an object", **self._context(entity))
            )
        status = item.get("status")
        problem = item.get("error") or item.get("errors")
        if problem or (isinstance(status, int) and status >= 400):
            return WriteResult.failure(
                ClientError(
                    f"record rejected: {problem or 'no reason given'}",
                    status=status if isinstance(status, int) else None,
                    **self._context(entity),
                )
            )
        found = lookup(item, write.id_path or spec.id_field, MISSING)
        if found is MISSING or found in (None, ""):
            return WriteResult.failure(
                ContractError("a result names no id", **self._context(entity))
            )
        return WriteResult.success(str(found))
