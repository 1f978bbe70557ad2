"""RestSink: per-record results in order, idempotency keys, upserts, If-Match, batches."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses

from connectors.base import Connector, Sink
from connectors.errors import AuthError, ClientError, ConfigError, ContractError
from tests.connectors.conftest import BASE, profile_from


def sink_of(connect: Callable[..., Connector], write: dict[str, Any], **entity: Any) -> Any:
    profile = profile_from({"things": {"path": "/things", "write": write, **entity}})
    sink = connect(profile).sink
    assert isinstance(sink, Sink)
    return sink


@responses.activate
def test_single_writes_report_each_record_and_a_4xx_does_not_stop_the_rest(
    connect: Callable[..., Connector],
) -> None:
    def create(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        record = json.loads(request.body or b"{}")
        if not record.get("name"):
            return 422, {}, json.dumps({"detail": "name is required"})
        return 201, {}, json.dumps({"id": f"T-{record['name']}"})

    responses.add_callback(responses.POST, f"{BASE}/things", callback=create)
    sink = sink_of(connect, {"idempotency_header": "Idempotency-Key"})
    records = [{"name": "a"}, {"name": ""}, {"name": "c"}]
    results = sink.write("things", records, idempotency_keys=["k-a", "k-b", "k-c"])
    assert [r.ok for r in results] == [True, False, True]
    assert [r.target_id for r in results] == ["T-a", None, "T-c"]
    assert isinstance(results[1].error, ClientError)
    assert results[1].error.status == 422
    assert "name is required" in str(results[1].error)
    keys = [c.request.headers["Idempotency-Key"] for c in responses.calls]
    assert keys == ["k-a", "k-b", "k-c"]


@responses.activate
def test_upsert_by_external_id_uses_the_path_template(connect: Callable[..., Connector]) -> None:
    responses.put(f"{BASE}/things/by-ext/ERP%2F42", status=200, json={"id": "T-9"})
    sink = sink_of(connect, {"upsert_by": "/things/by-ext/{externalId}"})
    [result] = sink.write("things", [{"externalId": "ERP/42", "name": "x"}])
    assert result.ok
    assert result.target_id == "T-9"
    assert json.loads(responses.calls[0].request.body) == {"externalId": "ERP/42", "name": "x"}


@responses.activate
def test_missing_template_field_fails_only_that_record(connect: Callable[..., Connector]) -> None:
    responses.put(f"{BASE}/things/by-ext/E1", json={"id": "T-1"})
    sink = sink_of(connect, {"upsert_by": "/things/by-ext/{externalId}"})
    results = sink.write("things", [{"name": "no ext"}, {"externalId": "E1"}])
    assert [r.ok for r in results] == [False, True]
    assert "externalId" in str(results[0].error)


@responses.activate
def test_put_by_id_with_if_match_etag(connect: Callable[..., Connector]) -> None:
    responses.get(f"{BASE}/things/7", json={"id": 7}, headers={"ETag": '"v3"'})
    responses.put(f"{BASE}/things/7", status=204)
    responses.get(f"{BASE}/things/8", status=404)
    responses.put(f"{BASE}/things/8", status=201, json={"id": 8})
    sink = sink_of(connect, {"method": "PUT", "path": "/things/{id}", "if_match": True})
    results = sink.write("things", [{"id": 7, "name": "x"}, {"id": 8, "name": "new"}])
    assert [(r.ok, r.target_id) for r in results] == [(True, "7"), (True, "8")]
    puts = [c.request for c in responses.calls if c.request.method == "PUT"]
    assert puts[0].headers["If-Match"] == '"v3"'
    assert puts[1].headers["If-None-Match"] == "*"


@responses.activate
def test_412_precondition_failed_is_a_per_record_error(connect: Callable[..., Connector]) -> None:
    responses.get(f"{BASE}/things/7", json={}, headers={"ETag": '"v3"'})
    responses.put(f"{BASE}/things/7", status=412)
    sink = sink_of(connect, {"method": "PUT", "path": "/things/{id}", "if_match": True})
    [result] = sink.write("things", [{"id": 7}])
    assert not result.ok
    assert result.error is not None
    assert result.error.status == 412


@responses.activate
def test_location_header_gives_the_target_id(connect: Callable[..., Connector]) -> None:
    responses.post(f"{BASE}/things", status=201, headers={"Location": f"{BASE}/things/T-55"})
    [result] = sink_of(connect, {}).write("things", [{"name": "x"}])
    assert result.target_id == "T-55"


@responses.activate
def test_answer_without_any_id_is_a_contract_error(connect: Callable[..., Connector]) -> None:
    responses.post(f"{BASE}/things", status=204)
    [result] = sink_of(connect, {}).write("things", [{"name": "x"}])
    assert isinstance(result.error, ContractError)


@responses.activate
def test_auth_error_stops_the_whole_write(connect: Callable[..., Connector]) -> None:
    responses.post(f"{BASE}/things", status=403)
    with pytest.raises(AuthError):
        sink_of(connect, {}).write("things", [{"name": "a"}, {"name": "b"}])
    assert len(responses.calls) == 1


@responses.activate
def test_batch_mode_maps_results_back_to_records(connect: Callable[..., Connector]) -> None:
    def bulk(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        records = json.loads(request.body or b"{}")["records"]
        results = [
            {"ref": f"T-{r['n']}"} if r["n"] != 2 else {"error": "duplicate", "status": 409}
            for r in records
        ]
        return 200, {}, json.dumps({"results": results})

    responses.add_callback(responses.POST, f"{BASE}/things/bulk", callback=bulk)
    sink = sink_of(
        connect,
        {
            "mode": "batch",
            "path": "/things/bulk",
            "body_path": "records",
            "results_path": "results",
            "id_path": "ref",
            "batch_size": 2,
            "idempotency_header": "Idempotency-Key",
        },
    )
    records = [{"n": 1}, {"n": 2}, {"n": 3}]
    results = sink.write("things", records, idempotency_keys=["a", "b", "c"])
    assert [(r.ok, r.target_id) for r in results] == [(True, "T-1"), (False, None), (True, "T-3")]
    assert results[1].error is not None
    assert results[1].error.status == 409
    assert len(responses.calls) == 2  # batch_size 2
    keys = [c.request.headers["Idempotency-Key"] for c in responses.calls]
    assert len(set(keys)) == 2


@responses.activate
def test_batch_with_wrong_result_count_fails_each_record(connect: Callable[..., Connector]) -> None:
    responses.post(f"{BASE}/things", json=[{"id": 1}])
    results = sink_of(connect, {"mode": "batch"}).write("things", [{"n": 1}, {"n": 2}])
    assert [r.ok for r in results] == [False, False]
    assert all(isinstance(r.error, ContractError) for r in results)


def test_keys_must_match_records(connect: Callable[..., Connector]) -> None:
    with pytest.raises(ConfigError, match="one key per record"):
        sink_of(connect, {}).write("things", [{"n": 1}], idempotency_keys=["a", "b"])


def test_read_only_entity_refuses_writes(connect: Callable[..., Connector]) -> None:
    profile = profile_from({"things": {"path": "/things"}, "other": {"path": "/o", "write": {}}})
    sink = connect(profile).sink
    assert sink is not None
    with pytest.raises(ConfigError, match="read-only"):
        sink.write("things", [{}])
