"""The README is a promise: its Quick start and systems table must match the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reference.registry import SYSTEMS, get_spec

README = Path(__file__).resolve().parents[1] / "README.md"


def quick_start_commands() -> list[str]:
    text = README.read_text()
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "Quick start has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_holds_exactly_two_commands_demo_then_tests() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "hub demo" in commands[0]
    assert "pytest" in commands[1]
    assert all(c.startswith("python -m pip install uv") for c in commands)


@pytest.mark.parametrize("name", list(SYSTEMS))
def test_systems_table_documents_port_and_credentials(name: str) -> None:
    table = (
        README.read_text().split("<!-- systems-table -->", 1)[1].split("<!-- /systems-table -->")[0]
    )
    row = next((r for r in table.splitlines() if r.lower().startswith(f"| {name} |")), None)
    assert row, f"no README row for {name}"
    spec = get_spec(name)
    assert f"| {spec.default_port} |" in row
    assert str(SYSTEMS[name][1]) == str(spec.default_port)
    main_secret = next(
        v
        for k, v in spec.credentials.items()
        if "secret" in k.lower() or "key" in k.lower() or "password" in k.lower() or k == "token"
    )
    assert main_secret in row
