"""Small helpers the document modules share: request fingerprints and named counters."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel
from sqlalchemy.orm import Session

from reference.wms.models import Counter


def request_hash(body: BaseModel) -> str:
    """Fingerprint of a request body, to tell an idempotent replay from a key reused."""
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


def next_value(session: Session, name: str) -> int:
    """The next number of counter ``name`` (starting at 1), inside the caller's transaction."""
    counter = session.get(Counter, name, with_for_update=True)
    if counter is None:
        counter = Counter(name=name, value=0)
        session.add(counter)
    counter.value += 1
    session.flush()
    return counter.value
