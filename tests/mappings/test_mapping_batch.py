"""Batches: one poison record never stops the rest; every error says where it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from canonical import Customer
from mappings import RecordError, compile_mapping

EXAMPLE = Path(__file__).resolve().parents[2] / "mappings" / "examples" / "crm" / "account.yaml"


def account(n: int, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "accountId": f"ACC-{n}",
        "accountName": f"Customer {n}",
        "billingAddress": {"street": "Main 1", "city": "Berlin", "zip": "10115", "country": "DE"},
        "creditLimit": "100.00",
        "lastModified": "2024-01-01T00:00:00Z",
    }
    record.update(changes)
    return record


def test_batch_with_poison_records_maps_the_rest() -> None:
    m = compile_mapping(EXAMPLE)
    records = [
        account(1),
        account(2, creditLimit="lots"),  # the mapping fails
        account(3, isDeleted=True),  # a filter rejects it
        account(4, billingAddress={"street": "x", "city": "y", "country": "Atlantis"}),
        account(5, email="not-an-email"),  # the canonical model refuses it
        "not even an object",
        account(6),
    ]
    result = m.map_batch(records)
    assert [(r.position, r.key) for r in result.mapped] == [(0, "ACC-1"), (6, "ACC-6")]
    assert all(isinstance(r.record, Customer) for r in result.mapped)
    assert [(r.position, r.key, r.filter) for r in result.rejected] == [(2, "ACC-3", "deleted")]
    failed = {f.position: f for f in result.failed}
    assert sorted(failed) == [1, 3, 4, 5]
    assert failed[1].key == "ACC-2"
    assert failed[1].error.field == "credit_limit.amount"
    assert failed[3].error.field == "addresses[0].country"
    assert failed[4].error.field == "contacts[0].email"
    assert result.total == len(records)


def test_runtime_error_names_file_rule_key_and_field() -> None:
    m = compile_mapping(EXAMPLE)
    with pytest.raises(RecordError) as caught:
        m.to_canonical(account(7, creditLimit="12,x"))
    error = caught.value
    assert error.file == str(EXAMPLE)
    assert error.rule is not None
    assert error.rule.label.startswith("rules[")
    assert (error.rule.source, error.rule.target) == ("creditLimit", "credit_limit.amount")
    assert (error.key, error.field, error.direction) == ("ACC-7", "credit_limit.amount", "inbound")
    text = str(error)
    for part in (str(EXAMPLE), "ACC-7", "creditLimit -> credit_limit.amount", "not a decimal"):
        assert part in text


def test_error_inside_an_appended_object_names_the_element() -> None:
    m = compile_mapping(EXAMPLE)
    shipping = {"street": "x", "city": "y", "country": "Narnia"}
    with pytest.raises(RecordError) as caught:
        m.to_canonical(account(8, shippingAddress=shipping))
    assert caught.value.field == "addresses[1].country"
    assert caught.value.rule is not None
    assert ".object.rules[" in caught.value.rule.label


def test_validation_error_names_the_rule_that_wrote_the_field() -> None:
    m = compile_mapping(EXAMPLE)
    with pytest.raises(RecordError) as caught:
        m.to_model(account(9, email="nope"))
    error = caught.value
    assert error.field == "contacts[0].email"
    assert "Customer validation failed" in error.message
    assert error.rule is not None
    assert error.rule.target == "contacts[+]"


def test_outbound_batch_reports_failures_per_record() -> None:
    m = compile_mapping(EXAMPLE)
    good = {
        "legal_name": "A",
        "external_refs": [{"system": "crm", "id": "ACC-1"}],
        "tier": "gold",
        "updated_at": "2024-01-01T00:00:00+00:00",
    }
    bad = {**good, "updated_at": "yesterday", "external_refs": [{"system": "crm", "id": "ACC-2"}]}
    result = m.map_batch([good, bad], direction="outbound")
    assert [r.record["accountId"] for r in result.mapped] == ["ACC-1"]
    assert result.mapped[0].record["lastModified"] == "2024-01-01T00:00:00Z"
    assert len(result.failed) == 1
    failure = result.failed[0].error
    assert (failure.key, failure.field, failure.direction) == ("ACC-2", "lastModified", "outbound")


def test_map_batch_accepts_a_generator_and_does_not_need_a_list() -> None:
    m = compile_mapping(EXAMPLE)
    result = m.map_batch((account(n) for n in range(50)), validate=False)
    assert len(result.mapped) == 50
    assert isinstance(result.mapped[0].record, dict)
