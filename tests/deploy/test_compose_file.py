"""docker-compose.yml, Dockerfile and deploy/: valid against the Compose Specification and
wired the way docs/deployment.md promises (no Docker engine is needed to check this)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from reference.registry import SYSTEMS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / "deploy" / "hub.env.example"

AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
CONNECTIONS = ("CRM", "ERP", "OMS", "WMS", "SRM", "OA", "PARTNER_SFTP")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|KEY|TOKEN|^REDISCLI_AUTH$", re.IGNORECASE)
# A whole value that is one reference to a variable that must be set (no default).
REQUIRED_REF = re.compile(r"^\$\{[A-Z][A-Z0-9_]*(:?\?[^}]*)?\}$")
REQUIRED_VAR = re.compile(r"\$\{([A-Z][A-Z0-9_]*):\?")
URL_PASSWORD = re.compile(r"://[^:/@\s]*:(?P<password>[^@\s]+)@")
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z][A-Z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str) -> str:
    """Resolve ${VAR:-default} to its default and a required ${VAR:?...} to ``<VAR>``."""

    def one(match: re.Match[str]) -> str:
        if match.group("op") in (":-", "-"):
            return match.group("arg")
        return f"<{match.group('name')}>"

    return VARIABLE.sub(one, value)


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def all_env(services: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(name, k, v) for name, svc in services.items() for k, v in environment(svc).items()]


# -- the Compose Specification --------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    result = check_jsonschema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_compose_file(tmp_path: Path) -> None:
    broken = COMPOSE.read_text(encoding="utf-8").replace(
        "  airflow-worker:\n", "  airflow-worker:\n    replicas_typo: 3\n", 1
    )
    assert broken != COMPOSE.read_text(encoding="utf-8")
    path = tmp_path / "docker-compose.yml"
    path.write_text(broken, encoding="utf-8")
    result = check_jsonschema(path)
    assert result.returncode != 0
    assert "replicas_typo" in result.stdout + result.stderr


# -- structure --------------------------------------------------------------------------------


def test_every_service_waited_on_as_healthy_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    waited_on: set[str] = set()
    for name, svc in services.items():
        for target, rule in (svc.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown service {target}"
            if rule.get("condition") == "service_healthy":
                waited_on.add(target)
            elif rule.get("condition") == "service_completed_successfully":
                assert services[target].get("restart") == "no", f"{target} is one-shot"
    assert {"postgres", "redis", "airflow-apiserver"} <= waited_on
    for name in waited_on:
        test = (services[name].get("healthcheck") or {}).get("test")
        assert test, f"{name} is waited on as healthy but has no healthcheck"


def test_long_running_services_restart_and_report_health(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, svc in services.items():
        if name == "airflow-init":
            continue
        assert svc.get("restart") in ("unless-stopped", "always", "on-failure"), name
        assert (svc.get("healthcheck") or {}).get("test"), f"{name} has no healthcheck"


def test_airflow_runs_on_celery_with_redis_and_a_psycopg2_result_backend(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in (*AIRFLOW_SERVICES, "airflow-init"):
        env = {k: interpolate(v) for k, v in environment(services[name]).items()}
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False", name
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/hub/dags", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        # A bare postgresql:// would mean psycopg 3 under SQLAlchemy 2.1 (not installed).
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://")
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].rstrip("/").endswith("/execution")
        assert "./dags:/opt/hub/dags:ro" in services[name].get("volumes", []) or (
            name == "airflow-init"
        )


def test_worker_is_a_scalable_celery_worker_without_a_log_server(
    services: dict[str, dict[str, Any]],
) -> None:
    worker = services["airflow-worker"]
    assert worker["command"][:3] == ["airflow", "celery", "worker"]
    assert "--skip-serve-logs" in worker["command"]
    assert "replicas" in worker.get("deploy", {})
    # `--scale` needs replicas that do not fight over a name or a host port.
    assert "container_name" not in worker
    assert "ports" not in worker
    assert "airflow-logs:/opt/airflow/logs" in worker["volumes"]
    assert "airflow-logs:/opt/airflow/logs" in services["airflow-apiserver"]["volumes"]


def test_api_server_health_endpoint_is_checked(services: dict[str, dict[str, Any]]) -> None:
    test = " ".join(services["airflow-apiserver"]["healthcheck"]["test"])
    assert "/api/v2/monitor/health" in test


def test_each_reference_system_runs_in_its_own_service_with_a_health_check(
    services: dict[str, dict[str, Any]],
) -> None:
    for system, (_, port) in SYSTEMS.items():
        svc = services[f"reference-{system}"]
        assert svc["command"][:3] == ["python", "deploy/serve_reference.py", system]
        assert any(str(p).endswith(f":{port}:{port}") for p in svc["ports"])
        assert f"http://127.0.0.1:{port}/health" in svc["healthcheck"]["test"]


def test_connections_come_from_the_environment_and_point_at_services(
    services: dict[str, dict[str, Any]],
) -> None:
    env = environment(services["airflow-worker"])
    for conn_id in CONNECTIONS:
        conn = json.loads(interpolate(env[f"AIRFLOW_CONN_{conn_id}"]))
        host = conn["host"]
        assert host in services, f"AIRFLOW_CONN_{conn_id} points at unknown service {host}"
        if conn_id != "PARTNER_SFTP":
            assert services[host]["command"][2] == conn_id.lower()
            assert conn["port"] == SYSTEMS[conn_id.lower()][1]
        fields = {**conn, **conn.get("extra", {})}
        for name, value in fields.items():
            if SECRET_NAME.search(name) or name == "fingerprint":
                # <VAR> comes from a required ${VAR:?} reference: never an inline secret.
                assert re.fullmatch(r"<[A-Z0-9_]+>", value) or value.startswith(
                    "file:/run/secrets/"
                ), f"AIRFLOW_CONN_{conn_id}.{name} is not a reference"
        assert "password" in fields or "private_key" in fields, conn_id


def test_no_literal_secrets_in_the_compose_file(services: dict[str, dict[str, Any]]) -> None:
    for service, name, value in all_env(services):
        if SECRET_NAME.search(name) and not name.endswith("_FILE"):
            assert REQUIRED_REF.match(value), f"{service}: {name} must be a ${{VAR:?}} reference"
        for match in URL_PASSWORD.finditer(value):
            password = match.group("password")
            assert REQUIRED_REF.match(password), f"{service}: {name} has a literal URL password"


def test_every_required_variable_is_in_the_env_example_and_left_empty() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    required = set(REQUIRED_VAR.findall(body))
    example: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            example[key.strip()] = value.strip()
    assert required, "expected ${VAR:?} references in docker-compose.yml"
    missing = required - example.keys()
    assert not missing, f"add to deploy/hub.env.example: {sorted(missing)}"
    filled = {k for k in example if SECRET_NAME.search(k) and example[k]}
    assert not filled, f"the example must not carry secrets: {sorted(filled)}"


def test_published_ports_default_to_loopback(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        for port in svc.get("ports", []):
            host_ip = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(port)).split(":")[0]
            assert host_ip == "127.0.0.1", f"{name} publishes {port} beyond loopback by default"


def test_scripts_the_compose_file_runs_exist_and_are_executable(
    services: dict[str, dict[str, Any]],
) -> None:
    init = services["airflow-init"]["command"][0]
    assert init.startswith("/opt/hub/")
    for path in (ROOT / init.removeprefix("/opt/hub/"), ROOT / "deploy/sftp/entrypoint.sh",
                 ROOT / "deploy/postgres/10-create-hub-database.sh"):  # fmt: skip
        assert path.is_file(), path
        assert os.access(path, os.X_OK), f"{path} is not executable"
    assert (ROOT / "deploy/serve_reference.py").is_file()
    assert (ROOT / "deploy/healthcheck.py").is_file()


# -- Dockerfile and build context -------------------------------------------------------------


def test_dockerfile_installs_from_the_lock_file_and_runs_as_a_user() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in text
    syncs = re.findall(r"uv sync ([^\n\\]*)", text)
    assert syncs
    assert all("--locked" in s and "--no-dev" in s for s in syncs)
    # Any --extra named must exist in pyproject, or `uv sync` fails at build time.
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"].get(
        "optional-dependencies", {}
    )
    for extra in re.findall(r"--extra[ =](\S+)", text):
        assert extra in extras, f"Dockerfile asks for extra {extra!r} that pyproject lacks"
    hub_stage = text.split("AS hub", 1)[1].split("\nFROM ", 1)[0]
    user = re.findall(r"^USER (\S+)", hub_stage, flags=re.MULTILINE)
    assert user
    assert user[-1] not in ("root", "0")


def test_build_context_leaves_out_secrets_and_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for pattern in (".git", ".venv", ".hub", "deploy/secrets", "**/*.env", ".env"):
        assert pattern in ignored, pattern
