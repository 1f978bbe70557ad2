"""What a SOAP service is (name, namespace, WSDL, operations) and helpers for operations."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.soap.faults import SoapFault

_XSD_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?")
WSDL_DIR = Path(__file__).resolve().parent.parent / "wsdl"


@dataclass
class OperationContext:
    """What an operation gets besides its payload.

    ``session`` is committed by the dispatcher after the operation returns and rolled back
    when it raises; ``now`` is the request time in UTC; ``user`` the authenticated user.
    """

    session: Session
    user: str
    now: datetime


Operation = Callable[[OperationContext, etree._Element], etree._Element]


@dataclass
class SoapService:
    """A document/literal SOAP service served at ``/soap/<name>``.

    ``operations`` maps the local name of the request payload element (the first child of
    soap:Body) to the function that answers it.
    """

    name: str
    namespace: str
    wsdl_file: Path
    operations: dict[str, Operation]


# --- reading request payloads ---------------------------------------------------------


def local_name(element: etree._Element) -> str:
    """The local name of ``element`` without its namespace."""
    return str(etree.QName(element).localname)


def child(parent: etree._Element, name: str) -> etree._Element | None:
    """The first direct child of ``parent`` with local name ``name`` (any namespace)."""
    for node in parent:
        if isinstance(node.tag, str) and local_name(node) == name:
            return node
    return None


def children(parent: etree._Element, name: str) -> list[etree._Element]:
    """All direct children of ``parent`` with local name ``name`` (any namespace)."""
    return [n for n in parent if isinstance(n.tag, str) and local_name(n) == name]


def _is_nil(node: etree._Element) -> bool:
    nil = node.get("{http://www.w3.org/2001/XMLSchema-instance}nil")
    return nil in ("true", "1")


def opt_text(parent: etree._Element, name: str, *, max_len: int | None = None) -> str | None:
    """Trimmed text of child ``name``; None when absent, nil or empty."""
    node = child(parent, name)
    if node is None or _is_nil(node):
        return None
    value = (node.text or "").strip()
    if not value:
        return None
    if max_len is not None and len(value) > max_len:
        raise SoapFault.validation(name, f"longer than {max_len} characters")
    return value


def req_text(parent: etree._Element, name: str, *, max_len: int | None = None) -> str:
    """Trimmed text of required child ``name``; VALIDATION fault naming it when missing."""
    value = opt_text(parent, name, max_len=max_len)
    if value is None:
        raise SoapFault.validation(name, "is required")
    return value


def opt_decimal(parent: etree._Element, name: str) -> Decimal | None:
    """Child ``name`` as a finite Decimal, or None when absent."""
    raw = opt_text(parent, name)
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise SoapFault.validation(name, f"{raw!r} is not a decimal") from None
    if not value.is_finite():
        raise SoapFault.validation(name, "must be a finite decimal")
    return value


def req_decimal(parent: etree._Element, name: str) -> Decimal:
    """Required child ``name`` as a Decimal."""
    value = opt_decimal(parent, name)
    if value is None:
        raise SoapFault.validation(name, "is required")
    return value


def opt_int(parent: etree._Element, name: str) -> int | None:
    """Child ``name`` as an int, or None when absent."""
    raw = opt_text(parent, name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise SoapFault.validation(name, f"{raw!r} is not an integer") from None


def req_int(parent: etree._Element, name: str) -> int:
    """Required child ``name`` as an int."""
    value = opt_int(parent, name)
    if value is None:
        raise SoapFault.validation(name, "is required")
    return value


def opt_date(parent: etree._Element, name: str) -> date | None:
    """Child ``name`` as an xsd:date (YYYY-MM-DD), or None when absent."""
    raw = opt_text(parent, name)
    if raw is None:
        return None
    # xsd:date may carry a zone ("Z" or "+01:00"); the calendar date is what counts.
    if not _XSD_DATE.fullmatch(raw):
        raise SoapFault.validation(name, f"{raw!r} is not an xsd:date")
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise SoapFault.validation(name, f"{raw!r} is not an xsd:date") from None


def req_date(parent: etree._Element, name: str) -> date:
    """Required child ``name`` as an xsd:date."""
    value = opt_date(parent, name)
    if value is None:
        raise SoapFault.validation(name, "is required")
    return value


def opt_datetime(parent: etree._Element, name: str) -> datetime | None:
    """Child ``name`` as an xsd:dateTime in UTC (a value without offset is taken as UTC)."""
    raw = opt_text(parent, name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise SoapFault.validation(name, f"{raw!r} is not an xsd:dateTime") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def req_datetime(parent: etree._Element, name: str) -> datetime:
    """Required child ``name`` as an xsd:dateTime in UTC."""
    value = opt_datetime(parent, name)
    if value is None:
        raise SoapFault.validation(name, "is required")
    return value


def opt_bool(parent: etree._Element, name: str) -> bool | None:
    """Child ``name`` as an xsd:boolean, or None when absent."""
    raw = opt_text(parent, name)
    if raw is None:
        return None
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise SoapFault.validation(name, f"{raw!r} is not an xsd:boolean")


# --- building response payloads -------------------------------------------------------

Value = str | int | Decimal | date | datetime | bool | None


def format_value(value: Value) -> str | None:
    """The XSD lexical form of ``value`` (dateTime in UTC with offset, Decimal unexponented)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Builder:
    """Builds elements in one namespace: ``b.el("Name", text)``, ``b.sub(parent, ...)``."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def qname(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}"

    def el(self, name: str, value: Value = None) -> etree._Element:
        """A new element ``name``, with text ``value`` when given."""
        node = etree.Element(self.qname(name), nsmap={None: self.namespace})
        text = format_value(value)
        if text is not None:
            node.text = text
        return node

    def sub(
        self, parent: etree._Element, name: str, value: Value = None, *, skip_none: bool = True
    ) -> etree._Element | None:
        """Append child ``name`` to ``parent``; omitted when ``value`` is None and skip_none."""
        text = format_value(value)
        if text is None and skip_none:
            return None
        node = etree.SubElement(parent, self.qname(name))
        if text is not None:
            node.text = text
        return node

    def group(self, parent: etree._Element, name: str) -> etree._Element:
        """Append an empty container child ``name`` to ``parent`` and return it."""
        return etree.SubElement(parent, self.qname(name))

    def fields(self, parent: etree._Element, pairs: Iterable[tuple[str, Value]]) -> None:
        """Append simple children in order, skipping None values (minOccurs=0)."""
        for name, value in pairs:
            self.sub(parent, name, value)
