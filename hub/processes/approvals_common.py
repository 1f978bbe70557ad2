"""What the approvals steps share: OA and CRM reads, the mappings, dead letters."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from canonical.approval import ApprovalRequest
from connectors.rest.client import RestClient
from hub.processes.framework import ProcessContext
from hub.store import add_dead_letter
from mappings import CompiledMapping, Rejected, compile_mapping, mapping_path

log = logging.getLogger(__name__)

PROCESS_NAME = "approvals"
PAGE_SIZE = 200
# OA definitions whose approved instances are employee claims posted as costs in the ERP.
CLAIM_KINDS: tuple[str, ...] = ("travel", "expense")
CREDIT_KIND = "credit_limit"


@cache
def _compiled(path: Path) -> CompiledMapping:
    return compile_mapping(path)


def mapping(ctx: ProcessContext, system: str, name: str) -> CompiledMapping:
    """The compiled mapping ``<system>/<name>.yaml`` of the context's mappings folder."""
    return _compiled(mapping_path(ctx.mappings, system, name))


def to_approval(compiled: CompiledMapping, native: dict[str, Any]) -> ApprovalRequest:
    """A native record mapped and validated as a canonical ApprovalRequest.

    Raises the mapping's RecordError (or ValueError for a filtered record), which the
    steps turn into dead letters.
    """
    model = compiled.to_model(native)
    if isinstance(model, Rejected):
        raise ValueError(f"{model.filter}: {model.reason}")
    if not isinstance(model, ApprovalRequest):  # pragma: no cover - the files say so
        raise TypeError(f"{compiled.file} does not map to ApprovalRequest")
    return model


def oa_instances(oa: RestClient, **filters: str) -> Iterator[dict[str, Any]]:
    """OA process instances matching ``filters`` (processDefinitionKey, status, ...), paged."""
    first = 0
    while True:
        params = {**filters, "firstResult": str(first), "maxResults": str(PAGE_SIZE)}
        page = oa.json(
            oa.request("GET", "/process-instances", entity="process_instances", params=params)
        )
        yield from page
        if len(page) < PAGE_SIZE:
            return
        first += len(page)


def oa_instance_by_key(oa: RestClient, kind: str, business_key: str) -> dict[str, Any] | None:
    """The instance of definition ``kind`` started under ``business_key``, if any."""
    for instance in oa_instances(oa, processDefinitionKey=kind, businessKey=business_key):
        return instance
    return None


def oa_record(oa: RestClient, instance: Mapping[str, Any]) -> dict[str, Any]:
    """The instance with its history steps under ``history``, as the OA mapping reads it."""
    history = oa.json(
        oa.request(
            "GET", f"/process-instances/{instance['id']}/history", entity="process_instances"
        )
    )
    return {**instance, "history": history.get("steps", [])}


def crm_pages(crm: RestClient, path: str, params: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Every item of a CRM list, following its cursor."""
    query: dict[str, str] = {**params, "limit": str(PAGE_SIZE)}
    while True:
        body = crm.json(crm.request("GET", path, params=query))
        yield from body.get("items", [])
        cursor = body.get("next_cursor")
        if not cursor:
            return
        query = {"cursor": cursor}


def dead_letter(
    ctx: ProcessContext, *, stage: str, key: str, error: BaseException | str, payload: Any
) -> None:
    """Keep a failed item for a person to look at (one open letter per key)."""
    with ctx.sessions.begin() as session:
        add_dead_letter(
            session,
            flow=PROCESS_NAME,
            stage=stage,
            error=error,
            payload=payload,
            record_key=key,
        )
    log.warning("approvals: %s %s dead-lettered at %s", key, type(error).__name__, stage)
