"""Safe XML parsing: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import re

from lxml import etree

from reference.erp.soap.faults import SoapFault

MAX_XML_BYTES = 5 * 1024 * 1024
# A DOCTYPE may only appear in the prolog; looking at the head avoids scanning big bodies
# twice while still catching it before lxml sees anything.
_DOCTYPE = re.compile(rb"<!\s*DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse ``data`` into an element, refusing DTDs, entities and oversized documents."""
    if len(data) > max_bytes:
        raise SoapFault(f"XML document larger than {max_bytes} bytes", code="XML")
    if _DOCTYPE.search(data) or _ENTITY.search(data):
        raise SoapFault("DOCTYPE and entity declarations are not allowed", code="XML")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise SoapFault(f"malformed XML: {exc.msg}", code="XML") from None
    # Belt and braces: a DOCTYPE in another encoding slips past the byte scan; lxml records it.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise SoapFault("DOCTYPE and entity declarations are not allowed", code="XML")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise SoapFault("entity references are not allowed", code="XML")
    return root
