"""Receiving from a partner: claim, download, archive, dedupe, translate, store, acknowledge.

Per file, in this order (so a crash at any point loses nothing and repeats nothing):

1. claim the file (rename to ``.processing``) and stream it to a local temp file, hashing;
2. archive the bytes by content (``<sha256>.edi``; a redelivery finds the first copy);
3. in ONE state-store transaction: skip interchanges already recorded (same content),
   reject a reused control number, translate the rest, store the canonical documents,
   allocate the acknowledgement's control numbers and record it; the acknowledgement
   text is archived before the commit;
4. upload the acknowledgement (atomic; an existing one means it was sent before);
5. move the file to ``done`` or, with a ``.report.txt``, to ``error``.

A file redelivered or retried after a crash becomes step 3's duplicate: nothing is
translated again and the archived acknowledgement is uploaded again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from connectors.edi.core.detect import parse_file
from connectors.edi.core.errors import Code, EdiEnvelopeError, EdiError
from connectors.edi.core.inspect import inspect_file
from connectors.edi.core.model import Interchange
from connectors.sftp import ClaimedFile, RemoteFileExists, SftpConnector
from hub.edi.acks import (
    InboundAck,
    acknowledge_inbound,
    apply_partner_acks,
    initial_status,
    is_ack_interchange,
)
from hub.edi.archive import HashingWriter, LocalArchive
from hub.edi.documents import Translated, translate
from hub.edi.partner import PartnerProfile
from hub.edi.reports import FileReport, Problem, extend_unique, problems_from_inspection
from hub.store import find_duplicate, record_interchange
from hub.store.edi_documents import add_document
from hub.store.models import EdiInterchange

logger = logging.getLogger("hub.edi")

Outcome = Literal[
    "accepted", "accepted_with_errors", "partially_accepted", "rejected", "duplicate",
    "unreadable", "acknowledgement",
]  # fmt: skip
_STATUS = {"A": "accepted", "E": "accepted_with_errors", "P": "partially_accepted", "R": "rejected"}


@dataclass(slots=True)
class FileResult:
    """What became of one file taken from the partner's inbox."""

    name: str
    sha256: str = ""
    size: int = 0
    outcome: Outcome = "accepted"
    archived: Path | None = None
    interchange_ids: list[int] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    acks_uploaded: list[str] = field(default_factory=list)
    moved_to: str | None = None
    report: Path | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class _Pending:
    """Work decided inside the transaction, done on the server after the commit."""

    acks: list[tuple[str, str]] = field(default_factory=list)  # (remote name, text)
    statuses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duplicate_of_rejected: bool = False


def ack_file_name(profile: PartnerProfile, sha256: str, index: int) -> str:
    """Remote name of the acknowledgement for interchange ``index`` of a received file."""
    return f"{profile.ack_type}_{sha256[:16]}_{index + 1}.edi"


class InboundExchange:
    """Takes every waiting file from one partner's inbox through to an acknowledgement."""

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

    def run(self, limit: int | None = None) -> list[FileResult]:
        """Process waiting files, oldest first; files another worker claimed are skipped.

        Claims older than the partner's `stale_claim_minutes` were left by a worker that
        died mid-file: they are renamed back first and received like any waiting file
        (step 3 makes a second receipt of the same bytes a harmless duplicate).
        """
        self.release_stale_claims()
        results: list[FileResult] = []
        for remote in self.sftp.list_inbox():
            if limit is not None and len(results) >= limit:
                break
            claimed = self.sftp.claim(remote.name)
            if claimed is None:
                continue
            results.append(self.process(claimed))
        return results

    def release_stale_claims(self) -> list[str]:
        """Rename stale claims back to their names; the names released."""
        older_than = timedelta(minutes=self.profile.sftp.stale_claim_minutes)
        released = []
        for stale in self.sftp.stale_claims(older_than):
            if self.sftp.unclaim(stale):
                logger.warning(
                    "partner %s: %s was claimed over %s ago and never finished; receiving it again",
                    self.profile.id,
                    stale.name,
                    older_than,
                )
                released.append(stale.name)
        return released

    def process(self, claimed: ClaimedFile) -> FileResult:
        """One claimed file, start to finish."""
        now = datetime.now(UTC)
        result = FileResult(claimed.name)
        temp = self.archive.scratch() / f"{secrets.token_hex(8)}.part"
        try:
            with temp.open("wb") as raw:
                writer = HashingWriter(raw)
                self.sftp.download_to(writer, claimed)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise  # the claim stays; the file is not lost
        result.sha256, result.size = writer.sha256, writer.size
        result.archived, _first = self.archive.keep_received(
            self.profile.id, result.sha256, temp, now
        )
        self._archive_remote(result)
        limit = self.profile.max_file_mb * 1024 * 1024
        if result.size > limit:
            result.outcome = "unreadable"
            result.problems.append(
                Problem(
                    f"file of {result.size} bytes exceeds the {limit} byte limit", "file.too_large"
                )
            )
            return self._finish(claimed, result, _Pending(), now)
        data = result.archived.read_bytes()
        try:
            interchanges = parse_file(data)
        except EdiError as exc:
            result.outcome = "unreadable"
            result.problems.append(Problem.from_error(exc.to_dict()))
            return self._finish(claimed, result, _Pending(), now)
        pending = self._record(interchanges, result, now)
        if any(s != "accepted" for s in pending.statuses) or pending.duplicate_of_rejected:
            extend_unique(result.problems, problems_from_inspection(inspect_file(data)))
        return self._finish(claimed, result, pending, now)

    # -- steps --------------------------------------------------------------------------

    def _archive_remote(self, result: FileResult) -> None:
        if not self.profile.sftp.archive_remote or result.archived is None:
            return
        try:
            with result.archived.open("rb") as source:
                self.sftp.upload_from(source, f"{result.sha256}.edi", folder="archive")
        except RemoteFileExists:
            pass  # archived at an earlier delivery: once is enough

    def _record(
        self, interchanges: list[Interchange], result: FileResult, now: datetime
    ) -> _Pending:
        pending = _Pending()
        assert result.archived is not None
        with self.sessions.begin() as session:
            for index, ic in enumerate(interchanges):
                self._one_interchange(session, ic, index, result, pending, now)
        return pending

    def _one_interchange(
        self,
        session: Session,
        ic: Interchange,
        index: int,
        result: FileResult,
        pending: _Pending,
        now: datetime,
    ) -> None:
        profile = self.profile
        sha = (
            result.sha256
            if index == 0
            else hashlib.sha256(f"{result.sha256}:{index}".encode()).hexdigest()
        )
        ack_name = ack_file_name(profile, result.sha256, index)
        same = find_duplicate(session, partner=profile.id, direction="in", sha256=sha)
        if same is not None:
            pending.statuses.append("duplicate")
            pending.duplicate_of_rejected |= same.status == "rejected"
            pending.notes.append(
                f"interchange {ic.control_number} was received before "
                f"(record {same.id}, {same.created_at:%Y-%m-%d %H:%M} UTC): not processed again"
            )
            result.interchange_ids.append(same.id)
            stored = self._stored_ack(result, index)
            if stored is not None:
                pending.acks.append((ack_name, stored))
            return
        if is_ack_interchange(ic):
            outcomes = apply_partner_acks(session, profile, ic)
            row = self._record_in(session, ic, sha, result, "acknowledgement", None)
            result.interchange_ids.append(row.id)
            pending.statuses.append("acknowledgement")
            pending.notes += [
                f"acknowledgement for our interchange {o.control_number}: {o.ack_status}"
                for o in outcomes
            ]
            return
        reused = find_duplicate(
            session,
            partner=profile.id,
            direction="in",
            sender=ic.sender,
            receiver=ic.receiver,
            interchange_control_number=ic.control_number,
        )
        self._check_addressing(ic)
        if reused is not None:
            ic.errors.append(
                EdiEnvelopeError(
                    f"interchange control number {ic.control_number} from {ic.sender} was "
                    f"already used (record {reused.id}, {reused.created_at:%Y-%m-%d}) with "
                    "different content; send corrections under a new control number",
                    code=Code.INTERCHANGE_BAD_CONTROL,
                    segment_id="ISA" if ic.standard == "x12" else "UNB",
                )
            )
        translated: list[Translated] = []
        failures: dict[str, EdiError] = {}
        if reused is None and not [e for e in ic.errors if not e.is_warning]:
            decimal = ic.separators.decimal or "."
            passed = initial_status(ic)
            for tx in ic.transactions:
                if passed.get(tx.control_number) == "R":
                    continue
                item = translate(tx, profile, decimal)
                if item.error is not None:
                    failures[tx.control_number] = item.error
                    result.problems.append(
                        Problem.from_error(item.error.to_dict(), tx.control_number)
                    )
                translated.append(item)
        ack = acknowledge_inbound(session, profile, ic, failures, duplicate=reused is not None)
        status = _STATUS.get(ack.status, "rejected")
        pending.statuses.append(status)
        if reused is not None:
            # The key is taken, so this content cannot be recorded; the archive keeps it.
            pending.notes.append(f"duplicate control number {ic.control_number}: rejected")
        else:
            row = self._record_in(session, ic, sha, result, status, ack)
            result.interchange_ids.append(row.id)
            for item in translated:
                if item.error is None and item.control_number in ack.accepted:
                    doc = add_document(
                        session,
                        partner=profile.id,
                        direction="in",
                        doc_type=item.doc_type,
                        canonical=item.canonical,
                        interchange_id=row.id,
                        edi_type=item.edi_type,
                        control_number=item.control_number,
                        reference=item.reference,
                    )
                    result.document_ids.append(doc.id)
        if profile.acknowledgements.send:
            self._record_ack(session, ack, ack_name)
            assert result.archived is not None
            self.archive.save_companion(result.archived, _ack_suffix(index), ack.text)
            pending.acks.append((ack_name, ack.text))

    def _check_addressing(self, ic: Interchange) -> None:
        profile = self.profile
        if ic.sender.strip() != profile.theirs.id:
            ic.errors.append(
                EdiEnvelopeError(
                    f"sender {ic.sender.strip()!r} is not {profile.id}'s id {profile.theirs.id!r}",
                    code=Code.INTERCHANGE_HEADER,
                    segment_id="ISA" if ic.standard == "x12" else "UNB",
                    element=6 if ic.standard == "x12" else 2,
                )
            )
        if ic.receiver.strip() != profile.ours.id:
            ic.errors.append(
                EdiEnvelopeError(
                    f"receiver {ic.receiver.strip()!r} is not our id {profile.ours.id!r}",
                    code=Code.INTERCHANGE_HEADER,
                    segment_id="ISA" if ic.standard == "x12" else "UNB",
                    element=8 if ic.standard == "x12" else 3,
                )
            )

    def _record_in(
        self,
        session: Session,
        ic: Interchange,
        sha: str,
        result: FileResult,
        status: str,
        ack: InboundAck | None,
    ) -> EdiInterchange:
        groups = [g.control_number for g in ic.groups]
        return record_interchange(
            session,
            partner=self.profile.id,
            direction="in",
            standard=ic.standard,
            interchange_control_number=ic.control_number,
            sender=ic.sender,
            receiver=ic.receiver,
            sha256=sha,
            status=status,
            group_control_number=groups[0] if groups else None,
            transaction_control_numbers=[t.control_number for t in ic.transactions],
            filename=result.name,
            ack_status=None if ack is None else _STATUS.get(ack.status, "rejected"),
        )

    def _record_ack(self, session: Session, ack: InboundAck, name: str) -> None:
        record_interchange(
            session,
            partner=self.profile.id,
            direction="out",
            standard=self.profile.standard,
            interchange_control_number=ack.control_number,
            sender=self.profile.ours.id,
            receiver=self.profile.theirs.id,
            sha256=hashlib.sha256(ack.text.encode("utf-8")).hexdigest(),
            status="sent",
            group_control_number=ack.group_control_number,
            transaction_control_numbers=ack.transaction_control_numbers,
            filename=name,
        )

    def _stored_ack(self, result: FileResult, index: int) -> str | None:
        assert result.archived is not None
        path = self.archive.companion(result.archived, _ack_suffix(index))
        return path.read_text(encoding="utf-8") if path.exists() else None

    def _finish(
        self, claimed: ClaimedFile, result: FileResult, pending: _Pending, now: datetime
    ) -> FileResult:
        for name, text in pending.acks:
            try:
                self.sftp.upload_from([text.encode("utf-8")], name, folder="outbox")
                result.acks_uploaded.append(name)
            except RemoteFileExists:
                logger.info("EDI %s: %s is already in the outbox", self.profile.id, name)
        if result.outcome != "unreadable":
            result.outcome = _file_outcome(pending.statuses)
        bad = result.outcome in ("rejected", "partially_accepted", "unreadable") or (
            pending.duplicate_of_rejected
        )
        report = FileReport(
            self.profile.id, claimed.name, result.sha256, now, result.outcome,
            list(result.problems), list(pending.notes),
        )  # fmt: skip
        if bad:
            assert result.archived is not None
            result.report = self.archive.save_companion(
                result.archived, ".report.txt", report.render()
            )
        result.moved_to = self.sftp.finish(claimed, "error" if bad else "done")
        if bad:
            remote_name = result.moved_to.rsplit("/", 1)[-1] + ".report.txt"
            body = report.render().encode("utf-8")
            self._upload_quietly(body, remote_name, "error")
            if result.outcome == "unreadable" or not pending.acks:
                # Nothing to acknowledge an envelope with: tell the partner in words.
                self._upload_quietly(body, f"{claimed.name}.rejected.txt", "outbox")
        logger.info(
            "EDI %s: %s (%s bytes) %s -> %s",
            self.profile.id, claimed.name, result.size, result.outcome, result.moved_to,
        )  # fmt: skip
        return result

    def _upload_quietly(self, body: bytes, name: str, folder: Literal["error", "outbox"]) -> None:
        with contextlib.suppress(RemoteFileExists):
            self.sftp.upload_from([body], name, folder=folder)


def _ack_suffix(index: int) -> str:
    return ".ack.edi" if index == 0 else f".ack{index + 1}.edi"


def _file_outcome(statuses: list[str]) -> Outcome:
    real = [s for s in statuses if s not in ("duplicate", "acknowledgement")]
    if not real:
        if "duplicate" in statuses:
            return "duplicate"
        return "acknowledgement"
    if all(s == "rejected" for s in real):
        return "rejected"
    if all(s == "accepted" for s in real):
        return "accepted"
    if any(s in ("rejected", "partially_accepted") for s in real):
        return "partially_accepted"
    return "accepted_with_errors"
