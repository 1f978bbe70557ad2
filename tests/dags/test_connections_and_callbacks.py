"""Connections become the profiles' HUB_ variables; failures become redacted dead letters."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from connectors.profile import load_profile
from hub.airflow.callbacks import STAGE, record_failure
from hub.airflow.connections import ConnectionFields, connections_environ
from hub.airflow.runtime import run_key_of
from hub.flows.workspace import DEFAULT_PROFILES
from hub.redaction import redact
from hub.store import migrate
from hub.store.dead_letters import list_dead_letters
from hub.store.engine import make_engine, make_session_factory

CONNECTIONS = {
    "crm": ConnectionFields(
        host="crm.example", port=8443, schema="https", login="hub", password="crm-pw"
    ),
    "oms": ConnectionFields(host="http://oms.example:81/", password="oms-key"),
    "oa": ConnectionFields(
        host="oa", port=8106, password="oa-tok", extra={"callback_secret": "cb"}
    ),
}


def test_connections_map_onto_the_variables_the_profiles_read() -> None:
    environ = connections_environ(CONNECTIONS.get, base={"HUB_WMS_USER": "kept", "OTHER": "x"})

    assert environ["HUB_CRM_URL"] == "https://crm.example:8443"
    assert (environ["HUB_CRM_CLIENT_ID"], environ["HUB_CRM_CLIENT_SECRET"]) == ("hub", "crm-pw")
    assert environ["HUB_OMS_URL"] == "http://oms.example:81"
    assert environ["HUB_OMS_API_KEY"] == "oms-key"
    assert environ["HUB_OA_URL"] == "http://oa:8106"
    assert environ["HUB_OA_CALLBACK_SECRET"] == "cb"
    assert environ["HUB_WMS_USER"] == "kept"  # no wms connection: the variable stays
    assert environ["OTHER"] == "x"
    assert "HUB_ERP_URL" not in environ
    # The profile reads them: URL and the secret reference resolve from this environ.
    profile = load_profile(DEFAULT_PROFILES / "crm.yaml", environ=environ)
    assert str(profile.base_url).startswith("https://crm.example:8443")
    # Resolved secrets are known to the redactor.
    assert "crm-pw" not in redact("login failed with crm-pw")


def test_the_run_key_is_the_logical_date_else_the_run_id() -> None:
    logical = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    assert run_key_of({"logical_date": logical, "run_id": "r"}) == "2026-03-01T06:00:00+00:00"
    assert run_key_of({"logical_date": None, "run_id": "manual__x"}) == "manual__x"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("HUB_DATABASE_URL", url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


def test_a_failed_task_becomes_a_redacted_dead_letter(store) -> None:
    ti = SimpleNamespace(dag_id="flow_x", task_id="sync", run_id="manual__1", try_number=4)
    error = RuntimeError("login refused for http://hub:hunter2@crm-callbacks.test/oauth")
    context = {"ti": ti, "run_id": "manual__1", "exception": error, "logical_date": None}

    first = record_failure(context)
    again = record_failure(context)

    with store() as session:
        (letter,) = list_dead_letters(session, flow="airflow:flow_x")
    assert first == again == letter.id
    assert letter.attempts == 2
    assert letter.stage == STAGE
    assert letter.error_class == "RuntimeError"
    assert "hunter2" not in letter.message
    assert "crm-callbacks.test" in letter.message
    assert letter.payload["task_id"] == "sync"
    assert letter.payload["try_number"] == 4


def test_a_failure_callback_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", "sqlite:////nonexistent/dir/hub.db")
    assert record_failure({"run_id": "r", "exception": ValueError("boom")}) is None
