"""`hub mapping test` and `hub mapping preview`, run through Typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hub.cli import mapping

REPO_MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
SOURCE = REPO_MAPPINGS / "crm" / "approval_request"

runner = CliRunner()


def _cli() -> typer.Typer:
    # The lead registers the sub-app in hub.cli; the tests mount it the same way.
    root = typer.Typer()
    root.add_typer(mapping.app, name="mapping")
    return root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A mappings root holding a copy of crm/approval_request.yaml and its examples."""
    folder = tmp_path / "crm"
    folder.mkdir()
    shutil.copy(SOURCE.with_suffix(".yaml"), folder / "approval_request.yaml")
    shutil.copytree(SOURCE.with_suffix(".examples"), folder / "approval_request.examples")
    return tmp_path


def _examples(root: Path) -> Path:
    return root / "crm" / "approval_request.examples"


def test_passing_examples_are_tabled_and_exit_zero(root: Path) -> None:
    result = runner.invoke(_cli(), ["mapping", "test", str(root)])
    assert result.exit_code == 0, result.output
    names = sorted(
        p.name.removesuffix(".native.json") for p in _examples(root).glob("*.native.json")
    )
    for name in names:
        assert name in result.output
    assert "FAIL" not in result.output
    assert f"{2 * len(names)} passed, 0 failed" in result.output


def test_without_a_path_the_default_root_is_tested(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mapping, "default_root", lambda: root)
    result = runner.invoke(_cli(), ["mapping", "test"])
    assert result.exit_code == 0, result.output
    assert "crm/approval_request.yaml" in result.output


def test_a_failing_example_shows_its_diff_and_exits_one(root: Path) -> None:
    expected = _examples(root) / "pending.canonical.json"
    data = json.loads(expected.read_text(encoding="utf-8"))
    data["title"] = "Something else entirely"
    expected.write_text(json.dumps(data), encoding="utf-8")

    result = runner.invoke(_cli(), ["mapping", "test", str(root)])

    assert result.exit_code == 1
    assert "FAIL" in result.output
    assert "--- pending.canonical.json (expected)" in result.output
    assert '-  "title": "Something else entirely"' in result.output
    assert '+  "title": "Seasonal stock-up before the spring campaign"' in result.output
    # The wrong expectation fails both ways (the outbound run starts from it); the other
    # example still passes.
    assert "2 passed, 2 failed" in result.output


def test_a_folder_without_examples_exits_one(tmp_path: Path) -> None:
    result = runner.invoke(_cli(), ["mapping", "test", str(tmp_path)])
    assert result.exit_code == 1
    assert "no worked examples" in result.output


def test_preview_prints_the_canonical_record_as_json(root: Path) -> None:
    record = _examples(root) / "rejected.native.json"
    result = runner.invoke(
        _cli(), ["mapping", "preview", "crm", "approval_request", str(record), "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    produced = json.loads(result.stdout)
    expected = json.loads((_examples(root) / "rejected.canonical.json").read_text("utf-8"))
    for field in ("kind", "status", "subject_ref", "amount", "callback_ref", "steps"):
        assert produced[field] == expected[field]


def test_preview_errors_name_file_rule_key_and_field(root: Path, tmp_path: Path) -> None:
    native = json.loads((_examples(root) / "pending.native.json").read_text("utf-8"))
    native["requestedLimit"] = "forty thousand"
    record = tmp_path / "bad.json"
    record.write_text(json.dumps(native), encoding="utf-8")

    result = runner.invoke(
        _cli(), ["mapping", "preview", "crm", "approval_request", str(record), "--root", str(root)]
    )

    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr
    assert "approval_request.yaml" in message  # the mapping file
    assert "record clr_8K2M4Q" in message  # the record's key
    assert "requestedLimit -> amount.amount" in message  # the rule
    assert "field amount.amount" in message
    assert "not a decimal number" in message


def test_preview_of_an_unknown_mapping_exits_one(root: Path, tmp_path: Path) -> None:
    record = tmp_path / "any.json"
    record.write_text("{}", encoding="utf-8")
    result = runner.invoke(
        _cli(), ["mapping", "preview", "crm", "no_such_entity", str(record), "--root", str(root)]
    )
    assert result.exit_code == 1
    assert "no mapping for system 'crm' entity 'no_such_entity'" in result.stderr


def test_preview_uses_xref_rows_for_lookups(tmp_path: Path) -> None:
    examples = REPO_MAPPINGS / "oms" / "order.examples"
    record = examples / "new_minimal.native.json"
    args = ["mapping", "preview", "oms", "order", str(record), "--root", str(REPO_MAPPINGS)]

    without = runner.invoke(_cli(), args)
    assert without.exit_code == 1
    assert "field customer.hub_id" in without.stderr

    with_rows = runner.invoke(_cli(), [*args, "--xref", str(examples / "xref.json")])
    assert with_rows.exit_code == 0, with_rows.output
    assert json.loads(with_rows.stdout)["customer"]["hub_id"] == "cus_01HQ7Z4B2P"
