"""Host key verification: a pinned SHA256 fingerprint or an OpenSSH known_hosts file."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from pathlib import Path

import paramiko

from connectors.errors import ConfigError
from connectors.sftp.config import HostKeyCheck
from connectors.sftp.errors import HostKeyMismatch, UnknownHostKey

logger = logging.getLogger("connectors.sftp")

# A known_hosts "ssh-rsa" entry stands for the key whatever signature algorithm signs with.
_KEX_NAMES = {"ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")}


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's fingerprint of a key: ``SHA256:`` + unpadded base64 of sha256(key blob)."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def known_hosts_name(host: str, port: int) -> str:
    """How known_hosts names a host: ``host`` on port 22, ``[host]:port`` otherwise."""
    return host if port == 22 else f"[{host}]:{port}"


class HostKeyVerifier:
    """Decides whether a presented host key belongs to the configured server."""

    def __init__(self, check: HostKeyCheck, host: str, port: int, system: str | None) -> None:
        self.check = check
        self.host = host
        self.port = port
        self.system = system
        self._known: dict[str, paramiko.PKey] | None = None
        if check.known_hosts is not None:
            self._known = _load_known_hosts(check.known_hosts, known_hosts_name(host, port))

    def preferred_key_types(self, offered: tuple[str, ...]) -> tuple[str, ...]:
        """``offered`` reordered so the key types we already know are negotiated first."""
        if not self._known:
            return offered
        known: list[str] = []
        for key_type in self._known:
            known.extend(_KEX_NAMES.get(key_type, (key_type,)))
        first = [name for name in known if name in offered]
        return tuple(first + [name for name in offered if name not in first])

    def verify(self, key: paramiko.PKey) -> str:
        """Return the key's fingerprint if trusted; raise HostKeyMismatch/UnknownHostKey."""
        presented = fingerprint(key)
        where = f"{self.host}:{self.port}"
        if self.check.insecure_accept_any_host_key:
            logger.warning(
                "SFTP %s: host key NOT verified (insecure_accept_any_host_key is set); "
                "accepted %s %s",
                where,
                key.get_name(),
                presented,
            )
            return presented
        if self.check.fingerprint is not None:
            expected = self.check.fingerprint
            # Constant-time compare: cheap, and avoids reasoning about timing at all.
            if not hmac.compare_digest(presented.encode(), expected.encode()):
                raise HostKeyMismatch(
                    f"host key of {where} does not match the pinned fingerprint: expected "
                    f"{expected}, server presented {key.get_name()} {presented}. Refusing to "
                    "connect; if the server's key was changed on purpose, pin the new one",
                    host=self.host,
                    port=self.port,
                    expected=expected,
                    presented=presented,
                    system=self.system,
                )
            return presented
        known = self._known or {}
        source = self.check.known_hosts
        if not known:
            raise UnknownHostKey(
                f"host key of {where} is unknown: {source} has no entry for "
                f"{known_hosts_name(self.host, self.port)}; server presented {key.get_name()} "
                f"{presented}. Verify it out of band, then add it to known_hosts",
                host=self.host,
                port=self.port,
                expected="(none)",
                presented=presented,
                system=self.system,
            )
        expected_key = known.get(key.get_name())
        if expected_key is None or expected_key.asbytes() != key.asbytes():
            expected = ", ".join(f"{name} {fingerprint(k)}" for name, k in known.items())
            raise HostKeyMismatch(
                f"host key of {where} does not match {source}: expected {expected}, server "
                f"presented {key.get_name()} {presented}. Refusing to connect; the key changed "
                "or someone is impersonating the server",
                host=self.host,
                port=self.port,
                expected=expected,
                presented=presented,
                system=self.system,
            )
        return presented


def _load_known_hosts(path: Path, name: str) -> dict[str, paramiko.PKey]:
    if not path.is_file():
        raise ConfigError(f"known_hosts file {path} does not exist")
    keys = paramiko.HostKeys()
    try:
        keys.load(str(path))
    except (OSError, paramiko.SSHException) as exc:
        raise ConfigError(f"cannot read known_hosts file {path}: {exc}") from None
    # lookup() also matches hashed entries (HashKnownHosts yes).
    entry = keys.lookup(name)
    return {key_type: entry[key_type] for key_type in entry} if entry else {}


__all__ = ["HostKeyVerifier", "fingerprint", "known_hosts_name"]
