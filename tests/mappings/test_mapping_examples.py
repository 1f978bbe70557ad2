"""Worked examples beside mapping files, previews and discovery."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mappings import MappingNotFound, discover, mapping_path, preview, run_examples

EXAMPLES_ROOT = Path(__file__).resolve().parents[2] / "mappings" / "examples"


def test_shipped_examples_pass_both_ways() -> None:
    results = run_examples(EXAMPLES_ROOT)
    assert results, "no examples found"
    assert {r.direction for r in results} == {"inbound", "outbound"}
    assert [r.describe() for r in results if not r.ok] == []


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES_ROOT / "crm", tmp_path / "crm")
    return tmp_path


def test_a_wrong_expectation_fails_with_a_unified_diff(copied: Path) -> None:
    expected = copied / "crm" / "account.examples" / "acme.canonical.json"
    data = json.loads(expected.read_text(encoding="utf-8"))
    data["tier"] = "silver"
    expected.write_text(json.dumps(data), encoding="utf-8")
    results = {(r.example, r.direction): r for r in run_examples(copied / "crm" / "account.yaml")}
    inbound = results[("acme", "inbound")]
    assert not inbound.ok
    assert '-  "tier": "silver"' in inbound.diff
    assert '+  "tier": "gold"' in inbound.diff
    assert inbound.diff.startswith("--- acme.canonical.json (expected)")
    assert "FAIL" in inbound.describe()
    # canonical -> native now maps "silver" back, unlike native_back.json
    assert not results[("acme", "outbound")].ok
    assert results[("minimal", "inbound")].ok


def test_native_back_is_used_when_present_and_native_otherwise(copied: Path) -> None:
    folder = copied / "crm" / "account.examples"
    (folder / "acme.native_back.json").unlink()
    results = {(r.example, r.direction): r for r in run_examples(copied)}
    # The native record is dirty (spaces, a country name): only native_back matched.
    assert not results[("acme", "outbound")].ok
    assert '"country": "Germany"' in results[("acme", "outbound")].diff


def test_a_broken_mapping_is_reported_not_raised(copied: Path) -> None:
    mapping = copied / "crm" / "account.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("[normalize_whitespace]", "[shout]"),
        encoding="utf-8",
    )
    results = run_examples(copied)
    assert len(results) == 1
    assert not results[0].ok
    assert "unknown function 'shout'" in (results[0].error or "")


def test_preview_shows_the_canonical_record() -> None:
    path = mapping_path(EXAMPLES_ROOT, "crm", "account")
    native = (path.with_suffix(".examples") / "acme.native.json").read_text(encoding="utf-8")
    shown = preview(path, native)
    assert shown.errors == []
    assert shown.canonical is not None
    assert shown.canonical["legal_name"] == "Acme Industrial GmbH"
    assert shown.canonical["credit_limit"] == {"amount": "25000.50", "currency": "EUR"}


def test_preview_shows_errors_and_rejections() -> None:
    path = mapping_path(EXAMPLES_ROOT, "crm", "account")
    shown = preview(path, {"accountId": "A-1", "accountName": "X", "email": "bad"})
    assert shown.canonical is None
    assert shown.mapped is not None
    assert "contacts[0].email" in shown.errors[0]
    assert "A-1" in shown.errors[0]
    rejected = preview(path, '{"accountId": "A-2", "accountName": "X", "isDeleted": true}')
    assert rejected.rejected is not None
    assert rejected.rejected.startswith("deleted")
    assert preview(path, "{not json").errors


def test_mapping_discovery_by_system_and_entity(tmp_path: Path) -> None:
    assert mapping_path(EXAMPLES_ROOT, "crm", "account").name == "account.yaml"
    with pytest.raises(MappingNotFound, match="'erp' entity 'customer'"):
        mapping_path(EXAMPLES_ROOT, "erp", "customer")
    (tmp_path / "wms").mkdir()
    (tmp_path / "wms" / "stock.yml").write_text("x: 1", encoding="utf-8")
    assert mapping_path(tmp_path, "wms", "stock").suffix == ".yml"
    assert [p.name for p in discover(EXAMPLES_ROOT)] == ["account.yaml"]


def test_examples_resolve_lookups_from_their_xref_rows(tmp_path: Path) -> None:
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "lead.yaml").write_text(
        "system: crm\nentity: lead\ncanonical: Customer\nkey: id\nversion: 1\nrules:\n"
        "  - {source: name, target: legal_name}\n"
        "  - {source: ownerId, target: sales_owner, lookup: {entity: user, system: oa}}\n",
        encoding="utf-8",
    )
    folder = tmp_path / "crm" / "lead.examples"
    folder.mkdir()
    rows = [{"entity": "user", "canonical_id": "hub-u-7", "system": "oa", "system_id": "U7"}]
    (folder / "xref.json").write_text(json.dumps(rows), encoding="utf-8")
    (folder / "one.native.json").write_text('{"name": "L", "ownerId": "U7"}', encoding="utf-8")
    (folder / "one.canonical.json").write_text(
        '{"legal_name": "L", "sales_owner": "hub-u-7"}', encoding="utf-8"
    )
    (folder / "two.native.json").write_text('{"name": "L", "ownerId": "U8"}', encoding="utf-8")
    (folder / "two.canonical.json").write_text(
        '{"legal_name": "L", "sales_owner": "hub-u-8"}', encoding="utf-8"
    )
    results = {(r.example, r.direction): r for r in run_examples(tmp_path)}
    assert results[("one", "inbound")].ok
    assert results[("one", "outbound")].ok
    missing = results[("two", "inbound")]
    assert not missing.ok
    assert "lookup: no canonical user for oa id" in (missing.error or "")
