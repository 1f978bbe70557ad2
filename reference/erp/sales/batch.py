"""Batch upserts: size limit and per-record results."""

from __future__ import annotations

from lxml import etree

from reference.erp.sales.rules import BATCH_LIMIT
from reference.erp.sales.xmlns import B
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.service import children


def batch_records(payload: etree._Element, name: str) -> list[etree._Element]:
    """The ``name`` records of a batch request; BATCH_LIMIT fault above the limit."""
    records = children(payload, name)
    if not records:
        raise SoapFault.validation(name, "at least one record is required")
    if len(records) > BATCH_LIMIT:
        raise SoapFault(
            f"{len(records)} records sent, at most {BATCH_LIMIT} per call",
            code="BATCH_LIMIT",
            field=name,
        )
    return records


def ok_result(response: etree._Element, index: int, key: str, action: str) -> None:
    """Append a successful RecordResult."""
    result = B.group(response, "Result")
    B.fields(result, [("Index", index), ("Key", key), ("Action", action)])


def error_result(response: etree._Element, index: int, key: str | None, fault: SoapFault) -> None:
    """Append a failed RecordResult carrying the fault's code, field and message."""
    result = B.group(response, "Result")
    B.fields(
        result,
        [
            ("Index", index),
            ("Key", key),
            ("ErrorCode", fault.code),
            ("ErrorField", fault.field),
            ("ErrorMessage", fault.faultstring),
        ],
    )
