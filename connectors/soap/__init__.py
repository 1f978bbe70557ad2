"""The SOAP connector: a profile-driven source and sink over zeep.

Public names are re-exported here; the implementation lives in small modules:
``config`` (the resolved per-entity plan, and the deprecated ``soap:`` block), ``wsdl`` (hardened
XML settings, the quiet transport, the per-URL WSDL cache), ``faults`` (SOAP faults and
zeep failures as connector errors), ``records`` (zeep objects to plain dicts),
``client`` (SoapClient), ``source``, ``sink`` and ``factory``.
"""

from __future__ import annotations

from connectors.soap.client import SoapClient, build_wsse
from connectors.soap.config import (
    EntityPlan,
    SoapEntityOptions,
    SoapOptions,
    apply_soap_options,
    check_soap_profile,
    load_soap_profile,
    parse_soap_options,
    plan_entity,
    split_soap_document,
)
from connectors.soap.factory import connector_from_profile, soap_connector
from connectors.soap.faults import (
    SoapAuthFault,
    SoapClientFault,
    SoapServerFault,
    UnsafeXml,
    error_for_fault,
)
from connectors.soap.records import plain
from connectors.soap.sink import SoapSink
from connectors.soap.source import SoapSource
from connectors.soap.wsdl import WSDL_CACHE, QuietTransport, WsdlCache, hardened_settings

__all__ = [
    "WSDL_CACHE",
    "EntityPlan",
    "QuietTransport",
    "SoapAuthFault",
    "SoapClient",
    "SoapClientFault",
    "SoapEntityOptions",
    "SoapOptions",
    "SoapServerFault",
    "SoapSink",
    "SoapSource",
    "UnsafeXml",
    "WsdlCache",
    "apply_soap_options",
    "build_wsse",
    "check_soap_profile",
    "connector_from_profile",
    "error_for_fault",
    "hardened_settings",
    "load_soap_profile",
    "parse_soap_options",
    "plain",
    "plan_entity",
    "soap_connector",
    "split_soap_document",
]
