"""The compiler: refusals that name file and rule, safety, and the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mappings import MappingCompileError, compile_mapping, mapping_json_schema
from mappings.file_schema import SCHEMA_PATH

EXAMPLE = Path(__file__).resolve().parents[2] / "mappings" / "examples" / "crm" / "account.yaml"


def write(tmp_path: Path, text: str, name: str = "account.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "system: crm\nentity: account\ncanonical: Customer\nkey: id\nversion: 1\n"


def test_non_invertible_rule_without_reverse_is_refused_naming_file_and_rule(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        HEADER + "rules:\n  - {source: id, target: hub_id}\n"
        "  - {source: mail, target: 'contacts[0].email', steps: [lower]}\n",
    )
    with pytest.raises(MappingCompileError) as caught:
        compile_mapping(path)
    error = caught.value
    assert error.file == str(path)
    assert error.rule is not None
    assert error.rule.label == "rules[1]"
    assert (error.rule.source, error.rule.target) == ("mail", "contacts[0].email")
    assert "'lower' has no inverse" in str(error)
    assert "reverse: skip" in str(error)


@pytest.mark.parametrize("reverse", ["skip", {"source": "contacts[0].email", "target": "mail"}])
def test_reverse_or_skip_makes_it_compile(reverse: Any) -> None:
    rule = {"source": "mail", "target": "contacts[0].email", "steps": ["lower"], "reverse": reverse}
    m = compile_mapping(
        {
            "system": "crm",
            "entity": "account",
            "canonical": "Customer",
            "key": "id",
            "version": 1,
            "rules": [rule],
        }
    )
    expected = {} if reverse == "skip" else {"mail": "a@x.io"}
    assert m.to_native({"contacts": [{"email": "a@x.io"}]}) == expected


def test_nested_non_invertible_rule_is_named_by_its_full_label(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "rules:\n  - source: people\n    target: contacts\n"
        "    each:\n      rules:\n        - {source: n, target: name, steps: [upper]}\n",
    )
    with pytest.raises(MappingCompileError, match=r"rules\[0\]\.each\.rules\[0\] \(n -> name\)"):
        compile_mapping(path)


def test_unknown_function_is_refused_listing_the_whitelist(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "rules:\n  - {source: a, target: tier, steps: [eval]}\n")
    with pytest.raises(MappingCompileError) as caught:
        compile_mapping(path)
    assert "unknown function 'eval'" in str(caught.value)
    assert "allowed:" in str(caught.value)
    assert "trim" in str(caught.value)
    assert caught.value.rule is not None
    assert caught.value.rule.label == "rules[0]"


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['echo pwned']",
        "!!python/name:os.system",
        "!!python/object:builtins.object {}",
    ],
)
def test_python_yaml_tags_are_refused(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "pwned"
    path = write(
        tmp_path, HEADER + f"description: {payload}\nrules:\n  - {{target: tier, const: x}}\n"
    )
    with pytest.raises(MappingCompileError, match="invalid YAML"):
        compile_mapping(path)
    assert not marker.exists()


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "rules:\n  - {source: a, target: tier, source: b}\n")
    with pytest.raises(MappingCompileError, match="duplicate key 'source'"):
        compile_mapping(path)


def test_unknown_canonical_field_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "rules:\n  - {source: a, target: legal_nmae}\n")
    with pytest.raises(MappingCompileError, match="Customer has no field 'legal_nmae'"):
        compile_mapping(path)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"target": "tier"}, "needs a source"),
        ({"source": "a", "target": "tier", "const": "x"}, "const rule has no source"),
        ({"source": "a[", "target": "tier"}, "invalid path"),
        ({"source": "a[+]", "target": "tier"}, "only in a target"),
        ({"source": "a", "target": "tier", "steps": [{"pad": {}}]}, "pad"),
        ({"source": "a", "target": "tier", "steps": [{"to_decimal": {"places": "two"}}]}, "places"),
        ({"source": "a", "target": "tier", "map": "nope"}, "no value map named 'nope'"),
        (
            {"source": "a", "target": "tier", "when": {"path": "a", "op": "in", "value": 1}},
            "needs a list",
        ),
        ({"source": "a", "target": "tier", "colour": "red"}, "colour"),
    ],
)
def test_invalid_rules_are_refused_precisely(rule: dict[str, Any], message: str) -> None:
    spec = {
        "system": "crm",
        "entity": "account",
        "canonical": "Customer",
        "key": "id",
        "version": 1,
        "rules": [{"target": "tier", "const": "x"}, rule],
    }
    with pytest.raises(MappingCompileError, match=message) as caught:
        compile_mapping(spec)
    assert "rules[1]" in str(caught.value)


def test_unknown_canonical_model_is_refused() -> None:
    with pytest.raises(MappingCompileError, match="unknown canonical model 'Klient'"):
        compile_mapping(
            {
                "system": "crm",
                "entity": "a",
                "canonical": "Klient",
                "key": "id",
                "version": 1,
                "rules": [{"target": "x", "const": 1}],
            }
        )


def test_user_strings_never_reach_generated_code() -> None:
    path = "__import__(os)"
    value = "__import__('os').system('echo pwned')"
    m = compile_mapping(
        {
            "system": "crm",
            "entity": "account",
            "canonical": "Customer",
            "key": path,
            "version": 1,
            "rules": [
                {"source": path, "target": "legal_name", "default": value},
                {
                    "target": "tier",
                    "const": value,
                    "when": {"path": path, "op": "eq", "value": value},
                },
            ],
        }
    )
    for compiled in (m._inbound, m._outbound):
        assert "import" not in compiled.code
        assert "os" not in compiled.code
        assert "'" not in compiled.code
        assert '"' not in compiled.code
    # The strings are data: read and written as keys and values, never run.
    assert m.to_canonical({path: "x"}) == {"legal_name": "x"}
    assert m.to_canonical({path: value}) == {"legal_name": value, "tier": value}
    assert m.to_canonical({}) == {"legal_name": value}


def test_published_json_schema_is_current_and_valid() -> None:
    published = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert published == mapping_json_schema(), "regenerate: mappings.write_json_schema()"
    jsonschema.Draft202012Validator.check_schema(published)


def test_json_schema_serves_editors_with_titles_descriptions_and_enums() -> None:
    schema = mapping_json_schema()
    rule = schema["$defs"]["Rule"]
    assert rule["description"]
    assert all("description" in p for p in rule["properties"].values())
    assert "Customer" in schema["properties"]["canonical"]["enum"]
    steps = rule["properties"]["steps"]["items"]["anyOf"]
    names = set(steps[0]["enum"]) | {s["title"] for s in steps[1:]}
    assert {"trim", "to_decimal", "convert_unit", "lookup", "map"} <= names
    op = schema["$defs"]["Condition"]["properties"]["op"]
    assert set(op["enum"]) == {"eq", "ne", "in", "not_in", "exists", "missing"}


def test_example_mapping_validates_against_the_json_schema() -> None:
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(mapping_json_schema()).validate(document)


def test_json_schema_rejects_what_the_compiler_rejects() -> None:
    validator = jsonschema.Draft202012Validator(mapping_json_schema())
    bad = {
        "system": "crm",
        "entity": "a",
        "canonical": "Customer",
        "key": "id",
        "version": 1,
        "rules": [{"source": "a", "target": "tier", "steps": [{"exec": {}}]}],
    }
    assert list(validator.iter_errors(bad))
