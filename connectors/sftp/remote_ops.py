"""Small remote file-system steps the connector composes (existence, folders, names)."""

from __future__ import annotations

import errno
import logging
import posixpath
import stat
from collections.abc import Iterator
from datetime import UTC, datetime

import paramiko

from connectors.sftp.files import Writable

logger = logging.getLogger("connectors.sftp")


def copy_stream(stream: Iterator[bytes], out: Writable) -> int:
    """Write every chunk of ``stream`` to ``out``; return the byte count."""
    size = 0
    for chunk in stream:
        out.write(chunk)
        size += len(chunk)
    return size


def exists(sftp: paramiko.SFTPClient, path: str) -> bool:
    """True when ``path`` exists on the server (links are not followed)."""
    try:
        sftp.lstat(path)
    except FileNotFoundError:
        return False
    return True


def discard(sftp: paramiko.SFTPClient, path: str) -> None:
    """Remove a temporary file, best effort (the link may be what failed)."""
    try:
        sftp.remove(path)
    except (OSError, EOFError, paramiko.SSHException):
        logger.debug("could not remove temporary file %s", path)


def makedirs(sftp: paramiko.SFTPClient, directory: str) -> None:
    """Create ``directory`` and its missing parents."""
    prefix = "/" if directory.startswith("/") else ""
    for part in [p for p in directory.split("/") if p]:
        prefix = posixpath.join(prefix, part) if prefix else part
        try:
            mode = sftp.stat(prefix).st_mode or 0
        except FileNotFoundError:
            try:
                sftp.mkdir(prefix)
            except OSError:
                if not exists(sftp, prefix):  # lost a race to create it: fine
                    raise
            continue
        if not stat.S_ISDIR(mode):
            raise NotADirectoryError(errno.ENOTDIR, f"{prefix} is not a folder")


def collision_names(name: str) -> Iterator[str]:
    """``name``, then ``name`` with a UTC timestamp (and a counter) before its extension."""
    yield name
    stem, ext = posixpath.splitext(name)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    yield f"{stem}.{stamp}{ext}"
    for counter in range(1, 10):
        yield f"{stem}.{stamp}-{counter}{ext}"


__all__ = ["collision_names", "copy_stream", "discard", "exists", "makedirs"]
