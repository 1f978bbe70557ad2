"""Mailboxes for the EDI exchange tests: the real OpenSSH sshd and the embedded server.

The hub and the simulated partner reach the same folder tree, each with its own key:
on the embedded server the hub's account shares the partner's home folder; on sshd both
keys are authorised for the test user.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from edi_exchange_env import Env, write_keypair
from sqlalchemy.orm import Session, sessionmaker
from support_sshd import SshdServer, sshd_folder, sshd_server  # noqa: F401 (fixtures)

from hub.edi.archive import LocalArchive
from hub.store import make_engine, make_session_factory
from hub.store.migrate import upgrade
from reference.sftp import EmbeddedSftpServer

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSftpServer]:
    with EmbeddedSftpServer(tmp_path_factory.mktemp("edi-sftp")) as server:
        yield server


@pytest.fixture
def embedded_env(embedded_server: EmbeddedSftpServer, tmp_path: Path) -> Env:
    n = next(_numbers)
    partner, hub = f"partner{n}", f"hub{n}"
    partner_key, partner_pub = write_keypair(tmp_path, "partner_key")
    hub_key, hub_pub = write_keypair(tmp_path, "hub_key")
    root = embedded_server.add_user(partner, partner_pub)
    hub_root = embedded_server.add_user(hub, hub_pub)
    shutil.rmtree(hub_root)
    hub_root.symlink_to(root, target_is_directory=True)  # one mailbox, two accounts
    return Env(
        "embedded",
        embedded_server.host,
        embedded_server.port,
        embedded_server.host_key_fingerprint,
        hub,
        hub_key,
        partner,
        partner_key,
        "",
        root,
    )


@pytest.fixture
def sshd_env(sshd_server: SshdServer, sshd_folder: Path, tmp_path: Path) -> Env:  # noqa: F811
    for role in ("inbox", "outbox", "archive"):
        (sshd_folder / role).mkdir()
    partner_key, partner_pub = write_keypair(tmp_path, "partner_key")
    with (sshd_server.workdir / "authorized_keys").open("a") as keys:
        keys.write(partner_pub + "\n")
    return Env(
        "sshd",
        sshd_server.host,
        sshd_server.port,
        sshd_server.host_key_fingerprint,
        sshd_server.user,
        sshd_server.key_path,
        sshd_server.user,
        partner_key,
        str(sshd_folder),
        sshd_folder,
    )


@pytest.fixture(params=[pytest.param("sshd", marks=pytest.mark.sshd), "embedded"])
def env(request: pytest.FixtureRequest) -> Env:
    """Each test once against OpenSSH's sshd and once against the embedded server."""
    chosen: Env = request.getfixturevalue("sshd_env" if request.param == "sshd" else "embedded_env")
    return chosen


@pytest.fixture
def sessions(hub_data_dir: str) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{hub_data_dir}/hub.db"
    upgrade(url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def archive(hub_data_dir: str) -> LocalArchive:
    return LocalArchive(Path(hub_data_dir) / "edi" / "archive")
