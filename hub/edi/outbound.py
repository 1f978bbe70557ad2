"""Sending to a partner: canonical document -> EDI with fresh control numbers -> outbox.

Documents wait in ``edi_documents`` (direction ``out``, status ``pending``). Sending one:

1. in ONE transaction: allocate interchange, group and transaction control numbers,
   write the interchange, archive it locally, record it in ``edi_interchanges``
   (status ``sending``, ack ``pending`` with its due time) and mark the document ``sent``;
2. upload it under a temporary name and rename it (readers never see half a file);
3. mark the interchange ``sent``.

A crash between 1 and 3 leaves a ``sending`` row whose archived file the next cycle
uploads again (an existing remote file means the first upload got through).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from canonical import Invoice, PurchaseOrder, Shipment, StockLevel
from connectors.edi.edifact import InterchangeOut, MessageOut
from connectors.edi.edifact import generate_interchange as generate_edifact
from connectors.edi.edifact.translate import (
    invoice_to_invoic,
    purchase_order_to_orders,
    purchase_order_to_ordrsp,
    shipment_to_desadv,
    stock_to_invrpt,
)
from connectors.edi.x12.translate import (
    invoice_to_810,
    purchase_order_to_850,
    purchase_order_to_855,
    shipment_to_856,
    stock_to_846,
)
from connectors.edi.x12.writer import OutboundGroup, OutboundTransaction
from connectors.edi.x12.writer import generate_interchange as generate_x12
from connectors.sftp import RemoteFileExists, SftpConnector
from hub.edi.archive import LocalArchive
from hub.edi.documents import jsonable
from hub.edi.options import edifact_chars, edifact_options, x12_options, x12_separators, x12_syntax
from hub.edi.partner import PartnerProfile
from hub.store import (
    EDIFACT_REFERENCE_MAX,
    next_control_number,
    record_interchange,
    update_interchange_status,
)
from hub.store.edi_documents import add_document, iter_documents, mark_document
from hub.store.models import EdiDocument, EdiInterchange

logger = logging.getLogger("hub.edi")

# our document type -> (X12 type, EDIFACT type)
EDI_TYPES: dict[str, tuple[str, str]] = {
    "purchase_order": ("850", "ORDERS"),
    "purchase_order_confirmation": ("855", "ORDRSP"),
    "shipment": ("856", "DESADV"),
    "invoice": ("810", "INVOIC"),
    "stock": ("846", "INVRPT"),
}


class OutboundError(Exception):
    """A document cannot be sent to this partner (not agreed, or not writable)."""


@dataclass(slots=True)
class SentInterchange:
    """One interchange we put in the partner's outbox."""

    interchange_id: int
    document_id: int | None
    filename: str
    control_number: str
    edi_type: str
    uploaded: bool  # False when the file was already there (an earlier attempt)


def _model(doc_type: str, data: Any) -> Any:
    if doc_type in ("purchase_order", "purchase_order_confirmation"):
        return PurchaseOrder.model_validate(data)
    if doc_type == "shipment":
        return Shipment.model_validate(data)
    if doc_type == "invoice":
        return Invoice.model_validate(data)
    if doc_type == "stock":
        return [StockLevel.model_validate(x) for x in data]
    raise OutboundError(f"no outbound translation for {doc_type!r}")


def edi_type_for(profile: PartnerProfile, doc_type: str) -> str:
    """The X12 or EDIFACT type a document travels as to this partner."""
    if doc_type not in EDI_TYPES:
        raise OutboundError(f"no outbound translation for {doc_type!r}")
    x12, edifact = EDI_TYPES[doc_type]
    edi_type = x12 if profile.standard == "x12" else edifact
    if edi_type not in profile.documents.outbound:
        raise OutboundError(
            f"{edi_type} is not agreed with {profile.id} "
            f"(outbound: {', '.join(profile.documents.outbound)})"
        )
    return edi_type


def queue_document(
    session: Session, profile: PartnerProfile, doc_type: str, document: BaseModel | Sequence[Any]
) -> EdiDocument:
    """Put a canonical document in the queue for ``profile`` (checked: it must be agreed)."""
    edi_type = edi_type_for(profile, doc_type)
    reference = None
    for attr in ("po_number", "shipment_number", "invoice_number"):
        reference = reference or getattr(document, attr, None)
    return add_document(
        session,
        partner=profile.id,
        direction="out",
        doc_type=doc_type,
        canonical=jsonable(document),
        edi_type=edi_type,
        reference=reference,
    )


@dataclass(slots=True)
class _Written:
    text: str
    control_number: str
    group: str | None
    transactions: list[str]


def _x12_body(profile: PartnerProfile, doc_type: str, record: Any, now: datetime) -> list[Any]:
    opts = x12_options(profile)
    writers: dict[str, Callable[[], list[Any]]] = {
        "purchase_order": lambda: purchase_order_to_850(record, opts),
        "purchase_order_confirmation": lambda: purchase_order_to_855(record, now.date(), opts),
        "shipment": lambda: shipment_to_856(record, now.replace(microsecond=0), opts),
        "invoice": lambda: invoice_to_810(record, opts),
        "stock": lambda: stock_to_846(record, f"STK-{now:%Y%m%d%H%M%S}", now, opts),
    }
    return writers[doc_type]()


def _edifact_body(profile: PartnerProfile, doc_type: str, record: Any, now: datetime) -> list[Any]:
    opts = edifact_options(profile)
    writers: dict[str, Callable[[], list[Any]]] = {
        "purchase_order": lambda: purchase_order_to_orders(record, opts),
        "purchase_order_confirmation": lambda: purchase_order_to_ordrsp(record, opts),
        "shipment": lambda: shipment_to_desadv(record, opts),
        "invoice": lambda: invoice_to_invoic(record, opts),
        "stock": lambda: stock_to_invrpt(record, f"STK-{now:%Y%m%d%H%M%S}", now, opts),
    }
    return writers[doc_type]()


def write_interchange(
    session: Session, profile: PartnerProfile, doc_type: str, record: Any, now: datetime
) -> _Written:
    """The interchange carrying one document, with control numbers from the state store."""
    edi_type = edi_type_for(profile, doc_type)
    partner = profile.id
    if profile.standard == "x12":
        body = _x12_body(profile, doc_type, record, now)
        icn = str(next_control_number(session, partner, "interchange")).zfill(9)
        gcn = str(next_control_number(session, partner, "group"))
        tcn = str(next_control_number(session, partner, "transaction")).zfill(4)
        text = generate_x12(
            [
                OutboundGroup(
                    gcn,
                    [OutboundTransaction(edi_type, tcn, body)],
                    version=profile.version,
                    sender=profile.ours.group_id or profile.ours.id,
                    receiver=profile.theirs.group_id or profile.theirs.id,
                )
            ],
            sender_qualifier=profile.ours.qualifier or "ZZ",
            sender=profile.ours.id,
            receiver_qualifier=profile.theirs.qualifier or "ZZ",
            receiver=profile.theirs.id,
            control_number=icn,
            separators=x12_separators(profile),
            when=now,
            version=x12_syntax(profile),
            test=profile.test,
            ack_requested=profile.acknowledgements.request_ta1,
        )
        return _Written(text, icn, gcn, [tcn])
    body = _edifact_body(profile, doc_type, record, now)
    top = EDIFACT_REFERENCE_MAX
    icn = str(next_control_number(session, partner, "interchange", maximum=top))
    mref = str(next_control_number(session, partner, "transaction", maximum=top))
    syntax, _, syntax_version = (profile.syntax or "UNOC:3").partition(":")
    text = generate_edifact(
        InterchangeOut(
            sender=profile.ours.id,
            receiver=profile.theirs.id,
            sender_qualifier=profile.ours.qualifier,
            receiver_qualifier=profile.theirs.qualifier,
            control_reference=icn,
            messages=[
                MessageOut(
                    reference=mref,
                    type=edi_type,
                    body=body,
                    version=profile.version[0],
                    release=profile.version[1:],
                )
            ],
            syntax=syntax,
            syntax_version=syntax_version or "3",
            prepared=now,
            ack_request=profile.acknowledgements.expect,
            test=profile.test,
            chars=edifact_chars(profile),
            suffix="\n" if profile.edifact_separators.newline else "",
        )
    )
    return _Written(text, icn, None, [mref])


class OutboundExchange:
    """Sends one partner's queued documents and re-sends interrupted uploads."""

    def __init__(
        self,
        profile: PartnerProfile,
        sessions: sessionmaker[Session],
        sftp: SftpConnector,
        archive: LocalArchive,
    ) -> None:
        self.profile = profile
        self.sessions = sessions
        self.sftp = sftp
        self.archive = archive

    def run(self) -> list[SentInterchange]:
        """Finish interrupted uploads, then send every pending document."""
        sent = self._resume()
        with self.sessions() as session:
            waiting = [
                d.id
                for d in iter_documents(
                    session, partner=self.profile.id, direction="out", status="pending"
                )
            ]
        for document_id in waiting:
            item = self.send_document(document_id)
            if item is not None:
                sent.append(item)
        return sent

    def send_document(
        self, document_id: int, now: datetime | None = None
    ) -> SentInterchange | None:
        """Write, record and upload one queued document; None if it was sent meanwhile."""
        moment = now or datetime.now(UTC)
        profile = self.profile
        with self.sessions.begin() as session:
            doc = session.get(EdiDocument, document_id, with_for_update=True)
            if doc is None or doc.status != "pending":
                return None
            try:
                record = _model(doc.doc_type, doc.canonical)
                written = write_interchange(session, profile, doc.doc_type, record, moment)
            except Exception as exc:  # a document we cannot write must not block the queue
                mark_document(session, doc.id, "failed", error=f"{type(exc).__name__}: {exc}")
                logger.warning("EDI %s: document %s not sent: %s", profile.id, doc.id, exc)
                return None
            edi_type = doc.edi_type or edi_type_for(profile, doc.doc_type)
            name = f"{edi_type}_{written.control_number}.edi"
            self.archive.keep_sent(profile.id, name, written.text, moment)
            expect = profile.acknowledgements.expect
            row = record_interchange(
                session,
                partner=profile.id,
                direction="out",
                standard=profile.standard,
                interchange_control_number=written.control_number,
                sender=profile.ours.id,
                receiver=profile.theirs.id,
                sha256=hashlib.sha256(written.text.encode("utf-8")).hexdigest(),
                status="sending",
                group_control_number=written.group,
                transaction_control_numbers=written.transactions,
                filename=name,
                ack_status="pending" if expect else None,
                ack_due_at=moment + profile.acknowledgements.due if expect else None,
            )
            mark_document(
                session,
                doc.id,
                "sent",
                interchange_id=row.id,
                control_number=written.transactions[0],
            )
            interchange_id = row.id
        uploaded = self._upload(name, written.text)
        with self.sessions.begin() as session:
            update_interchange_status(session, interchange_id, status="sent")
        return SentInterchange(
            interchange_id, document_id, name, written.control_number, edi_type, uploaded
        )

    def _upload(self, name: str, text: str) -> bool:
        try:
            self.sftp.upload_from([text.encode("utf-8")], name, folder="outbox")
        except RemoteFileExists:
            return False
        return True

    def _resume(self) -> list[SentInterchange]:
        with self.sessions() as session:
            stuck = list(
                session.execute(
                    select(EdiInterchange).where(
                        EdiInterchange.partner == self.profile.id,
                        EdiInterchange.direction == "out",
                        EdiInterchange.status == "sending",
                    )
                ).scalars()
            )
        out = []
        for row in stuck:
            path = self.archive.find_sent(self.profile.id, row.filename or "")
            if path is None:
                logger.error("EDI %s: archived %s is missing", self.profile.id, row.filename)
                continue
            uploaded = self._upload(path.name, path.read_text(encoding="utf-8"))
            with self.sessions.begin() as session:
                update_interchange_status(session, row.id, status="sent")
            out.append(
                SentInterchange(
                    row.id, None, path.name, row.interchange_control_number, "", uploaded
                )
            )
        return out
