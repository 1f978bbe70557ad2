"""A private OpenSSH sshd on a loopback port, for tests in any folder.

Use the ``sshd_server`` fixture by importing it into a conftest.py (``tests/`` is on
``sys.path`` because ``tests/conftest.py`` lives there, so no package is needed):

    from support_sshd import sshd_server  # noqa: F401

or start one by hand with ``with running_sshd(workdir) as server: ...``.

The server listens on 127.0.0.1 only, on a free port, with an ed25519 host key and one
user key generated for this run; it logs in as the user running the tests. When
/usr/sbin/sshd is missing the fixture skips with a reason, or fails under
``HUB_REQUIRE_SERVICES=1`` (as in CI).
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = Path(os.environ.get("HUB_TEST_SSHD", "/usr/sbin/sshd"))  # overridable to test the skip
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
INSTALL_HINT = "install it with: apt-get install -y openssh-server"


@dataclass(frozen=True)
class SshdServer:
    """Where a running test sshd listens and the files a client needs to reach it."""

    host: str
    port: int
    user: str
    key_path: Path  # the user's private key (ed25519, no passphrase)
    public_key_path: Path
    host_key_fingerprint: str  # "SHA256:..." as OpenSSH prints it
    host_public_key: str  # "ssh-ed25519 AAAA..."
    known_hosts: Path  # holds the host key under "[127.0.0.1]:port"
    root: Path  # a folder the tests may fill; each test should use its own subfolder
    workdir: Path
    pid: int


def services_required() -> bool:
    """True when ``HUB_REQUIRE_SERVICES`` asks for failures instead of skips."""
    return os.environ.get("HUB_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def need_service(name: str, available: bool, how: str) -> None:
    """Skip (or, under HUB_REQUIRE_SERVICES, fail) when a service is missing."""
    # Same rule as tests/conftest.py; copied because conftest modules are not importable
    # under pytest's default (prepend) import mode.
    if available:
        return
    message = f"{name} is not available ({how})"
    if services_required():
        pytest.fail(f"{message}, and HUB_REQUIRE_SERVICES is set")
    pytest.skip(message)


def sshd_available() -> tuple[bool, str]:
    """Whether this machine can run a test sshd, and why not."""
    if not SSHD.is_file():
        return False, f"{SSHD} is missing; {INSTALL_HINT}"
    if not Path(SSH_KEYGEN).is_file():
        return False, f"ssh-keygen is missing; {INSTALL_HINT}"
    return True, ""


def fingerprint_of(public_key_line: str) -> str:
    """OpenSSH's SHA256 fingerprint of an ``type base64 [comment]`` public key line."""
    blob = base64.b64decode(public_key_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _keygen(path: Path) -> None:
    subprocess.run(
        [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)],
        check=True,
        capture_output=True,
    )


def _write_config(workdir: Path, port: int) -> Path:
    config = workdir / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {workdir / 'hostkey'}",
                f"PidFile {workdir / 'sshd.pid'}",
                f"AuthorizedKeysFile {workdir / 'authorized_keys'}",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PermitRootLogin prohibit-password",
                f"AllowUsers {getpass.getuser()}",
                "MaxStartups 50",
                "MaxSessions 50",
                "LogLevel INFO",
                "Subsystem sftp internal-sftp",
                "",
            ]
        )
    )
    return config


def _wait_for_port(proc: subprocess.Popen[bytes], port: int, log: Path, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.settimeout(2)
                # sshd accepts before it is ready only in theory; its banner proves it.
                if sock.recv(4).startswith(b"SSH-"):
                    return True
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"sshd did not listen on 127.0.0.1:{port}; log:\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    except OSError:
        return "(no log)"


@contextmanager
def running_sshd(workdir: Path, *, start_timeout: float = 10.0) -> Iterator[SshdServer]:
    """Start a private sshd in ``workdir`` (generating its keys) and stop it on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    _keygen(workdir / "hostkey")
    _keygen(workdir / "userkey")
    shutil.copyfile(workdir / "userkey.pub", workdir / "authorized_keys")
    host_public_key = (workdir / "hostkey.pub").read_text().strip()
    root = workdir / "root"
    root.mkdir(exist_ok=True)
    # sshd refuses to start without its privilege-separation directory.
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    log = workdir / "sshd.log"

    proc: subprocess.Popen[bytes] | None = None
    port = 0
    for _attempt in range(3):  # the free port may be taken between probe and bind
        port = free_port()
        config = _write_config(workdir, port)
        proc = subprocess.Popen(
            [str(SSHD), "-D", "-f", str(config), "-E", str(log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_for_port(proc, port, log, time.monotonic() + start_timeout):
            break
        proc.wait()
        proc = None
    if proc is None:
        raise RuntimeError(f"sshd would not start; log:\n{_tail(log)}")

    known_hosts = workdir / "known_hosts"
    key_type, key_data = host_public_key.split()[:2]
    known_hosts.write_text(f"[127.0.0.1]:{port} {key_type} {key_data}\n")
    try:
        yield SshdServer(
            host="127.0.0.1",
            port=port,
            user=getpass.getuser(),
            key_path=workdir / "userkey",
            public_key_path=workdir / "userkey.pub",
            host_key_fingerprint=fingerprint_of(host_public_key),
            host_public_key=f"{key_type} {key_data}",
            known_hosts=known_hosts,
            root=root,
            workdir=workdir,
            pid=proc.pid,
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def sshd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshdServer]:
    """A private OpenSSH sshd on 127.0.0.1 for the whole session, or skip."""
    available, why = sshd_available()
    need_service("OpenSSH sshd", available, why)
    with running_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture
def sshd_folder(sshd_server: SshdServer) -> Path:
    """A fresh folder under the sshd root for one test (the same path locally and remotely)."""
    folder = sshd_server.root / f"t{time.monotonic_ns()}"
    folder.mkdir()
    return folder
