"""Partner mailboxes of the embedded landscape: logins, keys, runtime profiles."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.edi.partner import PARTNERS_DIR, iter_profiles, load_partner
from hub.landscape.mailboxes import HUB_KEY, PartnerMailbox, open_mailboxes
from reference.edi_partner import Mailbox
from reference.sftp import EmbeddedSftpServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedSftpServer]:
    with EmbeddedSftpServer(tmp_path / "sftp") as running:
        yield running


@pytest.fixture
def mailboxes(server: EmbeddedSftpServer, tmp_path: Path) -> dict[str, PartnerMailbox]:
    return open_mailboxes(server, PARTNERS_DIR, tmp_path / "keys", tmp_path / "partners")


def test_every_partner_gets_a_runtime_profile_pinned_to_the_server(
    server: EmbeddedSftpServer, mailboxes: dict[str, PartnerMailbox], tmp_path: Path
) -> None:
    assert set(mailboxes) == {p.id for p in iter_profiles(PARTNERS_DIR)}
    for partner_id in mailboxes:
        profile = load_partner(partner_id, tmp_path / "partners")
        original = load_partner(partner_id, PARTNERS_DIR)
        assert profile.sftp is not None
        assert (profile.sftp.host, profile.sftp.port) == (server.host, server.port)
        assert profile.sftp.host_key.fingerprint == server.host_key_fingerprint
        assert profile.sftp.key == f"file:{tmp_path / 'keys' / HUB_KEY}"
        assert profile.documents == original.documents  # only the sftp block changed


def test_keys_are_private_to_the_owner(
    mailboxes: dict[str, PartnerMailbox], tmp_path: Path
) -> None:
    for key in (tmp_path / "keys").iterdir():
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key.name


def test_partner_and_hub_meet_in_one_mailbox_and_partners_are_apart(
    server: EmbeddedSftpServer, mailboxes: dict[str, PartnerMailbox], tmp_path: Path
) -> None:
    retail, supplier = mailboxes["RETAIL-MART"], mailboxes["ACME-SUPPLY"]
    fingerprint = server.host_key_fingerprint
    hub_key = tmp_path / "keys" / HUB_KEY
    with (
        Mailbox(
            server.host, server.port, retail.partner_user, retail.partner_key, fingerprint
        ) as partner,
        Mailbox(server.host, server.port, retail.hub_user, hub_key, fingerprint) as hub,
        Mailbox(
            server.host, server.port, supplier.partner_user, supplier.partner_key, fingerprint
        ) as other,
    ):
        partner.put("inbox", "order.edi", b"ISA*...")
        assert hub.list("inbox") == ["order.edi"]
        assert other.list("inbox") == []
