"""Reference WMS: warehouses, a stock movement ledger, receipts, shipments, transfers, counts.

REST/JSON with HTTP basic auth; see README.md in this package for the API.
"""

from __future__ import annotations

from reference.kit.spec import SystemSpec
from reference.wms.app import create_app
from reference.wms.auth import DEMO_PASSWORD, DEMO_USER, DEMO_VIEWER, DEMO_VIEWER_PASSWORD
from reference.wms.seed import seed

SPEC = SystemSpec(
    name="wms",
    title="Reference WMS (warehouse)",
    default_port=8104,
    protocol="REST/JSON",
    auth="HTTP basic; role operator writes, role viewer reads only",
    credentials={
        "user": DEMO_USER,
        "password": DEMO_PASSWORD,
        "viewer_user": DEMO_VIEWER,
        "viewer_password": DEMO_VIEWER_PASSWORD,
    },
    create_app=create_app,
    seed=seed,
    extra={
        "env": "REF_WMS_USER, REF_WMS_PASSWORD, REF_WMS_VIEWER_USER, "
        "REF_WMS_VIEWER_PASSWORD, REF_WMS_GS1_PREFIX, REF_WMS_DATABASE_URL",
        "paging": "page number: ?page=1&page_size=100",
    },
)

__all__ = ["SPEC", "create_app", "seed"]
