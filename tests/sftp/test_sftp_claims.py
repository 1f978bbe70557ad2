"""Inbox listing, claiming by rename, finishing into done/error, and unsafe names."""

from __future__ import annotations

import io
import os
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sftp_targets import Target
from support_sshd import free_port

from connectors.sftp import (
    ClaimedFile,
    RemoteFileExists,
    SftpConfig,
    SftpConnector,
    UnsafeRemoteName,
    check_name,
)


def test_inbox_listing_skips_temp_claimed_hidden_files_and_folders(target: Target) -> None:
    inbox = target.local("inbox")
    (inbox / "b-order.edi").write_bytes(b"12345")
    (inbox / "a-order.edi").write_bytes(b"1")
    os.utime(inbox / "a-order.edi", (1_700_000_000, 1_700_000_000))  # older: listed first
    (inbox / ".b-order.edi.0a1b2c.tmp").write_bytes(b"partial")
    (inbox / "c-order.edi.processing").write_bytes(b"claimed")
    (inbox / ".hidden").write_bytes(b"x")
    (inbox / "subfolder").mkdir()

    files = target.connector().list_inbox()

    assert [(f.name, f.size, f.folder) for f in files] == [
        ("a-order.edi", 1, "inbox"),
        ("b-order.edi", 5, "inbox"),
    ]
    assert files[0].modified == datetime.fromtimestamp(1_700_000_000, UTC)
    assert abs((files[1].modified - datetime.now(UTC)).total_seconds()) < 60


def test_two_clients_claim_the_same_file_and_exactly_one_wins(target: Target) -> None:
    names = [f"order-{n}.edi" for n in range(5)]
    for name in names:
        (target.local("inbox") / name).write_bytes(name.encode())
    first, second = target.connector(), target.connector()
    first.connect()
    second.connect()
    results: dict[str, list[ClaimedFile | None]] = {name: [] for name in names}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2, timeout=10)

    def worker(sftp: SftpConnector) -> None:
        try:
            for name in names:
                barrier.wait()  # both ask for the same file at the same moment
                results[name].append(sftp.claim(name))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    for name in names:
        winners = [claim for claim in results[name] if claim is not None]
        assert len(results[name]) == 2
        assert len(winners) == 1, (name, results[name])
        assert winners[0].claimed_name == f"{name}.processing"
        assert winners[0].size == len(name)
    inbox = sorted(p.name for p in target.local("inbox").iterdir())
    assert inbox == sorted(f"{name}.processing" for name in names)
    assert first.list_inbox() == []


def test_claim_of_a_vanished_file_returns_none(target: Target) -> None:
    assert target.connector().claim("gone.edi") is None


def test_finish_moves_claims_to_done_and_error_creating_the_folders(target: Target) -> None:
    inbox = target.local("inbox")
    (inbox / "good.edi").write_bytes(b"good")
    (inbox / "bad.edi").write_bytes(b"bad")
    sftp = target.connector()

    good = sftp.claim("good.edi")
    bad = sftp.claim("bad.edi")
    assert good is not None
    assert bad is not None
    assert b"".join(sftp.open_read(good)) == b"good"
    done_path = sftp.finish(good, "done")
    error_path = sftp.finish(bad, "error")

    assert (target.local("done") / "good.edi").read_bytes() == b"good"
    assert (target.local("error") / "bad.edi").read_bytes() == b"bad"
    assert done_path.endswith("/done/good.edi")
    assert error_path.endswith("/error/bad.edi")
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "error"]


def test_finish_adds_a_timestamp_when_the_name_is_taken(target: Target) -> None:
    inbox = target.local("inbox")
    (inbox / "done").mkdir()
    (inbox / "done" / "po.edi").write_bytes(b"yesterday")
    (inbox / "po.edi").write_bytes(b"today")
    sftp = target.connector()

    claimed = sftp.claim("po.edi")
    assert claimed is not None
    moved = sftp.finish(claimed, "done")

    stamped = Path(moved).name
    assert re.fullmatch(r"po\.\d{8}T\d{12}Z\.edi", stamped), stamped
    assert (inbox / "done" / "po.edi").read_bytes() == b"yesterday"
    assert (inbox / "done" / stamped).read_bytes() == b"today"


def test_finish_refuses_an_unknown_outcome(target: Target) -> None:
    claimed = ClaimedFile("x.edi", "x.edi.processing", "inbox", 0)
    with pytest.raises(ValueError, match="done"):
        target.connector().finish(claimed, "archive")  # type: ignore[arg-type]


UNSAFE_NAMES = [
    "../etc/passwd",
    "..",
    ".",
    "a..b",
    "/etc/passwd",
    "inbox/x.edi",
    "x\\..\\y",
    "x\x00.edi",
    "x\n.edi",
    "-rf",
    "",
    "a" * 300,
]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_names_are_refused_before_any_remote_call(name: str, tmp_path: Path) -> None:
    # Nothing listens on this port: reaching the network would raise ConnectionFailed.
    config = SftpConfig.from_dict(
        {
            "host": "127.0.0.1",
            "port": free_port(),
            "username": "acme",
            "auth": {"kind": "password", "password": "env:UNUSED"},
            "host_key": {"fingerprint": "SHA256:" + "A" * 43},
        }
    )
    sftp = SftpConnector(config)
    calls = [
        lambda: sftp.upload_from(io.BytesIO(b"x"), name),
        lambda: sftp.open_read(name),
        lambda: sftp.download_to(tmp_path / "out", name),
        lambda: sftp.claim(name),
        lambda: sftp.finish(ClaimedFile(name, name + ".processing", "inbox", 0), "done"),
    ]
    for call in calls:
        with pytest.raises(UnsafeRemoteName):
            call()
    assert sftp.connections_opened == 0
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["ORDERS_20250101.edi", "po 17.x12", "é.txt", ".profile"])
def test_ordinary_names_are_accepted(name: str) -> None:
    assert check_name(name) == name


def test_listing_skips_names_that_could_not_be_used_safely(
    target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = target.local("inbox")
    (inbox / "-rf").write_bytes(b"x")
    (inbox / "fine.edi").write_bytes(b"x")
    assert [f.name for f in target.connector().list_inbox()] == ["fine.edi"]
    assert "-rf" in caplog.text


def test_claim_does_not_replace_a_stale_claim(target: Target) -> None:
    inbox = target.local("inbox")
    (inbox / "dup.edi.processing").write_bytes(b"earlier copy, still being processed")
    (inbox / "dup.edi").write_bytes(b"new copy")
    with pytest.raises(RemoteFileExists, match="stale claim"):
        target.connector().claim("dup.edi")
    assert (inbox / "dup.edi.processing").read_bytes().startswith(b"earlier")
    assert (inbox / "dup.edi").read_bytes() == b"new copy"


def test_a_claim_left_by_a_dead_worker_goes_stale_and_is_taken_back(target: Target) -> None:
    inbox = target.local("inbox")
    (inbox / "old-order.edi").write_bytes(b"old")
    os.utime(inbox / "old-order.edi", (1_700_000_000, 1_700_000_000))  # uploaded long ago
    (inbox / "fresh-order.edi").write_bytes(b"fresh")
    sftp = target.connector()
    dead = sftp.claim("old-order.edi")
    live = sftp.claim("fresh-order.edi")
    assert dead is not None
    assert live is not None
    # The claim stamps the file: an old upload claimed now is not stale yet.
    assert sftp.stale_claims(timedelta(minutes=30)) == []
    # The worker holding old-order.edi died an hour ago.
    hour_ago = datetime.now(UTC).timestamp() - 3600
    os.utime(inbox / "old-order.edi.processing", (hour_ago, hour_ago))

    [stale] = sftp.stale_claims(timedelta(minutes=30))

    assert (stale.name, stale.claimed_name, stale.size) == ("old-order.edi", dead.claimed_name, 3)
    assert sftp.unclaim(stale) is True
    assert [f.name for f in sftp.list_inbox()] == ["old-order.edi"]
    assert sftp.unclaim(stale) is False  # taken back already (by us, or a rival)
    assert sftp.stale_claims(timedelta(minutes=30)) == []


def test_an_unclaim_never_replaces_a_new_file_of_the_same_name(target: Target) -> None:
    inbox = target.local("inbox")
    (inbox / "order.edi").write_bytes(b"first")
    sftp = target.connector()
    claimed = sftp.claim("order.edi")
    assert claimed is not None
    (inbox / "order.edi").write_bytes(b"second delivery")

    assert sftp.unclaim(claimed) is False

    assert (inbox / "order.edi").read_bytes() == b"second delivery"
    assert (inbox / "order.edi.processing").read_bytes() == b"first"
