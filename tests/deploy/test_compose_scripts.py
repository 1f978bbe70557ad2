"""The scripts docker-compose.yml runs inside its containers, run here on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support_sshd import SSH_KEYGEN, SSHD, need_service, sshd_available

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def healthcheck(url: str) -> int:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py"), url], timeout=30, check=False
    ).returncode


@pytest.fixture(scope="module")
def oms_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """deploy/serve_reference.py serving the OMS with a key set as compose sets it."""
    data_dir = tmp_path_factory.mktemp("ref-data")
    port = free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "REF_OMS_API_KEY": "compose-oms-key"}
    log = (data_dir / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, str(DEPLOY / "serve_reference.py"), "oms", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("serve_reference.py did not come up:\n" + (data_dir / "serve.log")
                            .read_text(encoding="utf-8", errors="replace")[-3000:])  # fmt: skip
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_reference_server_seeds_and_serves_with_the_key_from_the_environment(
    oms_server: str,
) -> None:
    assert requests.get(f"{oms_server}/orders", timeout=10).status_code == 401
    demo = requests.get(f"{oms_server}/orders", headers={"X-API-Key": "oms-demo-key"}, timeout=10)
    assert demo.status_code == 401  # the demo key is replaced, not added
    ours = requests.get(
        f"{oms_server}/orders", headers={"X-API-Key": "compose-oms-key"}, timeout=10
    )
    assert ours.status_code == 200
    assert ours.json(), "a new database is seeded with demo orders"


def test_reference_server_binds_loopback_unless_told_otherwise() -> None:
    sys.path.insert(0, str(DEPLOY))
    try:
        import serve_reference
    finally:
        sys.path.remove(str(DEPLOY))
    assert serve_reference.parse_args(["crm"]).host == "127.0.0.1"
    assert serve_reference.parse_args(["crm"]).port is None  # the documented port
    with pytest.raises(SystemExit):
        serve_reference.parse_args(["nosuchsystem"])


def test_healthcheck_passes_on_a_healthy_service_and_fails_otherwise(oms_server: str) -> None:
    assert healthcheck(f"{oms_server}/health") == 0
    assert healthcheck(f"{oms_server}/orders") == 1  # 401 is not healthy
    assert healthcheck(f"http://127.0.0.1:{free_port()}/health") == 1
    assert healthcheck("file:///etc/passwd") == 1


@pytest.mark.sshd
def test_partner_sftp_sshd_config_is_accepted_by_sshd(tmp_path: Path) -> None:
    available, why = sshd_available()
    need_service("sshd", available, why)
    host_key = tmp_path / "host_key"
    subprocess.run(
        [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True, timeout=30
    )
    config = (DEPLOY / "sftp" / "sshd_config").read_text(encoding="utf-8")
    config = config.replace("/etc/ssh/hub/host_ed25519_key", str(host_key))
    config = config.replace("/run/sshd.pid", str(tmp_path / "sshd.pid"))
    (tmp_path / "sshd_config").write_text(config + "AllowUsers edi\n", encoding="utf-8")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd -t insists on its privilege-separation dir
    result = subprocess.run(
        [str(SSHD), "-t", "-f", str(tmp_path / "sshd_config")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    effective = subprocess.run(
        [str(SSHD), "-T", "-f", str(tmp_path / "sshd_config")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout.lower()
    for setting in ("passwordauthentication no", "permitrootlogin no",
                    "forcecommand internal-sftp -l info", "chrootdirectory /srv/sftp",
                    "allowtcpforwarding no"):  # fmt: skip
        assert setting in effective, setting
