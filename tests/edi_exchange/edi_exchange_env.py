"""Mailboxes for the EDI exchange tests (not a conftest, so test modules can import it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

from hub.edi.partner import PartnerProfile
from reference.edi_partner import Identity, Mailbox


def write_keypair(folder: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key in OpenSSH format: (private key path, public key line)."""
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = folder / name
    path.write_bytes(key.export_private_key("openssh"))
    path.chmod(0o600)
    return path, key.export_public_key("openssh").decode().strip()


@dataclass
class Env:
    """One mailbox reachable by the hub and by the partner."""

    kind: str
    host: str
    port: int
    fingerprint: str
    hub_user: str
    hub_key: Path
    partner_user: str
    partner_key: Path
    remote_root: str  # "" = login folder
    local_root: Path

    def folder(self, role: str) -> str:
        return f"{self.remote_root}/{role}" if self.remote_root else role

    def local(self, role: str) -> Path:
        return self.local_root / role

    def mailbox(self) -> Mailbox:
        return Mailbox(
            self.host,
            self.port,
            self.partner_user,
            self.partner_key,
            self.fingerprint,
            root=self.remote_root,
        )

    def profile(self, standard: str = "x12", **overrides: Any) -> PartnerProfile:
        """A partner profile pointing at this mailbox."""
        x12 = standard == "x12"
        data: dict[str, Any] = {
            "id": "RETAIL-MART" if x12 else "ACME-SUPPLY",
            "name": "Test partner",
            "role": "retail_customer" if x12 else "supplier",
            "standard": standard,
            "version": "004010" if x12 else "D96A",
            "syntax": "00401" if x12 else "UNOC:3",
            "ours": {
                "qualifier": "ZZ" if x12 else "14",
                "id": "HUBCORP" if x12 else "4012345000009",
            },
            "theirs": {
                "qualifier": "ZZ" if x12 else "14",
                "id": "RETAILMART" if x12 else "4098765000003",
            },
            "documents": {
                "inbound": ["850", "855", "856", "810", "997"]
                if x12
                else ["ORDERS", "ORDRSP", "DESADV", "INVOIC", "CONTRL"],
                "outbound": ["850", "855", "856", "810", "997"]
                if x12
                else ["ORDERS", "ORDRSP", "DESADV", "INVOIC", "CONTRL"],
            },
            "acknowledgements": {"send": True, "expect": True, "due_hours": 24},
            "sftp": {
                "host": self.host,
                "port": self.port,
                "user": self.hub_user,
                "key": f"file:{self.hub_key}",
                "host_key": {"fingerprint": self.fingerprint},
                "folders": {r: self.folder(r) for r in ("inbox", "outbox", "archive")},
                "timeout": 10,
            },
        }
        data.update(overrides)
        return PartnerProfile.model_validate(data)

    def partner_identity(self, profile: PartnerProfile) -> Identity:
        return Identity(
            standard=profile.standard,
            own_id=profile.theirs.id,
            hub_id=profile.ours.id,
            own_qualifier=profile.theirs.qualifier,
            hub_qualifier=profile.ours.qualifier,
            version=profile.version,
        )
