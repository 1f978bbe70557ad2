"""Trading-partner accounts of the embedded SFTP server, kept in ``<data_dir>/users.json``."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

import asyncssh

USER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
FOLDERS = ("inbox", "outbox", "archive")
# scrypt parameters: about 16 MiB and a few tens of ms per check.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Partner:
    """One account: its public keys (OpenSSH lines) and an optional password hash."""

    name: str
    public_keys: tuple[str, ...]
    password_salt: str | None = None
    password_hash: str | None = None


def _hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)


class PartnerStore:
    """Accounts and their home folders (``<data_dir>/home/<name>/inbox|outbox|archive``)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.home = data_dir / "home"
        self._file = data_dir / "users.json"
        self._lock = threading.Lock()
        self._partners: dict[str, Partner] = {}
        self._key_blobs: dict[str, set[bytes]] = {}
        if self._file.exists():
            for entry in json.loads(self._file.read_text(encoding="utf-8"))["partners"]:
                partner = Partner(
                    name=entry["name"],
                    public_keys=tuple(entry["public_keys"]),
                    password_salt=entry.get("password_salt"),
                    password_hash=entry.get("password_hash"),
                )
                self._remember(partner)

    def add(self, name: str, public_key: str, password: str | None = None) -> Path:
        """Create or replace account ``name``; return its home folder."""
        if not USER_NAME.match(name):
            raise ValueError("user name must be 1-32 of a-z, 0-9, '_' or '-', starting alnum")
        key = asyncssh.import_public_key(public_key)  # refuses anything that is not a key
        line = key.export_public_key("openssh").decode("ascii").strip()
        salt = digest = None
        if password is not None:
            raw_salt = secrets.token_bytes(16)
            salt, digest = raw_salt.hex(), _hash_password(password, raw_salt).hex()
        partner = Partner(name, (line,), salt, digest)
        root = self.root_of(name)
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._remember(partner)
            self._save()
        return root

    def root_of(self, name: str) -> Path:
        """The home folder of ``name`` (the root of what that partner can see)."""
        if not USER_NAME.match(name):
            raise ValueError("invalid user name")
        return self.home / name

    def exists(self, name: str) -> bool:
        """True when ``name`` has an account."""
        return name in self._partners

    def key_allowed(self, name: str, key: asyncssh.SSHKey) -> bool:
        """True when ``key`` is one of ``name``'s public keys."""
        return bytes(key.public_data) in self._key_blobs.get(name, set())

    def password_ok(self, name: str, password: str) -> bool:
        """True when ``password`` matches ``name``'s password (False if it has none)."""
        partner = self._partners.get(name)
        if partner is None or partner.password_salt is None or partner.password_hash is None:
            return False
        digest = _hash_password(password, bytes.fromhex(partner.password_salt))
        return hmac.compare_digest(digest, bytes.fromhex(partner.password_hash))

    def _remember(self, partner: Partner) -> None:
        self._partners[partner.name] = partner
        self._key_blobs[partner.name] = {
            bytes(asyncssh.import_public_key(line).public_data) for line in partner.public_keys
        }

    def _save(self) -> None:
        entries = [
            {
                "name": p.name,
                "public_keys": list(p.public_keys),
                "password_salt": p.password_salt,
                "password_hash": p.password_hash,
            }
            for p in self._partners.values()
        ]
        temp = self._file.with_name(f".users.{secrets.token_hex(4)}.tmp")
        temp.write_text(json.dumps({"partners": entries}, indent=2), encoding="utf-8")
        os.chmod(temp, 0o600)
        os.replace(temp, self._file)


__all__ = ["FOLDERS", "Partner", "PartnerStore"]
