"""Every mapping file in the repository: schema-valid, examples passing, manifest complete."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from mappings import discover, mapping_path, run_examples

ROOT = Path(__file__).resolve().parents[2] / "mappings"
SCHEMA = ROOT / "schema" / "mapping.schema.json"
MANIFEST = ROOT / "README.md"

MAPPING_FILES = sorted(discover(ROOT))
BLOCKED = sorted(ROOT.glob("**/*.examples/blocked"))


def _label(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _manifest_rows() -> list[dict[str, str]]:
    """Rows of the first table under '## Process documents' in mappings/README.md."""
    text = MANIFEST.read_text(encoding="utf-8")
    section = text.split("## Process documents", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for line in section.splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:  # after the header and its |---| separator
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


MANIFEST_ROWS = _manifest_rows()


def test_the_repository_has_mapping_files_and_a_manifest() -> None:
    assert len(MAPPING_FILES) >= len(MANIFEST_ROWS) >= 13
    assert {"system", "file", "native entity", "direction", "canonical", "used by"} <= set(
        MANIFEST_ROWS[0]
    )


@pytest.mark.parametrize("mapping_file", MAPPING_FILES, ids=_label)
def test_mapping_file_validates_against_the_json_schema(mapping_file: Path) -> None:
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    document = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(document)
    ]
    assert problems == []


@pytest.mark.parametrize("mapping_file", MAPPING_FILES, ids=_label)
def test_mapping_file_examples_pass_both_ways(mapping_file: Path) -> None:
    examples = mapping_file.with_suffix(".examples")
    has_blocked = (examples / "blocked").is_dir()
    results = run_examples(mapping_file)
    assert results or has_blocked, f"{_label(mapping_file)} has no worked examples"
    assert [result.describe() for result in results if not result.ok] == []


@pytest.mark.parametrize("row", MANIFEST_ROWS, ids=lambda row: f"{row['system']}/{row['file']}")
def test_manifest_row_has_its_mapping_file(row: dict[str, str]) -> None:
    path = mapping_path(ROOT, row["system"], row["file"])
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["system"] == row["system"]
    assert document["entity"] == row["native entity"]
    assert document["canonical"] == row["canonical"]
    examples = path.with_suffix(".examples")
    blocked = (examples / "blocked").is_dir()
    # Only outbound-only files park their examples; every two-way file runs them.
    assert blocked == (row["direction"] == "outbound"), "blocked examples only for outbound rows"
    if row["direction"] == "both":
        assert sorted(examples.glob("*.native.json")), "a two-way file needs worked examples"


def test_only_outbound_only_files_keep_blocked_examples() -> None:
    outbound_only = {
        mapping_path(ROOT, row["system"], row["file"])
        for row in MANIFEST_ROWS
        if row["direction"] == "outbound"
    }
    assert {blocked.parent.with_suffix(".yaml") for blocked in BLOCKED} == outbound_only


def _as_examples(blocked: Path, tmp_path: Path) -> Path:
    """A copy of the mapping whose examples folder is the blocked folder."""
    mapping_file = blocked.parent.with_suffix(".yaml")
    copy = tmp_path / mapping_file.name
    shutil.copy(mapping_file, copy)
    shutil.copytree(blocked, copy.with_suffix(".examples"))
    return copy


@pytest.mark.parametrize("blocked", BLOCKED, ids=lambda p: _label(p.parent.with_suffix(".yaml")))
def test_blocked_examples_pass_outbound_and_still_fail_inbound(
    blocked: Path, tmp_path: Path
) -> None:
    results = run_examples(_as_examples(blocked, tmp_path))
    outbound = [result for result in results if result.direction == "outbound"]
    inbound = [result for result in results if result.direction == "inbound"]
    assert outbound
    assert len(outbound) == len(inbound)
    assert [result.describe() for result in outbound if not result.ok] == []
    # Strict on purpose: should the engine ever map these inbound, move the examples up a
    # level (mappings/README.md, "Blocked examples") so they run everywhere.
    unblocked = [result.example for result in inbound if result.ok]
    assert unblocked == [], f"inbound now passes for {unblocked}; unblock these examples"
    for result in inbound:
        assert result.error is not None
        # The failure is the canonical model refusing the record, naming the field.
        assert re.search(r"field \S+: \w+ validation failed", result.error), result.error
