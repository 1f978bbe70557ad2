"""The procurement namespace, an element builder for it, and payload-reading helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from lxml import etree

from reference.erp.procurement.checks import in_field
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.service import Builder, children

PROCUREMENT_NS = "urn:reference:erp:procurement"
B = Builder(PROCUREMENT_NS)
T = TypeVar("T")


@contextmanager
def under(prefix: str) -> Iterator[None]:
    """Re-raise a fault from inside a repeated element with its field under ``prefix``."""
    try:
        yield
    except SoapFault as fault:
        raise in_field(fault, prefix) from None


def each(parent: etree._Element, name: str, parse: Callable[[etree._Element], T]) -> list[T]:
    """Parse every ``name`` child; a fault names the child as ``name[n]`` (1-based)."""
    parsed: list[T] = []
    for position, node in enumerate(children(parent, name), start=1):
        with under(f"{name}[{position}]"):
            parsed.append(parse(node))
    return parsed
