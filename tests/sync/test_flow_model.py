"""Flow files: the committed JSON Schema is current, good files load, bad ones say why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from hub.flows import SCHEMA_PATH, FlowError, flow_json_schema, load_flow, load_flows, parse_flow
from hub.flows.schema import render_schema

GOOD = {
    "$schema": "../hub/flows/flow.schema.json",
    "name": "crm-to-erp-customers",
    "source": {"system": "crm", "entity": "accounts", "deleted_field": "deleted"},
    "target": {"system": "erp", "entity": "customers"},
    "canonical": "Customer",
    "mappings": {"inbound": "crm/accounts.yaml", "outbound": "erp/customers.yaml"},
    "mode": "incremental",
    "schedule": "*/15 * * * *",
    "batch_size": 200,
    "match_rules": [
        {"name": "tax_id", "fields": ["tax_ids[*].value"]},
        {"name": "email", "fields": ["contacts[*].email"], "normalise": "email"},
    ],
    "ownership": {"crm": ["sales_owner", "tier"], "erp": ["credit_limit", "payment_terms"]},
    "delete_policy": {"action": "deactivate", "set": {"status": "inactive"}},
    "partitions": {"count": 4, "field": "id"},
    "lookback_seconds": 120,
    "skew_margin_seconds": 10,
}


def test_the_committed_schema_is_generated_from_the_model():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "regenerate: python -c 'from hub.flows.schema import write_schema; write_schema()'"
    )
    Draft202012Validator.check_schema(flow_json_schema())


def test_a_good_flow_file_loads(tmp_path: Path):
    path = tmp_path / "customers.yaml"
    path.write_text(yaml.safe_dump(GOOD), encoding="utf-8")

    flow = load_flow(path)

    assert flow.owned_by("erp") == {"credit_limit", "payment_terms"}
    assert flow.partition_key(2) == "2/4"
    assert [rule.normalise for rule in flow.match_rules] == ["alnum", "email"]
    assert load_flows(tmp_path) == {"crm-to-erp-customers": flow}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schedul": "@hourly"}, "schedul"),
        ({"schedule": "every five minutes"}, "schedule"),
        ({"schedule": "@fortnightly"}, "schedule"),
        ({"mode": "sometimes"}, "mode"),
        ({"batch_size": 0}, "batch_size"),
        ({"canonical": "Banana"}, "Banana"),
        ({"ownership": {"crm": ["no_such_field"]}}, "no_such_field"),
        ({"ownership": {"crm": ["tier"], "erp": ["tier"]}}, "owned by both"),
        ({"match_rules": [{"name": "x", "fields": ["nope[*].value"]}]}, "nope"),
        ({"delete_policy": {"action": "deactivate"}}, "set"),
        ({"delete_policy": {"action": "shred"}}, "action"),
    ],
)
def test_a_bad_flow_is_refused_with_the_place_named(change, message):
    with pytest.raises(FlowError) as caught:
        parse_flow({**GOOD, **change}, "bad.yaml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("bad.yaml: ")


def test_presets_and_cron_schedules_are_accepted():
    for schedule in ("@hourly", "@daily", "0 2 * * 1-5", "*/5 * * * *"):
        assert parse_flow({**GOOD, "schedule": schedule}).schedule == schedule


def test_yaml_tags_and_duplicate_flow_names_are_refused(tmp_path: Path):
    (tmp_path / "evil.yaml").write_text("!!python/object/apply:os.system ['true']\n")
    with pytest.raises(FlowError, match="invalid YAML"):
        load_flow(tmp_path / "evil.yaml")

    (tmp_path / "evil.yaml").unlink()
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(json.dumps(GOOD), encoding="utf-8")
    with pytest.raises(FlowError, match="used twice"):
        load_flows(tmp_path)
