"""The local EDI archive: every received file kept once, by content, with its ack and report.

Layout under ``<HUB_DATA_DIR>/edi/archive/<partner>/``:

    <yyyy>/<mm>/<sha256>.edi          a received file, exactly once whatever its redeliveries
    <yyyy>/<mm>/<sha256>.ack.edi      the acknowledgement we sent for it
    <yyyy>/<mm>/<sha256>.report.txt   what was wrong with it (bad files only)
    out/<yyyy>/<mm>/<file name>       every interchange we sent
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from hub.settings import get_settings


def default_root() -> Path:
    """``<HUB_DATA_DIR>/edi/archive``."""
    return get_settings().data_dir.expanduser().resolve() / "edi" / "archive"


class HashingWriter:
    """A binary file wrapper that hashes what is written through it."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        """Write and hash ``data``."""
        self._hash.update(data)
        self.size += len(data)
        return self._out.write(data)

    @property
    def sha256(self) -> str:
        """Hex digest of everything written so far."""
        return self._hash.hexdigest()


def _write_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class LocalArchive:
    """Files received from and sent to partners, on the local disk."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_root()

    def scratch(self) -> Path:
        """A folder for downloads in progress (same file system, so moves are renames)."""
        folder = self.root / ".incoming"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def find(self, partner: str, sha256: str) -> Path | None:
        """Where a received file with this content is archived, if it is."""
        for found in sorted((self.root / partner).glob(f"[0-9]*/[0-9]*/{sha256}.edi")):
            return found
        return None

    def keep_received(
        self, partner: str, sha256: str, source: Path, when: datetime | None = None
    ) -> tuple[Path, bool]:
        """Move a downloaded file into the archive; (path, False) if already archived.

        The same content is archived once: a redelivery finds the first copy and the new
        download is dropped.
        """
        existing = self.find(partner, sha256)
        if existing is not None:
            source.unlink(missing_ok=True)
            return existing, False
        moment = (when or datetime.now(UTC)).astimezone(UTC)
        target = self.root / partner / f"{moment:%Y}" / f"{moment:%m}" / f"{sha256}.edi"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return target, True

    @staticmethod
    def companion(archived: Path, suffix: str) -> Path:
        """``<sha256><suffix>`` next to an archived file (".ack.edi", ".report.txt")."""
        return archived.with_name(archived.name.removesuffix(".edi") + suffix)

    def save_companion(self, archived: Path, suffix: str, text: str) -> Path:
        """Write an acknowledgement or report next to the archived file."""
        path = self.companion(archived, suffix)
        _write_atomic(path, [text.encode("utf-8")])
        return path

    def sent_path(self, partner: str, name: str, when: datetime | None = None) -> Path:
        """Where an interchange we send is kept."""
        moment = (when or datetime.now(UTC)).astimezone(UTC)
        return self.root / partner / "out" / f"{moment:%Y}" / f"{moment:%m}" / name

    def keep_sent(self, partner: str, name: str, text: str, when: datetime | None = None) -> Path:
        """Archive an interchange before it is uploaded."""
        path = self.sent_path(partner, name, when)
        _write_atomic(path, [text.encode("utf-8")])
        return path

    def find_sent(self, partner: str, name: str) -> Path | None:
        """An interchange we sent, by file name."""
        for found in sorted((self.root / partner / "out").glob(f"*/*/{name}")):
            return found
        return None
