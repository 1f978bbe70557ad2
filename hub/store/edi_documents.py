"""Canonical documents exchanged with EDI partners: inbound awaiting processing, outbound queued."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.store.columns import utcnow
from hub.store.errors import NotFoundError
from hub.store.models import EdiDocument

DocumentStatus = Literal["pending", "processed", "failed", "sent"]


def add_document(
    session: Session,
    *,
    partner: str,
    direction: Literal["in", "out"],
    doc_type: str,
    canonical: Any,
    interchange_id: int | None = None,
    edi_type: str | None = None,
    control_number: str | None = None,
    reference: str | None = None,
    status: DocumentStatus = "pending",
    error: str | None = None,
) -> EdiDocument:
    """Store one canonical document (JSON-able ``canonical``) and return its row."""
    now = utcnow()
    row = EdiDocument(
        interchange_id=interchange_id,
        partner=partner,
        direction=direction,
        doc_type=doc_type,
        edi_type=edi_type,
        control_number=control_number,
        reference=reference,
        canonical=canonical,
        status=status,
        error=error,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get_document(session: Session, document_id: int) -> EdiDocument:
    """One document by id; raises `NotFoundError`."""
    row = session.get(EdiDocument, document_id)
    if row is None:
        raise NotFoundError(f"no EDI document {document_id}")
    return row


def iter_documents(
    session: Session,
    *,
    partner: str | None = None,
    direction: Literal["in", "out"] | None = None,
    status: DocumentStatus | None = None,
    doc_type: str | None = None,
    interchange_id: int | None = None,
    page_size: int = 200,
) -> Iterator[EdiDocument]:
    """Documents matching the filters in id order, fetched a page at a time."""
    after = 0
    while True:
        query = select(EdiDocument).where(EdiDocument.id > after)
        if partner is not None:
            query = query.where(EdiDocument.partner == partner)
        if direction is not None:
            query = query.where(EdiDocument.direction == direction)
        if status is not None:
            query = query.where(EdiDocument.status == status)
        if doc_type is not None:
            query = query.where(EdiDocument.doc_type == doc_type)
        if interchange_id is not None:
            query = query.where(EdiDocument.interchange_id == interchange_id)
        page = list(session.execute(query.order_by(EdiDocument.id).limit(page_size)).scalars())
        yield from page
        if len(page) < page_size:
            return
        after = page[-1].id


def mark_document(
    session: Session,
    document_id: int,
    status: DocumentStatus,
    *,
    error: str | None = None,
    interchange_id: int | None = None,
    control_number: str | None = None,
) -> EdiDocument:
    """Move a document to ``status`` (with the error, or the interchange that carried it)."""
    row = get_document(session, document_id)
    row.status = status
    if error is not None:
        row.error = error
    if interchange_id is not None:
        row.interchange_id = interchange_id
    if control_number is not None:
        row.control_number = control_number
    row.updated_at = utcnow()
    session.flush()
    return row
