"""SOAP 1.1 envelopes: find the header and payload of a request, wrap responses and faults."""

from __future__ import annotations

from lxml import etree

from reference.erp.soap.faults import SoapFault

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
FAULT_NS = "urn:reference:erp:fault"


def split_envelope(root: etree._Element) -> tuple[etree._Element | None, etree._Element]:
    """The (Header or None, payload) of a SOAP 1.1 envelope; XML fault when it is not one."""
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapFault("not a SOAP 1.1 Envelope", code="XML", field="Envelope")
    header = root.find(f"{{{SOAP_ENV}}}Header")
    body = root.find(f"{{{SOAP_ENV}}}Body")
    if body is None:
        raise SoapFault("SOAP Body missing", code="XML", field="Body")
    payload = [node for node in body if isinstance(node.tag, str)]
    if len(payload) != 1:
        raise SoapFault("SOAP Body must hold exactly one element", code="XML", field="Body")
    return header, payload[0]


def wrap(payload: etree._Element) -> bytes:
    """A response envelope around ``payload``."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    body.append(payload)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))


def fault_envelope(fault: SoapFault) -> bytes:
    """A SOAP 1.1 fault envelope with the machine code and field in ``detail``."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    # faultcode, faultstring and detail are unqualified in SOAP 1.1.
    etree.SubElement(node, "faultcode").text = fault.faultcode
    etree.SubElement(node, "faultstring").text = fault.faultstring
    detail = etree.SubElement(node, "detail")
    erp = etree.SubElement(detail, f"{{{FAULT_NS}}}ErpFault", nsmap={"erp": FAULT_NS})
    etree.SubElement(erp, f"{{{FAULT_NS}}}Code").text = fault.code
    if fault.field:
        etree.SubElement(erp, f"{{{FAULT_NS}}}Field").text = fault.field
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))
