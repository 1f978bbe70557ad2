"""The embedded SFTP server: per-partner chroot, persistent host key and accounts."""

from __future__ import annotations

import io
import itertools
import socket
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest
from sftp_targets import Target, write_keypair

from connectors.errors import AuthError
from connectors.sftp import SftpConfig, SftpConnector
from reference.sftp import EmbeddedSftpServer

_globex_numbers = itertools.count(1)


def raw_sftp(target: Target) -> tuple[paramiko.Transport, paramiko.SFTPClient]:
    """A bare paramiko client, without the connector's own name checks."""
    transport = paramiko.Transport(socket.create_connection((target.host, target.port), 5))
    transport.start_client(timeout=5)
    transport.auth_publickey(target.username, paramiko.Ed25519Key.from_path(target.key_path))
    client = paramiko.SFTPClient.from_transport(transport)
    assert client is not None
    return transport, client


@pytest.fixture
def two_partners(
    embedded_server: EmbeddedSftpServer, partner: Target, tmp_path: Path
) -> Iterator[tuple[Target, Target]]:
    """The ``partner`` account and a second one, "globex<n>", on the same server."""
    name = f"globex{next(_globex_numbers)}"
    key_path, public_key = write_keypair(tmp_path, f"{name}_key")
    root = embedded_server.add_user(name, public_key)
    globex = Target(
        kind="embedded",
        host=embedded_server.host,
        port=embedded_server.port,
        username=name,
        key_path=key_path,
        fingerprint=embedded_server.host_key_fingerprint,
        host_public_key=embedded_server.host_public_key,
        remote_root="",
        local_root=root,
    )
    yield partner, globex
    globex.close_all()


def test_each_partner_sees_only_its_own_tree(two_partners: tuple[Target, Target]) -> None:
    acme, globex = two_partners
    (globex.local("inbox") / "secret.edi").write_bytes(b"globex only")
    transport, sftp = raw_sftp(acme)
    try:
        assert sorted(sftp.listdir("/")) == ["archive", "inbox", "outbox"]
        assert sftp.normalize("..") == "/"
        assert sorted(sftp.listdir("/../..")) == ["archive", "inbox", "outbox"]
        escapes = [
            f"../{globex.username}/inbox/secret.edi",
            f"/../{globex.username}/inbox/secret.edi",
            f"inbox/../../{globex.username}/inbox/secret.edi",
            str(globex.local("inbox") / "secret.edi"),  # the real local path
        ]
        for path in escapes:
            with pytest.raises(FileNotFoundError):
                sftp.open(path, "rb")
        # Writing through '..' lands inside acme's own tree, never in globex's.
        with sftp.open(f"../{globex.username}-note.txt", "wb") as handle:
            handle.write(b"hi")
        assert (acme.local_root / f"{globex.username}-note.txt").exists()
        assert not (globex.local_root.parent / f"{globex.username}-note.txt").exists()
    finally:
        transport.close()
    assert sorted(p.name for p in globex.local("inbox").iterdir()) == ["secret.edi"]


def test_links_cannot_be_created_to_leave_the_tree(partner: Target) -> None:
    transport, sftp = raw_sftp(partner)
    try:
        (partner.local("inbox") / "mine.edi").write_bytes(b"x")
        with pytest.raises(OSError, match="not allowed"):
            sftp.symlink("/etc/passwd", "inbox/passwd")
        with pytest.raises(OSError, match="not allowed"):
            sftp.symlink("../../..", "inbox/up")
    finally:
        transport.close()
    assert sorted(p.name for p in partner.local("inbox").iterdir()) == ["mine.edi"]


def test_a_partner_cannot_log_in_as_another(two_partners: tuple[Target, Target]) -> None:
    acme, globex = two_partners
    impostor = globex.connector(auth={"kind": "key", "private_key": f"file:{acme.key_path}"})
    with pytest.raises(AuthError, match=globex.username):
        impostor.connect()


def test_connector_works_inside_the_chroot(partner: Target) -> None:
    (partner.local("inbox") / "850.edi").write_bytes(b"ISA")
    sftp = partner.connector()
    claimed = sftp.claim("850.edi")
    assert claimed is not None
    sftp.upload_from(io.BytesIO(b"997"), "997.edi")
    sftp.finish(claimed, "done")
    assert (partner.local("done") / "850.edi").read_bytes() == b"ISA"
    assert (partner.local("outbox") / "997.edi").read_bytes() == b"997"


def test_host_key_and_accounts_survive_a_restart(tmp_path: Path) -> None:
    key_path, public_key = write_keypair(tmp_path, "acme_key")
    with EmbeddedSftpServer(tmp_path / "data") as first:
        first.add_user("acme", public_key)
        fingerprint = first.host_key_fingerprint
        assert fingerprint.startswith("SHA256:")
    assert (tmp_path / "data" / "ssh_host_ed25519_key").stat().st_mode & 0o077 == 0

    with EmbeddedSftpServer(tmp_path / "data") as second:
        assert second.host_key_fingerprint == fingerprint
        assert second.host == "127.0.0.1"
        config = SftpConfig.from_dict(
            {
                "host": second.host,
                "port": second.port,
                "username": "acme",
                "auth": {"kind": "key", "private_key": f"file:{key_path}"},
                "host_key": {"fingerprint": fingerprint},
            }
        )
        with SftpConnector(config) as sftp:
            assert sftp.list_inbox() == []
            assert sftp.host_key_fingerprint == fingerprint


def test_stop_closes_open_connections_and_frees_the_port(tmp_path: Path) -> None:
    key_path, public_key = write_keypair(tmp_path, "k")
    server = EmbeddedSftpServer(tmp_path / "data").start()
    server.add_user("acme", public_key)
    port = server.port
    config = SftpConfig.from_dict(
        {
            "host": "127.0.0.1",
            "port": port,
            "username": "acme",
            "auth": {"kind": "key", "private_key": f"file:{key_path}"},
            "host_key": {"fingerprint": server.host_key_fingerprint},
            "reconnect_attempts": 0,
        }
    )
    sftp = SftpConnector(config)
    sftp.connect()
    server.stop()
    try:
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
        transport = sftp.transport
        assert transport is not None
        transport.join(timeout=5)  # the server hung up: the transport thread ends
        assert not transport.is_active()
    finally:
        sftp.close()


@pytest.mark.parametrize("name", ["", "Acme", "../etc", "a" * 40, "-x"])
def test_partner_names_are_checked(embedded_server: EmbeddedSftpServer, name: str) -> None:
    with pytest.raises(ValueError, match="user name"):
        embedded_server.add_user(name, embedded_server.host_public_key)
