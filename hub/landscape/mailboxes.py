"""Partner mailboxes on the embedded SFTP server, and runtime partner profiles pointing at it.

Each partner of ``partners/*.yaml`` gets its own chrooted login (the partner's key) and a
second login for the hub (the hub's key) onto the same folder tree: in production the
partner's software and the hub's SFTP client meet in one mailbox on someone's server, and
here both sides run on the embedded one. The runtime copies of the profiles keep
everything of the originals except ``sftp``, which names this server, the hub's key file
and the server's pinned host-key fingerprint.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import yaml

from hub.edi.partner import PartnerProfile, load_profile_file
from reference.sftp import EmbeddedSftpServer

HUB_KEY = "hub_ed25519"
FOLDERS = {"inbox": "inbox", "outbox": "outbox", "archive": "archive"}


@dataclass(frozen=True)
class PartnerMailbox:
    """One partner's mailbox: its profile, both logins and the partner's key file."""

    profile: PartnerProfile
    partner_user: str
    hub_user: str
    partner_key: Path
    root: Path


def ensure_key(path: Path) -> str:
    """An ed25519 key at ``path`` (created 0600 when missing); returns the public key line."""
    if path.exists():
        key = asyncssh.read_private_key(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        # Opened private from the start: the key must never be readable by others.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key("openssh"))
    line: bytes = key.export_public_key("openssh")
    return line.decode("ascii").strip()


def user_name(partner_id: str) -> str:
    """The partner's login on the embedded server: its id in lower case."""
    return partner_id.lower().replace("_", "-")[:28]


def _share(server: EmbeddedSftpServer, hub_user: str, root: Path, public_key: str) -> None:
    hub_root = server.add_user(hub_user, public_key)
    if hub_root.is_symlink():
        hub_root.unlink()
    elif hub_root.exists():
        shutil.rmtree(hub_root)
    hub_root.symlink_to(root, target_is_directory=True)


def runtime_profile(source: Path, server: EmbeddedSftpServer, hub_user: str, hub_key: Path) -> str:
    """The YAML of ``source`` with its ``sftp`` block pointing at the embedded server."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["sftp"] = {
        "host": server.host,
        "port": server.port,
        "user": hub_user,
        "key": f"file:{hub_key}",
        "host_key": {"fingerprint": server.host_key_fingerprint},
        "folders": dict(FOLDERS),
        "archive_remote": True,
        "timeout": 10,
    }
    return yaml.safe_dump(data, sort_keys=False)


def open_mailboxes(
    server: EmbeddedSftpServer, source_dir: Path, keys_dir: Path, profiles_dir: Path
) -> dict[str, PartnerMailbox]:
    """Create every partner's logins and folders; write the runtime profiles; by partner id."""
    hub_key = keys_dir / HUB_KEY
    hub_public = ensure_key(hub_key)
    if profiles_dir.exists():
        shutil.rmtree(profiles_dir)
    profiles_dir.mkdir(parents=True)
    mailboxes: dict[str, PartnerMailbox] = {}
    for source in sorted(source_dir.glob("*.yaml")):
        profile = load_profile_file(source)
        partner_user = user_name(profile.id)
        hub_user = f"hub-{partner_user}"
        partner_key = keys_dir / f"{partner_user}_ed25519"
        root = server.add_user(partner_user, ensure_key(partner_key))
        for folder in FOLDERS.values():
            (root / folder).mkdir(parents=True, exist_ok=True)
        _share(server, hub_user, root, hub_public)
        target = profiles_dir / source.name
        target.write_text(runtime_profile(source, server, hub_user, hub_key), encoding="utf-8")
        mailboxes[profile.id] = PartnerMailbox(
            load_profile_file(target), partner_user, hub_user, partner_key, root
        )
    return mailboxes
