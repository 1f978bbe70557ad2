"""Telling a dropped connection from a refused file operation, and the errors for each."""

from __future__ import annotations

import errno

import paramiko

from connectors.errors import ConnectionFailed, ConnectorError, Timeout
from connectors.sftp.config import SftpConfig
from connectors.sftp.errors import RemoteFileError, RemoteFileNotFound
from connectors.sftp.session import Session

_LOST_ERRNOS = {
    errno.EBADF,
    errno.EPIPE,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.ENOTCONN,
    errno.ESHUTDOWN,
}


def is_connection_lost(exc: BaseException, session: Session) -> bool:
    """True when ``exc`` means the link is gone (as opposed to the server refusing a request)."""
    if isinstance(exc, (EOFError, paramiko.SSHException, TimeoutError, ConnectionError)):
        return True
    if isinstance(exc, OSError) and exc.errno in _LOST_ERRNOS:
        return True
    # paramiko raises a bare OSError both for "Socket is closed" and for SFTP failures.
    return not session.alive()


def lost_error(exc: BaseException, operation: str, config: SftpConfig) -> ConnectorError:
    """The retriable error for a link lost beyond the reconnect budget."""
    where = f"{config.host}:{config.port}"
    if isinstance(exc, TimeoutError):
        return Timeout(
            f"{operation} on {where} timed out after {config.timeouts.operation} s",
            system=config.name,
            operation=operation,
        )
    return ConnectionFailed(
        f"connection to {where} lost during {operation} ({type(exc).__name__}) "
        f"after {config.reconnect_attempts} reconnect(s)",
        system=config.name,
        operation=operation,
    )


def file_error(exc: OSError, operation: str, path: str, config: SftpConfig) -> RemoteFileError:
    """The fatal error for a file operation the server refused."""
    system = config.name
    if exc.errno == errno.ENOENT:
        return RemoteFileNotFound(
            f"{operation} {path}: no such file or folder", system=system, operation=operation
        )
    if exc.errno == errno.EACCES:
        return RemoteFileError(
            f"{operation} {path}: permission denied", system=system, operation=operation
        )
    reason = exc.strerror or (str(exc.args[0]) if exc.args else type(exc).__name__)
    return RemoteFileError(
        f"{operation} {path} failed: {reason}", system=system, operation=operation
    )


__all__ = ["file_error", "is_connection_lost", "lost_error"]
