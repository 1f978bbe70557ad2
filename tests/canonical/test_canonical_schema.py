"""JSON Schema export: nine valid draft 2020-12 schemas that accept real instances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from canonical_samples import sample
from jsonschema import Draft202012Validator

from canonical import MODELS, export_schemas

NINE = {
    "Customer",
    "Product",
    "Order",
    "StockLevel",
    "Supplier",
    "PurchaseOrder",
    "Shipment",
    "Invoice",
    "ApprovalRequest",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    directory = tmp_path_factory.mktemp("schemas")
    paths = export_schemas(directory)
    assert sorted(p.name for p in paths) == sorted(f"{n}.schema.json" for n in NINE)
    assert sorted(p.name for p in directory.iterdir()) == sorted(p.name for p in paths)
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in paths}


def test_models_are_exactly_the_nine() -> None:
    assert set(MODELS) == NINE
    assert all(model.__name__ == name for name, model in MODELS.items())


@pytest.mark.parametrize("name", sorted(NINE))
def test_schema_is_valid_and_identified(exported: dict[str, dict], name: str) -> None:
    schema = exported[name]
    Draft202012Validator.check_schema(schema)
    assert schema["title"] == name
    assert name in schema["$id"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", sorted(NINE))
def test_schema_accepts_an_instance_and_refuses_unknown_fields(
    exported: dict[str, dict], name: str
) -> None:
    validator = Draft202012Validator(exported[name])
    instance = json.loads(MODELS[name].model_validate(sample(name)).model_dump_json())
    validator.validate(instance)
    assert not validator.is_valid({**instance, "surprise": 1})


def test_schema_refuses_bad_codes(exported: dict[str, dict]) -> None:
    validator = Draft202012Validator(exported["Customer"])
    instance = json.loads(MODELS["Customer"].model_validate(sample("Customer")).model_dump_json())
    instance["addresses"][0]["country"] = "XX"
    assert not validator.is_valid(instance)
    instance = json.loads(MODELS["Customer"].model_validate(sample("Customer")).model_dump_json())
    instance["credit_limit"]["amount"] = 1.5
    assert not validator.is_valid(instance)


def test_export_is_deterministic(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in export_schemas(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in export_schemas(tmp_path / "b")}
    assert first == second
