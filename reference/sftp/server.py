"""An SFTP server for the demo: asyncssh on loopback, one chrooted folder tree per partner.

The server runs in a background thread with its own event loop. Its ed25519 host key is
generated on first start and kept under the data directory, so clients can pin
`host_key_fingerprint` across restarts. Each partner logs in with its own key (or
password) and sees only ``<data_dir>/home/<name>/`` as ``/``; links cannot be created,
so nothing inside a tree can point out of it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from pathlib import Path
from typing import Any

import asyncssh

from reference.sftp.users import PartnerStore

logger = logging.getLogger("reference.sftp")
HOST_KEY_FILE = "ssh_host_ed25519_key"


class _LinklessSftpServer(asyncssh.SFTPServer):
    """asyncssh's SFTP server in a virtual chroot, with link creation refused."""

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPOpUnsupported("links are not allowed on this server")

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPOpUnsupported("links are not allowed on this server")


class _PartnerAuth(asyncssh.SSHServer):
    """Authenticates partners by public key or password against the store."""

    def __init__(self, server: EmbeddedSftpServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._server._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._server._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True  # always ask for credentials, known user or not (no user enumeration)

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return self._server.partners.key_allowed(username, key)

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return self._server.partners.password_ok(username, password)


class EmbeddedSftpServer:
    """A loopback SFTP server for trading partners; ``start()`` it, ``stop()`` it."""

    def __init__(self, data_dir: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 0):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.host = host
        self._requested_port = port
        self.port = 0
        self.partners = PartnerStore(self.data_dir)
        self._host_key = self._load_or_create_host_key()
        self._connections: set[Any] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._acceptor: Any = None

    # -- identity -----------------------------------------------------------------

    @property
    def host_key_fingerprint(self) -> str:
        """``SHA256:...`` fingerprint of the host key, as ssh-keygen and clients print it."""
        fingerprint: str = self._host_key.get_fingerprint("sha256")
        return fingerprint

    @property
    def host_public_key(self) -> str:
        """The host key as an OpenSSH public key line (``ssh-ed25519 AAAA...``)."""
        line: bytes = self._host_key.export_public_key("openssh")
        return " ".join(line.decode("ascii").split()[:2])

    def known_hosts_line(self) -> str:
        """A known_hosts line for the running server."""
        name = self.host if self.port == 22 else f"[{self.host}]:{self.port}"
        return f"{name} {self.host_public_key}"

    def _load_or_create_host_key(self) -> Any:
        path = self.data_dir / HOST_KEY_FILE
        if path.exists():
            return asyncssh.read_private_key(path)
        key = asyncssh.generate_private_key("ssh-ed25519")
        temp = path.with_name(path.name + ".tmp")
        # Created private from the start: the key must never be readable by others.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key("openssh"))
        os.replace(temp, path)
        (self.data_dir / f"{HOST_KEY_FILE}.pub").write_bytes(key.export_public_key("openssh"))
        logger.info("generated SFTP host key %s", key.get_fingerprint("sha256"))
        return key

    # -- partners -----------------------------------------------------------------

    def add_user(self, name: str, public_key: str, password: str | None = None) -> Path:
        """Create or replace partner ``name`` (key, optional password); return its root."""
        return self.partners.add(name, public_key, password)

    def user_root(self, name: str) -> Path:
        """The local folder partner ``name`` sees as ``/``."""
        return self.partners.root_of(name)

    def _sftp_for(self, chan: Any) -> asyncssh.SFTPServer:
        username = chan.get_extra_info("username")
        root = self.partners.root_of(username)
        return _LinklessSftpServer(chan, chroot=os.fsencode(root))

    # -- lifecycle ----------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> EmbeddedSftpServer:
        """Start listening in a background thread; return self once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("the SFTP server is already running")
        loop = asyncio.new_event_loop()
        started: concurrent.futures.Future[int] = concurrent.futures.Future()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                port = loop.run_until_complete(self._listen())
            except BaseException as exc:  # reported to start() instead of dying silently
                started.set_exception(exc)
                loop.close()
                return
            started.set_result(port)
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="embedded-sftp", daemon=True)
        self._thread.start()
        try:
            self.port = started.result(timeout=timeout)
        except BaseException:
            self._thread.join(timeout)
            self._thread = self._loop = None
            raise
        logger.info(
            "embedded SFTP server on %s:%s (host key %s)",
            self.host,
            self.port,
            self.host_key_fingerprint,
        )
        return self

    async def _listen(self) -> int:
        self._acceptor = await asyncssh.listen(
            self.host,
            self._requested_port,
            server_host_keys=[self._host_key],
            server_factory=lambda: _PartnerAuth(self),
            sftp_factory=self._sftp_for,
            allow_scp=False,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_pty=False,
            kbdint_auth=False,
            login_timeout=30,
        )
        port: int = self._acceptor.get_port()
        return port

    async def _close(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for conn in list(self._connections):
            conn.close()
        for conn in list(self._connections):
            await conn.wait_closed()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def stop(self, timeout: float = 10.0) -> None:
        """Close the listener and every partner connection, then end the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
            self._loop = self._thread = self._acceptor = None
            self.port = 0

    def __enter__(self) -> EmbeddedSftpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


__all__ = ["EmbeddedSftpServer"]
