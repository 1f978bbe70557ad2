"""Turn a SOAP request body into a response body: parse, authenticate, dispatch, wrap."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from reference.erp.soap.envelope import fault_envelope, split_envelope, wrap
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.security import UsernameTokenVerifier
from reference.erp.soap.service import OperationContext, SoapService
from reference.erp.soap.xml import parse_xml

log = logging.getLogger(__name__)

# SOAP 1.1 over HTTP answers every fault with 500, authentication faults included.
FAULT_STATUS = 500


@dataclass
class Dispatcher:
    """Runs operations of one service in a session committed on success."""

    service: SoapService
    sessions: sessionmaker[Session]
    verifier: UsernameTokenVerifier
    # One lock per database, shared by its services: operations run one at a time and take
    # their timestamp inside the lock, so changed_at order is commit order and a
    # changed-since reader can never step past a record that commits later.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, body: bytes) -> tuple[int, bytes]:
        """(HTTP status, response envelope) for a request ``body``."""
        try:
            return 200, wrap(self._dispatch(body))
        except SoapFault as fault:
            log.info("fault %s on %s: %s", fault.code, self.service.name, fault.faultstring)
            return FAULT_STATUS, fault_envelope(fault)
        except IntegrityError:
            # A concurrent writer won a race on a unique key; the client may retry.
            conflict = SoapFault.conflict("concurrent update, retry the request")
            return FAULT_STATUS, fault_envelope(conflict)
        except OperationalError:
            log.exception("database error in %s", self.service.name)
            return FAULT_STATUS, fault_envelope(SoapFault.server("database unavailable"))
        except Exception:
            log.exception("unexpected error in %s", self.service.name)
            return FAULT_STATUS, fault_envelope(SoapFault.server())

    def _dispatch(self, body: bytes) -> etree._Element:
        header, payload = split_envelope(parse_xml(body))
        user = self.verifier.verify(header, datetime.now(UTC))
        qname = etree.QName(payload)
        operation = self.service.operations.get(qname.localname)
        if qname.namespace != self.service.namespace or operation is None:
            raise SoapFault(
                f"unknown operation {qname.localname!r} for service {self.service.name}",
                code="UNKNOWN_OPERATION",
                field=str(qname.localname),
            )
        with self.lock, self.sessions() as session:
            now = datetime.now(UTC)
            try:
                result = operation(OperationContext(session=session, user=user, now=now), payload)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        return result
