"""Secret references resolve at use time from env, Airflow Connections and files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.errors import ClientError, ConfigError
from connectors.secrets import is_reference, resolve_header, resolve_secret, resolve_value


def test_env_reference_resolves_to_secretstr() -> None:
    secret = resolve_secret("env:CRM_SECRET", environ={"CRM_SECRET": "env-value-1"})
    assert secret.get_secret_value() == "env-value-1"
    assert "env-value-1" not in repr(secret)


def test_resolved_secret_is_scrubbed_from_later_errors() -> None:
    resolve_secret("env:X", environ={"X": "scrub-me-please"})
    assert "scrub-me-please" not in str(ClientError("rejected key scrub-me-please"))


def test_a_non_secret_value_from_a_reference_stays_readable_in_errors() -> None:
    environ = {"AIRFLOW_CONN_WMS_API": "http://hub:pw-for-wms-1@wms.plant-7.example:8443"}
    host = resolve_value("airflow:wms_api.host", environ=environ)
    assert host == "wms.plant-7.example"
    assert host in str(ClientError(f"connection to {host} refused"))
    password = resolve_secret("airflow:wms_api", environ=environ).get_secret_value()
    assert password not in str(ClientError(f"{host} refused {password}"))


def test_a_header_given_by_reference_is_treated_as_a_secret() -> None:
    token = resolve_header("env:TENANT", environ={"TENANT": "tenant-token-4711"})
    assert token == "tenant-token-4711"
    assert token not in str(ClientError(f"X-Tenant {token} refused"))
    assert resolve_header("application/json") == "application/json"


def test_missing_env_var_names_the_reference() -> None:
    with pytest.raises(ConfigError, match="env:NOPE"):
        resolve_secret("env:NOPE", environ={})


def test_airflow_uri_connection_fields() -> None:
    environ = {
        "AIRFLOW_CONN_CRM_API": "http://hub%40corp:p%40ss%2Fw0rd@crm.example:8443/v1?"
        "client_id=abc&__extra__=%7B%22tenant%22%3A+%22t1%22%7D"
    }
    assert resolve_secret("airflow:crm_api", environ=environ).get_secret_value() == "p@ss/w0rd"
    assert resolve_value("airflow:crm_api.login", environ=environ) == "hub@corp"
    assert resolve_value("airflow:crm_api.host", environ=environ) == "crm.example"
    assert resolve_value("airflow:crm_api.port", environ=environ) == "8443"
    assert resolve_value("airflow:crm_api.client_id", environ=environ) == "abc"
    assert resolve_value("airflow:crm_api.extra.tenant", environ=environ) == "t1"


def test_airflow_json_connection() -> None:
    environ = {
        "AIRFLOW_CONN_OMS": json.dumps(
            {
                "conn_type": "http",
                "login": "hub",
                "password": "json-pw-9",
                "extra": {"api_key": "k-77"},
            }
        )
    }
    assert resolve_secret("airflow:oms", environ=environ).get_secret_value() == "json-pw-9"
    assert resolve_secret("airflow:oms.api_key", environ=environ).get_secret_value() == "k-77"


def test_airflow_missing_connection_or_field() -> None:
    with pytest.raises(ConfigError, match="AIRFLOW_CONN_GONE is not set"):
        resolve_secret("airflow:gone", environ={})
    with pytest.raises(ConfigError, match="has no password"):
        resolve_secret("airflow:x", environ={"AIRFLOW_CONN_X": "http://host"})


def test_file_reference_strips_trailing_newline(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("file-secret-5\n", encoding="utf-8")
    assert resolve_secret(f"file:{path}").get_secret_value() == "file-secret-5"
    with pytest.raises(ConfigError, match="cannot read"):
        resolve_secret(f"file:{tmp_path / 'absent'}")


def test_literal_is_not_a_reference_and_is_never_echoed() -> None:
    assert not is_reference("plain-password")
    assert is_reference("env:A")
    assert is_reference("airflow:c.f")
    assert is_reference("file:/x")
    with pytest.raises(ConfigError) as info:
        resolve_secret("plain-password")
    assert "plain-password" not in str(info.value)
    assert resolve_value("plain-username") == "plain-username"
