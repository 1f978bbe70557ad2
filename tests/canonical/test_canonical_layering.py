"""The canonical package depends on nothing else of ours."""

from __future__ import annotations

import ast
from pathlib import Path

import canonical

FORBIDDEN = ("hub", "connectors", "mappings", "reference", "dags")


def test_canonical_imports_no_other_hub_package() -> None:
    offenders = []
    for path in Path(canonical.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [(path.name, n) for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
