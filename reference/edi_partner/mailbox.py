"""A partner's own SFTP client (paramiko): pinned host key, atomic puts, take-and-delete gets."""

from __future__ import annotations

import base64
import hashlib
import posixpath
import secrets
import stat
from pathlib import Path
from types import TracebackType

import paramiko


class HostKeyRejected(Exception):
    """The server's host key is not the one the partner pinned."""


def _fingerprint(key: paramiko.PKey) -> str:
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


class Mailbox:
    """The partner's view of the SFTP server: folders it drops files into and picks up from."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        key_path: Path,
        host_key_fingerprint: str,
        *,
        root: str = "",
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.username = host, port, username
        self.key_path = key_path
        self.fingerprint = host_key_fingerprint
        self.root = root
        self.timeout = timeout
        self._transport: paramiko.Transport | None = None
        self._sftp: paramiko.SFTPClient | None = None

    def _client(self) -> paramiko.SFTPClient:
        if self._sftp is not None and self._transport is not None and self._transport.is_active():
            return self._sftp
        self.close()
        transport = paramiko.Transport((self.host, self.port))
        transport.banner_timeout = self.timeout
        try:
            transport.start_client(timeout=self.timeout)
            presented = _fingerprint(transport.get_remote_server_key())
            if presented != self.fingerprint:
                raise HostKeyRejected(
                    f"{self.host}:{self.port} presented {presented}, expected {self.fingerprint}"
                )
            key = paramiko.Ed25519Key.from_private_key_file(str(self.key_path))
            transport.auth_publickey(self.username, key)
            sftp = paramiko.SFTPClient.from_transport(transport)
            if sftp is None:
                raise ConnectionError("the server refused the SFTP subsystem")
        except BaseException:
            transport.close()
            raise
        sftp.get_channel().settimeout(self.timeout)  # type: ignore[union-attr]
        self._transport, self._sftp = transport, sftp
        return sftp

    def path(self, folder: str, name: str = "") -> str:
        """Remote path of ``name`` in ``folder`` (below the configured root)."""
        base = posixpath.join(self.root, folder) if self.root else folder
        return posixpath.join(base, name) if name else base

    def put(self, folder: str, name: str, data: bytes) -> str:
        """Upload under a hidden temporary name, then rename: readers never see half a file."""
        if "/" in name or name.startswith("."):
            raise ValueError(f"unsafe file name {name!r}")
        sftp = self._client()
        final = self.path(folder, name)
        temp = self.path(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        with sftp.open(temp, "wb") as handle:
            handle.write(data)
        sftp.posix_rename(temp, final)
        return final

    def list(self, folder: str) -> list[str]:
        """Visible regular files in ``folder``, oldest first."""
        sftp = self._client()
        entries = [
            a
            for a in sftp.listdir_attr(self.path(folder))
            if stat.S_ISREG(a.st_mode or 0) and not a.filename.startswith(".")
        ]
        entries.sort(key=lambda a: (a.st_mtime or 0, a.filename))
        return [a.filename for a in entries]

    def get(self, folder: str, name: str) -> bytes:
        """A file's content."""
        with self._client().open(self.path(folder, name), "rb") as handle:
            data: bytes = handle.read()
        return data

    def take(self, folder: str, name: str) -> bytes:
        """Read a file and delete it (a partner's pickup)."""
        data = self.get(folder, name)
        self._client().remove(self.path(folder, name))
        return data

    def close(self) -> None:
        """Close the connection."""
        if self._sftp is not None:
            self._sftp.close()
        if self._transport is not None:
            self._transport.close()
        self._sftp = self._transport = None

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
