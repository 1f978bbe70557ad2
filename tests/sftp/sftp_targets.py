"""Test accounts on an SFTP server, shared by the SFTP tests (not a conftest: importable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from connectors.sftp import SftpConfig, SftpConnector


@dataclass
class Target:
    """One SFTP account to test against, and where its folders are on the local disk."""

    kind: str
    host: str
    port: int
    username: str
    key_path: Path
    fingerprint: str
    host_public_key: str
    remote_root: str  # prefix of the remote folder paths ("" = the login folder)
    local_root: Path  # the same folder seen locally
    opened: list[SftpConnector] = field(default_factory=list)

    def local(self, role: str) -> Path:
        """Local path of a folder role (inbox, outbox, ...)."""
        return self.local_root / (f"inbox/{role}" if role in ("done", "error") else role)

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """A config dict for this account, pinned fingerprint and key auth by default."""
        prefix = f"{self.remote_root}/" if self.remote_root else ""
        data: dict[str, Any] = {
            "name": f"test-{self.kind}",
            "host": self.host,
            "port": self.port,
            "username": self.username,
            "auth": {"kind": "key", "private_key": f"file:{self.key_path}"},
            "host_key": {"fingerprint": self.fingerprint},
            "folders": {role: f"{prefix}{role}" for role in ("inbox", "outbox", "archive")},
            "timeouts": {"connect": 5, "handshake": 5, "auth": 5, "operation": 10},
            "reconnect_delay": 0,
        }
        data.update(overrides)
        return data

    def connector(self, **overrides: Any) -> SftpConnector:
        """A connector for this account, closed after the test."""
        connector = SftpConnector(SftpConfig.from_dict(self.settings(**overrides)))
        self.opened.append(connector)
        return connector

    def close_all(self) -> None:
        """Close every connector this target handed out."""
        for connector in self.opened:
            connector.close()


def write_keypair(folder: Path, name: str, passphrase: str | None = None) -> tuple[Path, str]:
    """A new ed25519 key in OpenSSH format; returns (private key path, public key line)."""
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = folder / name
    # Few KDF rounds: the default 128 costs seconds per load, and strength is not tested.
    private = key.export_private_key("openssh", passphrase, rounds=4, ignore_few_rounds=True)
    path.write_bytes(private)
    path.chmod(0o600)
    return path, key.export_public_key("openssh").decode().strip()
