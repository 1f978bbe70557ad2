"""Deploy the definitions, register the world's approvers and open a few requests."""

from __future__ import annotations

from typing import Any

from reference.kit.db import make_engine, make_sessionmaker
from reference.oa.app import approver_token
from reference.oa.auth import token_digest
from reference.oa.definitions import DEFINITIONS
from reference.oa.engine import start_instance
from reference.oa.models import AccessToken, Base, ProcessDefinition, User
from reference.oa.schemas import StartIn
from reference.seed.world import World

# (definition, business key, requester, amount, details) of requests left open for the demo.
OPEN_REQUESTS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("travel", "TRV-0001", "emp.schulz", "1250.00", {"destination": "Lyon", "nights": 2}),
    ("travel", "TRV-0002", "emp.novak", "4800.00", {"destination": "Chicago", "nights": 6}),
    ("expense", "EXP-0001", "emp.schulz", "320.50", {"category": "meals"}),
    ("expense", "EXP-0002", "emp.dubois", "1890.00", {"category": "training"}),
]


def seed(db_url: str, world: World) -> None:
    """Idempotent: definitions and users are merged, requests started by business key."""
    engine = make_engine(db_url)
    try:
        Base.metadata.create_all(engine)
        with make_sessionmaker(engine)() as session:
            for definition in DEFINITIONS:
                session.merge(ProcessDefinition(**definition))
            for approver in world.approvers:
                session.merge(
                    User(
                        user_id=approver.user,
                        name=approver.name,
                        role=approver.role,
                        email=approver.email,
                    )
                )
                session.merge(
                    AccessToken(
                        token_sha256=token_digest(approver_token(approver.user)),
                        user_id=approver.user,
                    )
                )
            session.commit()
            for key, business_key, requester, amount, details in OPEN_REQUESTS:
                body = {
                    "businessKey": business_key,
                    "variables": {
                        "amount": {"value": amount, "type": "String"},
                        "currency": {"value": "EUR", "type": "String"},
                        "requester": {"value": requester, "type": "String"},
                        "details": {"value": details, "type": "Json"},
                    },
                }
                start_instance(session, key, StartIn.model_validate(body))
    finally:
        engine.dispose()
