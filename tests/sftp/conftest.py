"""SFTP servers for the connector tests: a real OpenSSH sshd and the embedded asyncssh one.

Most tests run against both through the ``target`` fixture; each test gets its own
folders (a fresh folder under the sshd root, or a fresh partner on the embedded server).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sftp_targets import Target, write_keypair
from support_sshd import SshdServer, sshd_folder, sshd_server  # noqa: F401 (fixtures)

from reference.sftp import EmbeddedSftpServer

_partner_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSftpServer]:
    """The embedded SFTP server, running for the whole session."""
    server = EmbeddedSftpServer(tmp_path_factory.mktemp("embedded-sftp"))
    with server:
        yield server


@pytest.fixture
def partner(embedded_server: EmbeddedSftpServer, tmp_path: Path) -> Iterator[Target]:
    """A fresh partner account on the embedded server."""
    name = f"partner{next(_partner_numbers)}"
    key_path, public_key = write_keypair(tmp_path, f"{name}_key")
    root = embedded_server.add_user(name, public_key)
    chosen = Target(
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
    yield chosen
    chosen.close_all()


@pytest.fixture
def sshd_target(sshd_server: SshdServer, sshd_folder: Path) -> Iterator[Target]:  # noqa: F811
    """A fresh folder tree on the real sshd."""
    for role in ("inbox", "outbox", "archive"):
        (sshd_folder / role).mkdir()
    chosen = Target(
        kind="sshd",
        host=sshd_server.host,
        port=sshd_server.port,
        username=sshd_server.user,
        key_path=sshd_server.key_path,
        fingerprint=sshd_server.host_key_fingerprint,
        host_public_key=sshd_server.host_public_key,
        remote_root=str(sshd_folder),
        local_root=sshd_folder,
    )
    yield chosen
    chosen.close_all()


@pytest.fixture(
    params=[pytest.param("sshd", marks=pytest.mark.sshd), pytest.param("embedded")],
)
def target(request: pytest.FixtureRequest) -> Target:
    """Each test once against OpenSSH's sshd and once against the embedded server."""
    chosen: Target = request.getfixturevalue(
        "sshd_target" if request.param == "sshd" else "partner"
    )
    return chosen
