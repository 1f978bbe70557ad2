"""Reference CRM: accounts, contacts, leads, opportunities, tickets (REST/JSON, OAuth2).

See README.md in this package for the API: endpoints, auth, paging and native shapes.
"""

from __future__ import annotations

from reference.crm.app import create_app
from reference.crm.config import CrmSettings
from reference.crm.seed import seed
from reference.kit.spec import SystemSpec

_demo = CrmSettings.from_env().clients[0]

SPEC = SystemSpec(
    name="crm",
    title="Reference CRM",
    default_port=8101,
    protocol="REST/JSON, cursor pagination",
    auth="OAuth2 client credentials at POST /oauth/token; bearer scopes crm.read, crm.write",
    credentials={"client_id": _demo.client_id, "client_secret": _demo.secret},
    create_app=create_app,
    seed=seed,
    extra={
        "env": "REF_CRM_CLIENT_ID, REF_CRM_CLIENT_SECRET, REF_CRM_TOKEN_LIFETIME, "
        "REF_CRM_DATABASE_URL",
        "token_url": "/oauth/token",
        "paging": "cursor: ?limit=100&updated_since=...; then ?cursor=<next_cursor>",
    },
)

__all__ = ["SPEC", "CrmSettings", "create_app", "seed"]
