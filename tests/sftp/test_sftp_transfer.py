"""Streaming downloads and uploads, bounded memory, and atomic uploads."""

from __future__ import annotations

import hashlib
import io
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sftp_targets import Target

from connectors.sftp import RemoteFileExists, RemoteFileNotFound

MIB = 1024 * 1024
FILE_SIZE = 6 * MIB


def random_chunks(total: int, seed: int, size: int = 100_000) -> Iterator[bytes]:
    """``total`` pseudo-random bytes, produced a piece at a time."""
    rng = random.Random(seed)
    sent = 0
    while sent < total:
        piece = rng.randbytes(min(size, total - sent))
        sent += len(piece)
        yield piece


class HashingSink:
    """A write-only file that keeps a digest and a size, not the data."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(MIB):
            digest.update(block)
    return digest.hexdigest()


def test_multi_megabyte_upload_and_download_stream_in_bounded_memory(target: Target) -> None:
    expected = hashlib.sha256()
    for piece in random_chunks(FILE_SIZE, seed=7):
        expected.update(piece)
    sftp = target.connector()
    sftp.connect()

    tracemalloc.start()
    try:
        remote = sftp.upload_from(random_chunks(FILE_SIZE, seed=7), "big.bin")
        _, upload_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()

        sink = HashingSink()
        chunk_sizes = []
        for chunk in sftp.open_read("big.bin", folder="outbox"):
            chunk_sizes.append(len(chunk))
            sink.write(chunk)
        _, download_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert remote.size == FILE_SIZE
    assert sha256_of(target.local("outbox") / "big.bin") == expected.hexdigest()
    assert sink.size == FILE_SIZE
    assert sink.digest.hexdigest() == expected.hexdigest()
    assert max(chunk_sizes) <= sftp.config.chunk_size
    assert len(chunk_sizes) >= FILE_SIZE // sftp.config.chunk_size
    # The whole file never sits in memory: peaks stay far below its 6 MiB. (tracemalloc
    # also counts the embedded server's buffers, up to one SSH window, as it runs in-process;
    # the peaks do not grow with the file size.)
    assert upload_peak < FILE_SIZE / 3, upload_peak
    assert download_peak < FILE_SIZE / 3, download_peak


def test_download_to_a_path_and_to_a_file_object(target: Target, tmp_path: Path) -> None:
    payload = b"UNA:+.? '\nUNB+UNOC:3+SENDER+RECEIVER'\n" * 5000
    (target.local("inbox") / "orders.edi").write_bytes(payload)
    sftp = target.connector(chunk_size=4096)

    local = tmp_path / "orders.edi"
    assert sftp.download_to(local, "orders.edi") == len(payload)
    assert local.read_bytes() == payload
    assert not (tmp_path / "orders.edi.part").exists()

    buffer = io.BytesIO()
    assert sftp.download_to(buffer, "orders.edi") == len(payload)
    assert buffer.getvalue() == payload


def test_download_of_a_missing_file_is_a_clear_error(target: Target, tmp_path: Path) -> None:
    with pytest.raises(RemoteFileNotFound, match=r"nothing\.edi"):
        target.connector().download_to(tmp_path / "x", "nothing.edi")
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "x.part").exists()


def test_failed_upload_leaves_no_file_under_the_final_name(target: Target) -> None:
    def breaks_midway() -> Iterator[bytes]:
        yield from random_chunks(MIB, seed=1)
        raise RuntimeError("source system went away")

    sftp = target.connector()
    with pytest.raises(RuntimeError, match="went away"):
        sftp.upload_from(breaks_midway(), "invoice.edi")

    outbox = target.local("outbox")
    assert not (outbox / "invoice.edi").exists()
    assert list(outbox.iterdir()) == []  # the temporary file was removed too
    # The connection is still usable after the caller's error.
    assert sftp.upload_from(io.BytesIO(b"ok"), "invoice.edi").size == 2


def test_partial_upload_is_never_visible_under_the_final_name(target: Target) -> None:
    outbox = target.local("outbox")
    seen_during_upload: list[list[str]] = []

    def watched() -> Iterator[bytes]:
        for piece in random_chunks(2 * MIB, seed=3):
            seen_during_upload.append(sorted(p.name for p in outbox.iterdir()))
            yield piece

    target.connector().upload_from(watched(), "asn.edi")
    assert seen_during_upload
    assert all("asn.edi" not in names for names in seen_during_upload)
    assert any(n.startswith(".asn.edi.") and n.endswith(".tmp") for n in seen_during_upload[-1])
    assert sorted(p.name for p in outbox.iterdir()) == ["asn.edi"]


def test_upload_refuses_to_replace_unless_told(target: Target) -> None:
    sftp = target.connector()
    sftp.upload_from(io.BytesIO(b"first"), "po.edi")
    with pytest.raises(RemoteFileExists, match=r"po\.edi"):
        sftp.upload_from(io.BytesIO(b"second"), "po.edi")
    assert (target.local("outbox") / "po.edi").read_bytes() == b"first"

    sftp.upload_from(io.BytesIO(b"third"), "po.edi", overwrite=True)
    assert (target.local("outbox") / "po.edi").read_bytes() == b"third"
    assert sorted(p.name for p in target.local("outbox").iterdir()) == ["po.edi"]


def test_upload_into_another_folder_role(target: Target) -> None:
    remote = target.connector().upload_from([b"abc", b"", b"def"], "copy.edi", folder="archive")
    assert remote.folder == "archive"
    assert (target.local("archive") / "copy.edi").read_bytes() == b"abcdef"
