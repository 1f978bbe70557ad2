"""SoapSink: writes records with a batch operation (UpsertCustomers) or one call per record."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from lxml import etree

from connectors.base import Record, WriteResult
from connectors.errors import AuthError, ConfigError, ConnectorError, ContractError
from connectors.paths import MISSING, lookup
from connectors.profile import Profile
from connectors.soap.client import SoapClient
from connectors.soap.config import EntityPlan, plan_entity
from connectors.soap.faults import (
    RequestMisfit,
    SoapAuthFault,
    SoapClientFault,
    SoapServerFault,
    error_for_exception,
)
from connectors.soap.records import as_records, plain

log = logging.getLogger("connectors.soap.sink")
# These affect every record alike: stop and tell the caller rather than fail each record.
_STOPPING = (AuthError, ConfigError)


class SoapSink:
    """A `connectors.base.Sink` for a SOAP system described by a profile.

    Batch mode sends up to ``write.batch_size`` records per call and reads one result per
    record (``Index``, ``Key`` or ``ErrorCode``/``ErrorField``/``ErrorMessage``). A record
    that does not fit the WSDL is reported on its own (zeep refuses the whole batch before
    sending it; the records are then checked one by one), so it cannot sink the rest of
    its batch. A failure of a whole call fails every record in it, except
    `AuthError` and `ConfigError`, which raise since every other record would fail too.
    """

    def __init__(self, profile: Profile, client: SoapClient) -> None:
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
        plan = plan_entity(self.profile, entity)
        if plan.write_operation is None:
            raise ConfigError(f"entity {entity} is read-only", system=self.profile.name)
        if idempotency_keys is not None and len(idempotency_keys) != len(records):
            raise ConfigError(
                "idempotency_keys must have one key per record", system=self.profile.name
            )
        keys: Sequence[str | None] = idempotency_keys or [None] * len(records)
        prepared = [
            self._keyed(plan, record, key) for record, key in zip(records, keys, strict=True)
        ]
        safe = plan.idempotent_writes or (
            plan.idempotency_element is not None and idempotency_keys is not None
        )
        if plan.write_mode == "single":
            return [self._write_one(plan, record, safe) for record in prepared]
        results: list[WriteResult] = []
        step = plan.write_batch_size
        for start in range(0, len(prepared), step):
            results.extend(self._write_batch(plan, prepared[start : start + step], safe))
        return results

    @staticmethod
    def _keyed(plan: EntityPlan, record: Record, key: str | None) -> Record:
        if key is None or plan.idempotency_element is None or record.get(plan.idempotency_element):
            return record
        return {**record, plan.idempotency_element: key}

    def _context(self, plan: EntityPlan) -> dict[str, Any]:
        return {"system": self.profile.name, "entity": plan.name, "operation": plan.write_operation}

    def _write_one(self, plan: EntityPlan, record: Record, safe: bool) -> WriteResult:
        assert plan.write_operation is not None
        payload = {plan.record_element: record} if plan.record_element else dict(record)
        try:
            answer = self.client.call(
                plan.write_operation, payload, entity=plan.name, retry_safe=safe
            )
        except _STOPPING:
            raise
        except ConnectorError as exc:
            log.info("record not written to %s/%s: %s", self.profile.name, plan.name, exc)
            return WriteResult.failure(exc)
        target = _find(plain(answer), plan.result_id_field)
        if target in (MISSING, None, ""):
            target = lookup(record, plan.id_field, MISSING)
        if target in (MISSING, None, ""):
            return WriteResult.failure(
                ContractError(f"the answer has no {plan.result_id_field!r}", **self._context(plan))
            )
        return WriteResult.success(str(target))

    def _write_batch(
        self, plan: EntityPlan, chunk: Sequence[Record], safe: bool
    ) -> list[WriteResult]:
        assert plan.write_operation is not None
        assert plan.records_arg is not None
        results: list[WriteResult | None] = [None] * len(chunk)
        pending = list(range(len(chunk)))
        try:
            answer = self._send(plan, chunk, safe)
        except RequestMisfit:
            # zeep refused the batch before sending it: find the records that do not fit,
            # report each on its own, and send the rest.
            for position, record in enumerate(chunk):
                problem = self._misfit(plan, record)
                if problem is not None:
                    results[position] = WriteResult.failure(problem)
            pending = [position for position, result in enumerate(results) if result is None]
            answer = None
            if pending:
                try:
                    answer = self._send(plan, [chunk[position] for position in pending], safe)
                except _STOPPING:
                    raise
                except ConnectorError as exc:
                    return [result or WriteResult.failure(exc) for result in results]
        except _STOPPING:
            raise
        except ConnectorError as exc:
            return [WriteResult.failure(exc) for _ in chunk]
        if answer is not None:
            body = plain(answer)
            items = (
                body if isinstance(body, list) else as_records(lookup(body, plan.results_element))
            )
            for order, item in enumerate(items):
                index = item.get(plan.index_field, order) if isinstance(item, dict) else order
                if isinstance(index, int) and 0 <= index < len(pending):
                    results[pending[index]] = self._result(plan, item)
        missing = ContractError("the answer holds no result for this record", **self._context(plan))
        return [result or WriteResult.failure(missing) for result in results]

    def _send(self, plan: EntityPlan, records: Sequence[Record], safe: bool) -> Any:
        """One batch call; a failure of the whole call raises (stopping ones unlogged)."""
        assert plan.write_operation is not None
        try:
            return self.client.call(
                plan.write_operation,
                {plan.records_arg or "": list(records)},
                entity=plan.name,
                retry_safe=safe,
            )
        except (*_STOPPING, RequestMisfit):
            raise
        except ConnectorError as exc:
            log.info("batch not written to %s/%s: %s", self.profile.name, plan.name, exc)
            raise

    def _misfit(self, plan: EntityPlan, record: Record) -> ConnectorError | None:
        """Why zeep would refuse the record (unknown or missing element), checked alone."""
        operation = self.client.operation(plan.write_operation or "", entity=plan.name)
        body = operation.input.body
        try:
            value = body.type(**{plan.records_arg or "": [record]})
            body.render(etree.Element("check"), value)
        except Exception as exc:
            error = error_for_exception(exc, **self._context(plan))
            if error is None:
                raise
            return error
        return None

    def _result(self, plan: EntityPlan, item: Record) -> WriteResult:
        code = item.get(plan.error_code_field)
        if not code:
            key = item.get(plan.result_id_field)
            if key in (None, ""):
                return WriteResult.failure(
                    ContractError("a result names no key", **self._context(plan))
                )
            return WriteResult.success(str(key))
        field = item.get(plan.error_field_field)
        message = f"record rejected ({code}{', field ' + field if field else ''})"
        if item.get(plan.error_message_field):
            message += f": {item[plan.error_message_field]}"
        detail = {"fault_code": code, "fault_field": field}
        error: ConnectorError
        if code in self.profile.auth_fault_codes:
            error = SoapAuthFault(message, **detail, **self._context(plan))
        elif code == "SERVER":
            error = SoapServerFault(message, **detail, **self._context(plan))
        else:
            error = SoapClientFault(message, **detail, **self._context(plan))
        return WriteResult.failure(error)


def _find(body: Any, path: str) -> Any:
    """``path`` in an answer; zeep unwraps a response with one child, so try without it too."""
    found = lookup(body, path, MISSING)
    if found is MISSING and "." in path:
        found = lookup(body, path.split(".", 1)[1], MISSING)
    return found
