"""The FastAPI app that serves SOAP services at /soap/<name> and their WSDLs at ?wsdl."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from lxml import etree
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from reference.erp.soap.dispatcher import FAULT_STATUS, Dispatcher
from reference.erp.soap.envelope import fault_envelope
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.security import UsernameTokenVerifier
from reference.erp.soap.service import SoapService
from reference.erp.soap.xml import MAX_XML_BYTES, parse_xml

log = logging.getLogger(__name__)

XML_TYPE = "text/xml; charset=utf-8"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"


def _load_wsdl(service: SoapService) -> etree._Element:
    return parse_xml(service.wsdl_file.read_bytes())


def _wsdl_for(template: etree._Element, location: str) -> bytes:
    """The WSDL with every soap:address pointing at ``location``."""
    doc = copy.deepcopy(template)
    for address in doc.iter(f"{{{WSDL_SOAP}}}address"):
        address.set("location", location)
    return bytes(etree.tostring(doc, xml_declaration=True, encoding="utf-8"))


async def _read_capped(request: Request) -> bytes:
    """The request body, refusing more than MAX_XML_BYTES without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_XML_BYTES:
        raise SoapFault(f"request larger than {MAX_XML_BYTES} bytes", code="XML")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_XML_BYTES:
            raise SoapFault(f"request larger than {MAX_XML_BYTES} bytes", code="XML")
        chunks.append(chunk)
    return b"".join(chunks)


def build_soap_app(
    services: Sequence[SoapService],
    sessions: sessionmaker[Session],
    verifier: UsernameTokenVerifier,
    *,
    title: str,
    description: str,
    on_shutdown: Callable[[], None] | None = None,
) -> FastAPI:
    """A FastAPI app serving ``services``; /health needs no auth, every operation does."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if on_shutdown is not None:
            on_shutdown()

    app = FastAPI(title=title, description=description, lifespan=lifespan)
    wsdls: dict[str, etree._Element] = {}
    for service in services:
        if not service.wsdl_file.is_file():
            # One service without its contract must not take the others down with it.
            log.error("service %s not mounted: %s missing", service.name, service.wsdl_file)
            continue
        wsdls[service.name] = _load_wsdl(service)
    lock = threading.Lock()
    dispatchers = {
        s.name: Dispatcher(s, sessions, verifier, lock) for s in services if s.name in wsdls
    }

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "system": "erp", "services": sorted(dispatchers)}

    @app.get("/soap/{name}", response_class=Response)
    def wsdl(name: str, request: Request) -> Response:
        """The service's WSDL (``?wsdl``), its address rewritten to where it was fetched."""
        if name not in wsdls:
            return Response("unknown service", status_code=404, media_type="text/plain")
        if "wsdl" not in request.query_params and "WSDL" not in request.query_params:
            return Response("append ?wsdl for the WSDL", status_code=400, media_type="text/plain")
        location = str(request.url.replace(query=""))
        return Response(_wsdl_for(wsdls[name], location), media_type=XML_TYPE)

    @app.post("/soap/{name}", response_class=Response)
    async def call(name: str, request: Request) -> Response:
        """One SOAP 1.1 request; faults come back with HTTP 500 as SOAP 1.1 prescribes."""
        dispatcher = dispatchers.get(name)
        if dispatcher is None:
            return Response("unknown service", status_code=404, media_type="text/plain")
        try:
            body = await _read_capped(request)
        except SoapFault as fault:
            return Response(fault_envelope(fault), FAULT_STATUS, media_type=XML_TYPE)
        status, content = await run_in_threadpool(dispatcher.handle, body)
        return Response(content, status_code=status, media_type=XML_TYPE)

    return app
