"""Connecting: key and password auth, host key pinning, known_hosts, settings validation."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import asyncssh
import pytest
from sftp_targets import Target, write_keypair
from support_sshd import free_port

from connectors.errors import AuthError, ConfigError, ConnectionFailed, RetriableError
from connectors.sftp import (
    HostKeyMismatch,
    SftpConfig,
    SftpConnector,
    UnknownHostKey,
    fingerprint,
)
from reference.sftp import EmbeddedSftpServer


def other_fingerprint() -> str:
    """The fingerprint of some key that is not the server's."""
    key = asyncssh.generate_private_key("ssh-ed25519")
    fp: str = key.get_fingerprint("sha256")
    return fp


def test_connects_with_a_key_and_sees_the_pinned_host_key(target: Target) -> None:
    (target.local("inbox") / "order-1.edi").write_bytes(b"ISA*00*")
    with target.connector() as sftp:
        files = sftp.list_inbox()
        assert sftp.host_key_fingerprint == target.fingerprint
    assert [(f.name, f.size) for f in files] == [("order-1.edi", 7)]


def test_fingerprint_is_computed_the_openssh_way(target: Target) -> None:
    with target.connector() as sftp:
        sftp.connect()
        assert sftp.transport is not None
        assert fingerprint(sftp.transport.get_remote_server_key()) == target.fingerprint


def test_wrong_pinned_fingerprint_is_refused_before_any_data(target: Target) -> None:
    pinned = other_fingerprint()
    sftp = target.connector(host_key={"fingerprint": pinned})
    with pytest.raises(HostKeyMismatch) as caught:
        sftp.upload_from(io.BytesIO(b"secret order"), "po.edi")
    message = str(caught.value)
    for part in (target.host, str(target.port), pinned, target.fingerprint):
        assert part in message
    assert caught.value.expected == pinned
    assert caught.value.presented == target.fingerprint
    assert not caught.value.retriable
    assert list(target.local("outbox").iterdir()) == []
    assert sftp.connections_opened == 0


def test_known_hosts_with_the_right_key_connects(target: Target, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(f"[{target.host}]:{target.port} {target.host_public_key}\n")
    with target.connector(host_key={"known_hosts": str(known)}) as sftp:
        assert sftp.list_inbox() == []


def test_known_hosts_mismatch_is_refused(target: Target, tmp_path: Path) -> None:
    impostor = asyncssh.generate_private_key("ssh-ed25519")
    line = impostor.export_public_key("openssh").decode().split()
    known = tmp_path / "known_hosts"
    known.write_text(f"[{target.host}]:{target.port} {line[0]} {line[1]}\n")
    sftp = target.connector(host_key={"known_hosts": str(known)})
    with pytest.raises(HostKeyMismatch) as caught:
        sftp.list_inbox()
    message = str(caught.value)
    assert impostor.get_fingerprint("sha256") in message
    assert target.fingerprint in message
    assert f"{target.host}:{target.port}" in message


def test_host_missing_from_known_hosts_is_unknown(target: Target, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    # The right key, but for another port: it must not count for this one.
    known.write_text(f"[{target.host}]:{target.port + 1} {target.host_public_key}\n")
    with pytest.raises(UnknownHostKey, match=re.escape(target.fingerprint)):
        target.connector(host_key={"known_hosts": str(known)}).connect()


def test_insecure_option_warns_on_every_connection(
    target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    sftp = target.connector(host_key={"insecure_accept_any_host_key": True})
    with caplog.at_level(logging.WARNING, logger="connectors.sftp"):
        sftp.connect()
        sftp.close()
        sftp.connect()
    warnings = [r for r in caplog.records if "NOT verified" in r.getMessage()]
    assert len(warnings) == 2
    assert all(r.levelno == logging.WARNING for r in warnings)
    assert target.fingerprint in warnings[0].getMessage()


def test_password_auth_and_no_password_in_errors_or_logs(
    embedded_server: EmbeddedSftpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, public_key = write_keypair(tmp_path, "pw_key")
    embedded_server.add_user("pwpartner", public_key, password="correct horse battery")
    settings = {
        "host": embedded_server.host,
        "port": embedded_server.port,
        "username": "pwpartner",
        "auth": {"kind": "password", "password": "env:SFTP_TEST_PASSWORD"},
        "host_key": {"fingerprint": embedded_server.host_key_fingerprint},
        "folders": {"inbox": "inbox"},
    }
    monkeypatch.setenv("SFTP_TEST_PASSWORD", "correct horse battery")
    with SftpConnector(SftpConfig.from_dict(settings)) as sftp:
        assert sftp.list_inbox() == []

    monkeypatch.setenv("SFTP_TEST_PASSWORD", "wrong-password-123")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as caught:
        SftpConnector(SftpConfig.from_dict(settings)).connect()
    assert "pwpartner" in str(caught.value)
    assert "wrong-password-123" not in str(caught.value)
    assert "wrong-password-123" not in caplog.text
    assert "correct horse battery" not in caplog.text


def test_wrong_key_is_refused_with_auth_error(target: Target, tmp_path: Path) -> None:
    stranger, _ = write_keypair(tmp_path, "stranger")
    sftp = target.connector(auth={"kind": "key", "private_key": f"file:{stranger}"})
    with pytest.raises(AuthError, match=target.username):
        sftp.connect()


def test_encrypted_key_needs_its_passphrase(
    embedded_server: EmbeddedSftpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_path, public_key = write_keypair(tmp_path, "locked", passphrase="open sesame")
    embedded_server.add_user("lockedpartner", public_key)
    monkeypatch.setenv("SFTP_KEY_PASSPHRASE", "open sesame")
    settings = {
        "host": embedded_server.host,
        "port": embedded_server.port,
        "username": "lockedpartner",
        "auth": {"kind": "key", "private_key": f"file:{key_path}"},
        "host_key": {"fingerprint": embedded_server.host_key_fingerprint},
    }
    with pytest.raises(ConfigError, match="passphrase"):
        SftpConnector(SftpConfig.from_dict(settings)).connect()
    settings["auth"] = {**settings["auth"], "passphrase": "env:SFTP_KEY_PASSPHRASE"}
    with SftpConnector(SftpConfig.from_dict(settings)) as sftp:
        sftp.connect()
        assert sftp.host_key_fingerprint == embedded_server.host_key_fingerprint


def test_nothing_listening_is_a_retriable_connection_failure() -> None:
    port = free_port()
    config = SftpConfig.from_dict(
        {
            "host": "127.0.0.1",
            "port": port,
            "username": "nobody",
            "auth": {"kind": "password", "password": "env:UNUSED"},
            "host_key": {"fingerprint": other_fingerprint()},
        }
    )
    with pytest.raises(ConnectionFailed, match=f"127.0.0.1:{port}") as caught:
        SftpConnector(config).connect()
    assert isinstance(caught.value, RetriableError)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"auth": {"kind": "password", "password": "hunter2-literal"}}, "literal secret"),
        ({"host_key": {"fingerprint": "MD5:aa:bb"}}, "host_key.fingerprint"),
        ({"host_key": {}}, "exactly one"),
        (
            {"host_key": {"fingerprint": "SHA256:" + "A" * 43, "known_hosts": "/x"}},
            "exactly one",
        ),
        ({"folders": {"inbox": "in/../../etc"}}, "folders.inbox"),
        ({"port": 70000}, "port"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_settings_are_validated_without_echoing_values(
    change: dict[str, object], complaint: str
) -> None:
    settings: dict[str, object] = {
        "host": "sftp.example.com",
        "username": "acme",
        "auth": {"kind": "key", "private_key": "file:/run/secrets/acme_key"},
        "host_key": {"fingerprint": "SHA256:" + "A" * 43},
    }
    settings.update(change)
    with pytest.raises(ConfigError, match=complaint) as caught:
        SftpConfig.from_dict(settings)
    assert "hunter2-literal" not in str(caught.value)


def test_settings_defaults_place_done_and_error_under_the_inbox() -> None:
    config = SftpConfig.from_dict(
        {
            "host": "sftp.example.com",
            "username": "acme",
            "auth": {"kind": "key", "private_key": "env:ACME_KEY"},
            "host_key": {"known_hosts": "/etc/ssh/ssh_known_hosts"},
            "folders": {"inbox": "/data/acme/in/"},
        }
    )
    assert config.port == 22
    assert config.folders.path("inbox") == "/data/acme/in"
    assert config.folders.path("done") == "/data/acme/in/done"
    assert config.folders.path("error") == "/data/acme/in/error"
    assert config.chunk_size == 64 * 1024
