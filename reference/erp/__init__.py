"""The reference ERP: a SOAP 1.1 system for master data, sales and procurement.

See README.md in this package for services, auth, paging and native shapes.
"""

from __future__ import annotations

from typing import Any

from reference.kit.spec import SystemSpec
from reference.seed.world import World


def _create_app(db_url: str) -> Any:
    # Imported on use so that importing a submodule (e.g. procurement) stays light and acyclic.
    from reference.erp.app import create_app

    return create_app(db_url)


def _seed(db_url: str, world: World) -> None:
    from reference.erp.seed import seed

    seed(db_url, world)


SPEC = SystemSpec(
    name="erp",
    title="Reference ERP (SOAP 1.1: master data, sales, procurement)",
    default_port=8102,
    protocol="SOAP 1.1",
    auth="WS-Security UsernameToken (PasswordText or PasswordDigest) in the SOAP header",
    credentials={
        "REF_ERP_USER": "hub",
        "REF_ERP_PASSWORD": "erp-demo-secret",
    },
    create_app=_create_app,
    seed=_seed,
    docs_path="/soap/sales?wsdl",
    health_path="/health",
    extra={"wsdl": "/soap/sales?wsdl", "procurement_wsdl": "/soap/procurement?wsdl"},
)
