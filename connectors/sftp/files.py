"""What the SFTP connector hands back: remote files, claims, and the streams it accepts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from connectors.sftp.config import FolderRole


@runtime_checkable
class Readable(Protocol):
    """A binary file-like object to upload from."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; b'' at the end."""
        ...


@runtime_checkable
class Writable(Protocol):
    """A binary file-like object to download into."""

    def write(self, data: bytes, /) -> int | None:
        """Write ``data``."""
        ...


UploadSource = Readable | Iterable[bytes]
DownloadTarget = str | os.PathLike[str] | Writable


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A regular file in one of the configured folders."""

    name: str
    size: int
    modified: datetime  # UTC
    folder: FolderRole


@dataclass(frozen=True, slots=True)
class ClaimedFile:
    """A file this process renamed to ``<name>.processing`` and now owns."""

    name: str  # the name the partner gave it
    claimed_name: str  # ``<name>.processing``
    directory: str  # remote folder holding it
    size: int


def chunks_of(source: UploadSource, chunk_size: int) -> Iterator[bytes]:
    """The source as a stream of byte chunks, never read whole."""
    if isinstance(source, Readable):
        while True:
            data = source.read(chunk_size)
            if not data:
                return
            yield data
    else:
        for data in source:
            if data:
                yield bytes(data)


def rewinder(source: UploadSource) -> Callable[[], None] | None:
    """A function that puts a seekable source back where it started, or None."""
    seekable = getattr(source, "seekable", None)
    if not callable(seekable) or not seekable():
        return None
    start = source.tell()  # type: ignore[union-attr]

    def rewind() -> None:
        source.seek(start)  # type: ignore[union-attr]

    return rewind


__all__ = [
    "ClaimedFile",
    "DownloadTarget",
    "Readable",
    "RemoteFile",
    "UploadSource",
    "Writable",
    "chunks_of",
    "rewinder",
]
