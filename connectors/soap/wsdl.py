"""Hardened zeep plumbing: safe XML settings, a quiet transport, and a per-URL WSDL cache."""

from __future__ import annotations

import threading
from typing import Any

import requests
import zeep
from zeep.loader import parse_xml
from zeep.wsdl import Document

from connectors.soap.faults import DoctypeFound, HttpStatusError

Timeouts = tuple[float, float]
# zeep's functions are unannotated (or annotated too narrowly): call them through Any.
_parse_xml: Any = parse_xml
_document: Any = Document
# A prolog longer than this (comments, processing instructions) is not a real answer.
_PROLOG_LIMIT = 64 * 1024
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_SOAP_ENVELOPES = (
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2003/05/soap-envelope",
)


def refuse_doctype(content: bytes | None) -> None:
    """Raise DoctypeFound when the XML prolog holds a <!DOCTYPE>.

    Checked before any parser sees the bytes: libxml2 may give up on an entity bomb
    with a mere syntax error, which would then pass for a garbled (retriable) answer.
    """
    if not content:
        return
    text = _prolog_text(content)
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith("<?", position):
            end = text.find("?>", position)
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
        else:
            break
        if end < 0:
            return  # unterminated: the parser will report the malformed XML
        position = end + 2
    if text[position : position + 9].upper() == "<!DOCTYPE":
        raise DoctypeFound("the XML declares a DOCTYPE")


def _prolog_text(content: bytes) -> str:
    head = content[:_PROLOG_LIMIT]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[0] == 60 else "utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def hardened_settings() -> zeep.Settings:
    """zeep settings that refuse DTDs, entities, external fetches and huge trees."""
    return zeep.Settings(
        strict=True,
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
        xml_huge_tree=False,
    )


class QuietTransport(zeep.Transport):
    """A zeep transport with timeouts on every request, which never logs message bodies.

    zeep's own transport logs each envelope at DEBUG, WS-Security password included;
    this one logs nothing. An HTTP error answer other than SOAP 1.1's 500 that carries no
    SOAP fault (a 503 from a proxy, a 429) raises `HttpStatusError`, so it is mapped by
    status instead of being read as a malformed reply.
    """

    def __init__(self, session: requests.Session, timeouts: Timeouts) -> None:
        init: Any = super().__init__
        init(session=session, timeout=timeouts, operation_timeout=timeouts)
        self._xml_settings = hardened_settings()

    def load(self, url: str) -> bytes:
        """A WSDL or schema document, refused if its prolog declares a DTD."""
        loader: Any = super().load
        content = bytes(loader(url))
        refuse_doctype(content)
        return content

    def post(self, address: str, message: bytes | str, headers: dict[str, str]) -> Any:
        response = self.session.post(
            address, data=message, headers=headers, timeout=self.operation_timeout
        )
        refuse_doctype(response.content)
        status = response.status_code
        if status >= 400 and status != 500 and not self._holds_fault(response):
            raise HttpStatusError(response)
        return response

    def _holds_fault(self, response: requests.Response) -> bool:
        if not response.content or "xml" not in response.headers.get("Content-Type", ""):
            return False
        try:
            # The same hardened parse as zeep's: a DTD or entity raises here too.
            doc = _parse_xml(response.content, self, settings=self._xml_settings)
        except zeep.exceptions.XMLSyntaxError:
            return False
        return any(doc.find(f"{{{ns}}}Body/{{{ns}}}Fault") is not None for ns in _SOAP_ENVELOPES)

    def _load_remote_data(self, url: str) -> bytes:
        response = self.session.get(url, timeout=self.load_timeout)
        try:
            response.raise_for_status()
            return bytes(response.content)
        finally:
            response.close()


class WsdlCache:
    """Parsed WSDL documents by URL, each loaded once per process.

    Parsing a WSDL and its schema is the slow part of building a zeep client, and the
    document holds no credentials, so every connector to the same URL shares it.
    """

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.loads = 0

    def get(self, url: str, transport: zeep.Transport) -> Document:
        """The document at ``url``, loaded through ``transport`` the first time only."""
        with self._lock:
            document = self._documents.get(url)
            if document is not None:
                return document
            lock = self._locks.setdefault(url, threading.Lock())
        with lock:  # a second caller waits for the first load instead of repeating it
            document = self._documents.get(url)
            if document is None:
                document = _document(url, transport, settings=hardened_settings())
                with self._lock:
                    self._documents[url] = document
                    self.loads += 1
            return document

    def forget(self, url: str | None = None) -> None:
        """Drop one URL's document (or all), e.g. after the system changed its contract."""
        with self._lock:
            if url is None:
                self._documents.clear()
            else:
                self._documents.pop(url, None)

    def __contains__(self, url: object) -> bool:
        return url in self._documents


WSDL_CACHE = WsdlCache()
"""The process-wide cache every SOAP connector uses unless given its own."""
