"""The CRM's settings: OAuth clients, token lifetime, and the runtime an app holds."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from reference.crm.gate import WriteGate

SCOPES = frozenset({"crm.read", "crm.write"})
DEMO_CLIENT_ID = "hub"
DEMO_CLIENT_SECRET = "crm-demo-secret"  # noqa: S105 - a documented demo credential
DEFAULT_TOKEN_LIFETIME = 300


@dataclass(frozen=True)
class Client:
    """An OAuth2 client allowed the client-credentials grant."""

    client_id: str
    secret: str = field(repr=False)
    scopes: frozenset[str] = SCOPES


@dataclass(frozen=True)
class CrmSettings:
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    clients: tuple[Client, ...] = ()

    @classmethod
    def from_env(cls) -> CrmSettings:
        """Demo client and lifetime, overridable by REF_CRM_CLIENT_ID/_SECRET/_TOKEN_LIFETIME."""
        client = Client(
            os.environ.get("REF_CRM_CLIENT_ID", DEMO_CLIENT_ID),
            os.environ.get("REF_CRM_CLIENT_SECRET", DEMO_CLIENT_SECRET),
        )
        lifetime = int(os.environ.get("REF_CRM_TOKEN_LIFETIME", DEFAULT_TOKEN_LIFETIME))
        return cls(token_lifetime=lifetime, clients=(client,))

    def client(self, client_id: str) -> Client | None:
        return next((c for c in self.clients if c.client_id == client_id), None)


@dataclass
class Runtime:
    """What the routes of one app share: settings, sessions and the write gate."""

    settings: CrmSettings
    sessions: sessionmaker[Session]
    gate: WriteGate
