"""Dropped connections: the next operation reconnects; streams resume or fail clearly."""

from __future__ import annotations

import hashlib
import io
import logging
import random
import socket
from collections.abc import Iterator

import pytest
from sftp_targets import Target

from connectors.errors import ConnectionFailed, RetriableError
from connectors.sftp import SftpConnector


def drop_connection(sftp: SftpConnector) -> None:
    """Kill the connector's TCP connection under it, as a network failure would."""
    transport = sftp.transport
    assert transport is not None
    sock: socket.socket = transport.sock  # type: ignore[assignment]
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def payload(size: int, seed: int = 11) -> bytes:
    return random.Random(seed).randbytes(size)


def test_next_operation_reconnects_after_a_drop(target: Target) -> None:
    (target.local("inbox") / "one.edi").write_bytes(b"1")
    sftp = target.connector()
    assert [f.name for f in sftp.list_inbox()] == ["one.edi"]

    drop_connection(sftp)
    (target.local("inbox") / "two.edi").write_bytes(b"2")

    assert [f.name for f in sftp.list_inbox()] == ["one.edi", "two.edi"]
    assert sftp.connections_opened == 2
    claimed = sftp.claim("two.edi")
    assert claimed is not None
    assert sftp.connections_opened == 2


def test_download_resumes_where_it_was_when_the_connection_drops(
    target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    data = payload(1024 * 1024)
    (target.local("inbox") / "big.edi").write_bytes(data)
    sftp = target.connector(chunk_size=64 * 1024)

    received = []
    with caplog.at_level(logging.WARNING, logger="connectors.sftp"):
        for number, chunk in enumerate(sftp.open_read("big.edi")):
            received.append(chunk)
            if number == 2:
                drop_connection(sftp)

    assert hashlib.sha256(b"".join(received)).digest() == hashlib.sha256(data).digest()
    assert sftp.connections_opened == 2
    assert "reconnecting" in caplog.text


def test_download_without_reconnects_fails_as_retriable(target: Target) -> None:
    (target.local("inbox") / "big.edi").write_bytes(payload(512 * 1024))
    sftp = target.connector(reconnect_attempts=0)
    stream = sftp.open_read("big.edi")
    next(stream)
    drop_connection(sftp)
    with pytest.raises(ConnectionFailed, match="lost during download") as caught:
        list(stream)
    assert isinstance(caught.value, RetriableError)


class DropsOnce(io.BytesIO):
    """A seekable upload source that cuts the connection during its third read."""

    def __init__(self, data: bytes, sftp: SftpConnector) -> None:
        super().__init__(data)
        self.sftp = sftp
        self.reads = 0

    def read(self, size: int | None = -1, /) -> bytes:
        self.reads += 1
        if self.reads == 3:
            drop_connection(self.sftp)
        return super().read(size)


def test_seekable_upload_is_retried_from_the_start_after_a_drop(target: Target) -> None:
    data = payload(600 * 1024, seed=5)
    sftp = target.connector()
    sftp.connect()

    remote = sftp.upload_from(DropsOnce(data, sftp), "resent.edi")

    assert remote.size == len(data)
    assert (target.local("outbox") / "resent.edi").read_bytes() == data
    assert sftp.connections_opened == 2
    # The first attempt's temporary file was cleaned up by the second attempt.
    assert sorted(p.name for p in target.local("outbox").iterdir()) == ["resent.edi"]


def test_generator_upload_cut_mid_way_fails_and_publishes_nothing(target: Target) -> None:
    sftp = target.connector()
    sftp.connect()

    def source() -> Iterator[bytes]:
        for number in range(10):
            if number == 3:
                drop_connection(sftp)
            yield payload(64 * 1024, seed=number)

    with pytest.raises(ConnectionFailed):
        sftp.upload_from(source(), "once.edi")
    assert not (target.local("outbox") / "once.edi").exists()
    # Reconnects fine afterwards; the stranded temp file is not listed.
    assert sftp.list_files("outbox") == []
