"""Build the ERP's ASGI app: the sales service and, when present, procurement."""

from __future__ import annotations

import importlib
import logging
import os

from fastapi import FastAPI

from reference.erp.db import Base
from reference.erp.sales.service import SALES_SERVICE
from reference.erp.soap.app import build_soap_app
from reference.erp.soap.security import UsernameTokenVerifier
from reference.erp.soap.service import SoapService
from reference.kit.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)

DEMO_USER = "hub"
DEMO_PASSWORD = "erp-demo-secret"  # noqa: S105 - the documented demo account
PROCUREMENT_MODULE = "reference.erp.procurement.service"

DESCRIPTION = """SOAP 1.1 reference ERP. Services are served at `/soap/<name>` (POST a SOAP
envelope) with their WSDL at `/soap/<name>?wsdl`. Every operation needs a WS-Security
UsernameToken (PasswordText or PasswordDigest). Faults come back as HTTP 500 with a
soap:Fault whose detail carries a machine code and the failing field."""


def credentials() -> tuple[str, str]:
    """The account operations must present; REF_ERP_USER / REF_ERP_PASSWORD override."""
    return (
        os.environ.get("REF_ERP_USER", DEMO_USER),
        os.environ.get("REF_ERP_PASSWORD", DEMO_PASSWORD),
    )


def procurement_service() -> SoapService | None:
    """The procurement service when its package is installed, else None."""
    try:
        module = importlib.import_module(PROCUREMENT_MODULE)
    except ModuleNotFoundError as exc:
        # Only a missing procurement package is expected; a broken import inside it is a bug.
        if exc.name not in (PROCUREMENT_MODULE, "reference.erp.procurement"):
            raise
        return None
    service = getattr(module, "PROCUREMENT_SERVICE", None)
    if not isinstance(service, SoapService):
        log.warning("%s has no PROCUREMENT_SERVICE; not mounted", PROCUREMENT_MODULE)
        return None
    return service


def services() -> list[SoapService]:
    """Every service the ERP serves (importing them also registers their tables)."""
    found = [SALES_SERVICE]
    procurement = procurement_service()
    if procurement is not None:
        found.append(procurement)
    return found


def create_app(db_url: str) -> FastAPI:
    """The ERP app on ``db_url``; creates missing tables (idempotent)."""
    mounted = services()
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    user, password = credentials()
    return build_soap_app(
        mounted,
        make_sessionmaker(engine),
        UsernameTokenVerifier(user, password),
        title="Reference ERP (SOAP)",
        description=DESCRIPTION,
        on_shutdown=engine.dispose,
    )
