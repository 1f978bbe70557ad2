"""AdaptedSink: merge reads side by side keep each record's own answer; PATCH is retried."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import requests
import responses

from connectors.errors import ClientError
from connectors.rest.factory import rest_connector
from hub.flows.adapters import AdaptedSink
from hub.flows.model import TargetEndpoint
from tests.connectors.conftest import BASE, FakeClock, profile_from


def adapted(target: dict[str, Any]) -> AdaptedSink:
    profile = profile_from(
        {"things": {"path": "/things", "write": {"method": "PUT", "path": "/things/{id}"}}}
    )
    clock = FakeClock()
    connector = rest_connector(
        profile, sleep=clock.sleep, clock=clock, rng=random.Random(7), environ={}
    )
    sink = connector.sink
    assert sink is not None
    endpoint = TargetEndpoint.model_validate({"system": "acme", "entity": "things", **target})
    return AdaptedSink(sink, endpoint, getattr(sink, "client", None))


@responses.activate
def test_merge_reads_run_side_by_side_and_each_record_keeps_its_own_fields() -> None:
    def current(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        thing = str(request.url).rsplit("/", 1)[-1]
        if thing == "T3":
            return 422, {}, json.dumps({"detail": "unreadable"})
        return 200, {}, json.dumps({"id": thing, "owner": f"owner-of-{thing}"})

    responses.add_callback(responses.GET, re.compile(rf"{BASE}/things/T\d+"), callback=current)
    responses.add_callback(
        responses.PUT,
        re.compile(rf"{BASE}/things/T\d+"),
        callback=lambda r: (200, {}, r.body or "{}"),
    )
    sink = adapted({"merge": {"read": "/things/{id}", "keep": ["owner"]}})
    records = [{"id": f"T{i}", "name": f"n{i}"} for i in range(8)]

    results = sink.write("things", records)

    assert [r.ok for r in results] == [i != 3 for i in range(8)]
    assert isinstance(results[3].error, ClientError)
    sent = {
        json.loads(c.request.body)["id"]: json.loads(c.request.body)
        for c in responses.calls
        if c.request.method == "PUT"
    }
    assert sorted(sent) == [f"T{i}" for i in range(8) if i != 3]
    assert all(body["owner"] == f"owner-of-{thing}" for thing, body in sent.items())


@responses.activate
def test_a_patch_refused_with_503_is_retried_in_place() -> None:
    responses.patch(f"{BASE}/things/T1", status=503)
    responses.patch(f"{BASE}/things/T1", status=200, json={})
    sink = adapted({"patch": {"method": "PATCH", "path": "/things/{id}"}})

    [result] = sink.write("things", [{"id": "T1", "name": "x"}])

    assert result.ok
    assert result.target_id == "T1"
    assert [c.request.method for c in responses.calls] == ["PATCH", "PATCH"]
