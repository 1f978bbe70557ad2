"""One exchange cycle with a partner: receive and acknowledge, then send what is queued."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from connectors.sftp import SftpConnector
from hub.edi.archive import LocalArchive
from hub.edi.inbound import FileResult, InboundExchange
from hub.edi.outbound import OutboundExchange, SentInterchange
from hub.edi.partner import PartnerProfile
from hub.store import overdue_acknowledgements
from hub.store.models import EdiInterchange


@dataclass(slots=True)
class CycleResult:
    """What one cycle did."""

    partner: str
    received: list[FileResult] = field(default_factory=list)
    sent: list[SentInterchange] = field(default_factory=list)
    overdue: list[EdiInterchange] = field(default_factory=list)


def open_connector(profile: PartnerProfile) -> SftpConnector:
    """An SFTP connector for the partner's mailbox (connects on first use)."""
    return SftpConnector(profile.sftp.connector_config(profile.id))


def run_cycle(
    profile: PartnerProfile,
    sessions: sessionmaker[Session],
    *,
    archive: LocalArchive | None = None,
    sftp: SftpConnector | None = None,
    now: datetime | None = None,
) -> CycleResult:
    """Receive every waiting file, send every queued document, list overdue acks."""
    store = archive or LocalArchive()
    connector = sftp or open_connector(profile)
    try:
        result = CycleResult(profile.id)
        result.received = InboundExchange(profile, sessions, connector, store).run()
        result.sent = OutboundExchange(profile, sessions, connector, store).run()
    finally:
        if sftp is None:
            connector.close()
    with sessions() as session:
        result.overdue = [
            row for row in overdue_acknowledgements(session, now=now) if row.partner == profile.id
        ]
    return result
