"""The SFTP connector: streaming transfers, atomic uploads, claims, and reconnects.

One connector holds one SSH connection, opened on first use and reopened when it drops:
every operation that loses its connection reconnects and runs again, up to
``reconnect_attempts`` times. A connector is not thread-safe; give each thread its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Literal, TypeVar

import paramiko

from connectors.errors import ConnectionFailed, ConnectorError
from connectors.sftp.config import FolderRole, SftpConfig
from connectors.sftp.errors import (
    RemoteFileExists,
    UnsafeRemoteName,
)
from connectors.sftp.failures import file_error, is_connection_lost, lost_error
from connectors.sftp.files import (
    ClaimedFile,
    DownloadTarget,
    RemoteFile,
    UploadSource,
    Writable,
    chunks_of,
    rewinder,
)
from connectors.sftp.hostkeys import HostKeyVerifier
from connectors.sftp.names import CLAIM_SUFFIX, TEMP_SUFFIX, check_name, is_internal, join
from connectors.sftp.remote_ops import (
    collision_names,
    copy_stream,
    discard,
    exists,
    makedirs,
)
from connectors.sftp.session import Credentials, Session, open_session

logger = logging.getLogger("connectors.sftp")
T = TypeVar("T")


class SftpConnector:
    """Files on one SFTP server, inside the folders its config names."""

    def __init__(self, config: SftpConfig, *, environ: Mapping[str, str] | None = None) -> None:
        self.config = config
        self.where = f"{config.host}:{config.port}"
        self._verifier = HostKeyVerifier(config.host_key, config.host, config.port, config.name)
        self._credentials = Credentials(config, environ)
        self._session: Session | None = None
        self.connections_opened = 0

    # -- connection -------------------------------------------------------------------

    def connect(self) -> None:
        """Open the connection now rather than on first use."""
        self._live_session()

    def close(self) -> None:
        """Close the connection (a later operation opens a new one)."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> SftpConnector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def host_key_fingerprint(self) -> str | None:
        """Fingerprint of the host key accepted on the current connection."""
        return self._session.host_key_fingerprint if self._session else None

    @property
    def transport(self) -> paramiko.Transport | None:
        """The current SSH transport (for diagnostics and tests)."""
        return self._session.transport if self._session else None

    def _live_session(self) -> Session:
        if self._session is not None and self._session.alive():
            return self._session
        self.close()
        self._session = open_session(self.config, self._verifier, self._credentials)
        self.connections_opened += 1
        return self._session

    def _retry_wait(self, exc: BaseException, operation: str) -> None:
        logger.warning(
            "SFTP %s: connection lost during %s (%s); reconnecting",
            self.where,
            operation,
            type(exc).__name__,
        )
        if self.config.reconnect_delay:
            time.sleep(self.config.reconnect_delay)

    def _call(
        self,
        operation: str,
        path: str,
        action: Callable[[paramiko.SFTPClient], T],
        *,
        retry: bool = True,
    ) -> T:
        """Run ``action`` on a live session, reconnecting and rerunning it if the link drops."""
        attempts = 1 + (self.config.reconnect_attempts if retry else 0)
        for attempt in range(1, attempts + 1):
            session = self._live_session()
            try:
                return action(session.sftp)
            except ConnectorError:
                raise
            except Exception as exc:
                if not is_connection_lost(exc, session):
                    if isinstance(exc, OSError):
                        raise file_error(exc, operation, path, self.config) from None
                    raise  # the caller's own error, e.g. from an upload source
                self.close()
                if attempt >= attempts:
                    raise lost_error(exc, operation, self.config) from None
                self._retry_wait(exc, operation)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- listing ----------------------------------------------------------------------

    def list_files(self, folder: FolderRole = "inbox") -> list[RemoteFile]:
        """Regular files in ``folder``, oldest first; skips temp, claimed and hidden files."""
        directory = self.config.folders.path(folder)

        def action(sftp: paramiko.SFTPClient) -> list[RemoteFile]:
            found = []
            for attrs in _regular_files(sftp, directory):
                name = attrs.filename
                if is_internal(name):
                    continue
                try:
                    check_name(name)
                except UnsafeRemoteName as exc:
                    logger.warning("SFTP %s: skipping %s", self.where, exc.message)
                    continue
                modified = datetime.fromtimestamp(attrs.st_mtime or 0, UTC)
                found.append(RemoteFile(name, attrs.st_size or 0, modified, folder))
            return sorted(found, key=lambda f: (f.modified, f.name))

        return self._call("list", directory, action)

    def list_inbox(self) -> list[RemoteFile]:
        """Files waiting in the inbox, oldest first."""
        return self.list_files("inbox")

    # -- download ---------------------------------------------------------------------

    def open_read(
        self, name: str | ClaimedFile, *, folder: FolderRole = "inbox"
    ) -> Iterator[bytes]:
        """Stream a remote file as chunks of at most ``chunk_size`` bytes.

        A connection lost mid-way is reopened and reading resumes at the same offset,
        provided the file's size and mtime did not change meanwhile.
        """
        path = self._path_of(name, folder)  # checked now, not when iteration starts
        return self._read_chunks(path)

    def _read_chunks(self, path: str) -> Iterator[bytes]:
        offset = 0
        identity: tuple[int | None, int | None] | None = None
        reconnects = self.config.reconnect_attempts
        handle: paramiko.SFTPFile | None = None
        session: Session | None = None
        try:
            while True:
                if handle is None:
                    session = self._live_session()
                assert session is not None
                try:
                    if handle is None:
                        handle = session.sftp.open(path, "rb")
                        identity = self._check_unchanged(handle, path, identity)
                        handle.seek(offset)
                    chunk = handle.read(self.config.chunk_size)
                    if not chunk:
                        # paramiko reports a dropped link as end of file: a stat (which
                        # raises on a dead link) and the size tell a real end from a cut.
                        size = handle.stat().st_size
                        if size != offset:
                            raise EOFError(f"read ended at byte {offset} of {size}")
                except ConnectorError:
                    raise
                except Exception as exc:
                    if not is_connection_lost(exc, session):
                        if isinstance(exc, OSError):
                            raise file_error(exc, "download", path, self.config) from None
                        raise
                    handle = None
                    self.close()
                    if reconnects <= 0:
                        raise lost_error(exc, "download", self.config) from None
                    reconnects -= 1
                    self._retry_wait(exc, "download")
                    continue
                if not chunk:
                    return
                offset += len(chunk)
                yield chunk
        finally:
            if handle is not None:
                with contextlib.suppress(OSError, EOFError, paramiko.SSHException):
                    handle.close()

    def _check_unchanged(
        self,
        handle: paramiko.SFTPFile,
        path: str,
        before: tuple[int | None, int | None] | None,
    ) -> tuple[int | None, int | None]:
        """The file's (size, mtime); raise if it differs from ``before`` (a resumed read)."""
        attrs = handle.stat()
        now = (attrs.st_size, attrs.st_mtime)
        if before is not None and now != before:
            raise ConnectionFailed(
                f"{path} on {self.where} changed while reconnecting; read it again from the start",
                system=self.config.name,
                operation="download",
            )
        return now

    def download_to(
        self, target: DownloadTarget, name: str | ClaimedFile, *, folder: FolderRole = "inbox"
    ) -> int:
        """Copy a remote file into a local path or binary file object; return its size.

        A local path is written under ``<path>.part`` and renamed when complete.
        """
        stream = self.open_read(name, folder=folder)
        if isinstance(target, Writable):
            return copy_stream(stream, target)
        final = Path(target)
        partial = final.with_name(final.name + ".part")
        try:
            with partial.open("wb") as out:
                size = copy_stream(stream, out)
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    # -- upload -----------------------------------------------------------------------

    def upload_from(
        self,
        source: UploadSource,
        name: str,
        *,
        folder: FolderRole = "outbox",
        overwrite: bool = False,
    ) -> RemoteFile:
        """Upload a stream under a temporary name, then rename it to ``name`` atomically.

        Readers never see a partial file under ``name``. An existing ``name`` is refused
        (RemoteFileExists) unless ``overwrite``. After a dropped connection the upload is
        retried only when ``source`` is seekable.
        """
        directory = self.config.folders.path(folder)
        final = join(directory, name)
        rewind = rewinder(source)
        chunk_size = self.config.chunk_size
        stranded: list[str] = []  # temp files of attempts whose connection dropped

        def action(sftp: paramiko.SFTPClient) -> RemoteFile:
            while stranded:
                discard(sftp, stranded.pop())
            if rewind is not None:
                rewind()
            if not overwrite and exists(sftp, final):
                raise self._exists_error(final)
            temp = join(directory, f".{name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
            stranded.append(temp)
            try:
                # "x": never write into a file someone else created under the same name.
                with sftp.open(temp, "wxb") as handle:
                    handle.set_pipelined(True)
                    for chunk in chunks_of(source, chunk_size):
                        handle.write(chunk)
                if overwrite:
                    sftp.posix_rename(temp, final)
                else:
                    try:
                        # Plain SFTP rename refuses to replace an existing file.
                        sftp.rename(temp, final)
                    except OSError:
                        if exists(sftp, final):
                            raise self._exists_error(final) from None
                        raise
            except BaseException:
                discard(sftp, temp)
                raise
            stranded.remove(temp)
            attrs = sftp.stat(final)
            modified = datetime.fromtimestamp(attrs.st_mtime or 0, UTC)
            logger.info("SFTP %s: uploaded %s (%s bytes)", self.where, final, attrs.st_size)
            return RemoteFile(name, attrs.st_size or 0, modified, folder)

        return self._call("upload", final, action, retry=rewind is not None)

    def _exists_error(self, path: str) -> RemoteFileExists:
        return RemoteFileExists(
            f"{path} already exists on {self.where}; pass overwrite=True to replace it",
            system=self.config.name,
            operation="upload",
        )

    # -- claims -----------------------------------------------------------------------

    def claim(self, name: str, *, folder: FolderRole = "inbox") -> ClaimedFile | None:
        """Rename ``name`` to ``<name>.processing``; None if another worker got it first."""
        directory = self.config.folders.path(folder)
        source = join(directory, name)
        claimed_name = check_name(name + CLAIM_SUFFIX)
        target = join(directory, claimed_name)

        def action(sftp: paramiko.SFTPClient) -> ClaimedFile | None:
            try:
                # Plain rename, not posix_rename: it must fail rather than replace a claim.
                sftp.rename(source, target)
            except OSError:
                # OpenSSH renames by link() then unlink(): while a rival's claim is half
                # done, both names exist. Give it a moment before calling the claim stale.
                for pause in (0.0, 0.05, 0.2):
                    time.sleep(pause)
                    if not exists(sftp, source):
                        return None  # someone else renamed (claimed) it first
                if exists(sftp, target):
                    raise RemoteFileExists(
                        f"cannot claim {source}: {target} already exists (a stale claim?)",
                        system=self.config.name,
                        operation="claim",
                    ) from None
                raise
            self._stamp_claim(sftp, target)
            size = sftp.stat(target).st_size or 0
            logger.info("SFTP %s: claimed %s", self.where, source)
            return ClaimedFile(name, claimed_name, directory, size)

        return self._call("claim", source, action)

    def _stamp_claim(self, sftp: paramiko.SFTPClient, path: str) -> None:
        """Set a claimed file's mtime to now: its age then tells when a claim went stale."""
        try:
            sftp.utime(path, None)
        except OSError as exc:
            logger.warning(
                "SFTP %s: cannot stamp the claim time of %s (%s); a stale claim is then"
                " judged by the file's upload time",
                self.where,
                path,
                exc,
            )

    def stale_claims(
        self, older_than: timedelta, *, folder: FolderRole = "inbox", now: datetime | None = None
    ) -> list[ClaimedFile]:
        """Files claimed longer ago than ``older_than``: the worker holding them has died."""
        directory = self.config.folders.path(folder)
        limit = (now or datetime.now(UTC)) - older_than

        def action(sftp: paramiko.SFTPClient) -> list[ClaimedFile]:
            found = []
            for attrs in _regular_files(sftp, directory):
                claimed_name = attrs.filename
                if not claimed_name.endswith(CLAIM_SUFFIX) or claimed_name.startswith("."):
                    continue
                name = claimed_name.removesuffix(CLAIM_SUFFIX)
                try:
                    check_name(name)
                except UnsafeRemoteName:
                    continue
                if datetime.fromtimestamp(attrs.st_mtime or 0, UTC) < limit:
                    found.append(ClaimedFile(name, claimed_name, directory, attrs.st_size or 0))
            return sorted(found, key=lambda claimed: claimed.name)

        return self._call("list", directory, action)

    def unclaim(self, claimed: ClaimedFile) -> bool:
        """Rename a claimed file back to its own name, to be listed and claimed again.

        False when another worker took the claim back first, or a new file of the same
        name arrived meanwhile (the claim then stays, and is logged).
        """
        source = join(claimed.directory, check_name(claimed.claimed_name))
        target = join(claimed.directory, check_name(claimed.name))

        def action(sftp: paramiko.SFTPClient) -> bool:
            try:
                sftp.rename(source, target)  # plain rename: never replaces a new arrival
            except OSError:
                if not exists(sftp, source):
                    return False
                if exists(sftp, target):
                    logger.warning(
                        "SFTP %s: cannot unclaim %s: a new %s arrived meanwhile",
                        self.where,
                        source,
                        claimed.name,
                    )
                    return False
                raise
            logger.info("SFTP %s: unclaimed %s", self.where, source)
            return True

        return self._call("unclaim", source, action)

    def finish(self, claimed: ClaimedFile, outcome: Literal["done", "error"]) -> str:
        """Move a claimed file into the done or error folder; return its new remote path.

        The folder is created if missing; if the name is taken there, a UTC timestamp is
        added before the extension (``x.20250101T120000123456Z.edi``).
        """
        if outcome not in ("done", "error"):
            raise ValueError("outcome must be 'done' or 'error'")
        source = join(claimed.directory, check_name(claimed.claimed_name))
        directory = self.config.folders.path(outcome)
        check_name(claimed.name)

        def action(sftp: paramiko.SFTPClient) -> str:
            makedirs(sftp, directory)
            for candidate in collision_names(claimed.name):
                target = join(directory, candidate)
                if exists(sftp, target):
                    continue
                try:
                    sftp.rename(source, target)
                except OSError:
                    if exists(sftp, target):
                        continue  # taken between our check and the rename
                    raise
                logger.info("SFTP %s: moved %s to %s", self.where, source, target)
                return target
            raise RemoteFileExists(
                f"no free name for {claimed.name} in {directory}",
                system=self.config.name,
                operation="finish",
            )

        return self._call("finish", source, action)

    def _path_of(self, name: str | ClaimedFile, folder: FolderRole) -> str:
        if isinstance(name, ClaimedFile):
            return join(name.directory, name.claimed_name)
        return join(self.config.folders.path(folder), name)


def _regular_files(sftp: paramiko.SFTPClient, directory: str) -> list[paramiko.SFTPAttributes]:
    """The regular files of a folder, proven complete."""
    found = [a for a in sftp.listdir_iter(directory) if stat.S_ISREG(a.st_mode or 0)]
    # paramiko ends a listing on EOFError, which is also how a dropped link looks: one
    # more request proves the listing was complete (it raises on a dead link).
    sftp.stat(directory)
    return found


__all__ = ["SftpConnector"]
