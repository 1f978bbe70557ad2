"""Reading mapping files safely and finding them under a mappings root."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mappings.errors import MappingCompileError, MappingNotFound, RuleInfo
from mappings.spec import MappingFile

_UNION_TAG = re.compile(r"^(function-|literal\[|list\[|dict\[|json-or-python|nullable|tagged)")
_MODEL_TAGS = frozenset({"Rule", "Condition", "Nested", "str", "int", "bool", "Lookup"})


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing duplicate keys (a silent override hides a mistake)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def read_yaml(path: Path) -> Any:
    """Parse YAML with the safe loader only: tags such as !!python/object are refused."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingCompileError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise MappingCompileError(f"invalid YAML: {exc}", file=str(path)) from None


def _loc_text(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not (_UNION_TAG.match(part) or part in _MODEL_TAGS):
            text += ("." if text else "") + part
    return text


def _rule_at(raw: Any, loc: tuple[int | str, ...]) -> RuleInfo | None:
    """The innermost rule on the error's path, with its source and target as written."""
    found: RuleInfo | None = None
    node, label = raw, ""
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node, label = node[part], f"{label}.{part}" if label else part
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node, label = node[part], f"{label}[{part}]"
            if isinstance(node, dict) and label.endswith(f"rules[{part}]"):
                source, target = node.get("source"), node.get("target")
                found = RuleInfo(label, _plain(source), _plain(target))
        elif isinstance(part, str) and (_UNION_TAG.match(part) or part in _MODEL_TAGS):
            continue
        else:
            break
    return found


def _plain(value: Any) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return None if value is None else str(value)


def parse_spec(raw: Any, file: str) -> MappingFile:
    """Validate a loaded document into a MappingFile, with every problem located."""
    if not isinstance(raw, dict):
        raise MappingCompileError("a mapping file must be a YAML object", file=file)
    try:
        return MappingFile.model_validate(raw)
    except ValidationError as exc:
        problems = tuple(
            f"{_loc_text(error['loc']) or '<file>'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        )
        first = exc.errors(include_url=False)[0]
        rule = _rule_at(raw, first["loc"])
        summary = problems[0] if len(problems) == 1 else f"{problems[0]} (+{len(problems) - 1})"
        raise MappingCompileError(summary, file=file, rule=rule, problems=problems) from None


def mapping_path(root: Path, system: str, entity: str) -> Path:
    """The mapping file for (system, entity): ``<root>/<system>/<entity>.yaml``."""
    for suffix in (".yaml", ".yml"):
        candidate = root / system / f"{entity}{suffix}"
        if candidate.is_file():
            return candidate
    raise MappingNotFound(
        f"no mapping for system {system!r} entity {entity!r}",
        file=str(root / system / f"{entity}.yaml"),
    )


def discover(root: Path) -> Iterator[Path]:
    """Every mapping file under ``root`` (or ``root`` itself when it is a file), sorted."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.suffix in (".yaml", ".yml") and path.is_file() and "schema" not in path.parts:
            yield path


def load_document(source: Path | str | Mapping[str, Any]) -> tuple[Any, str, Path | None]:
    """The raw document, a label for errors and the file's path (None for a dict)."""
    if isinstance(source, Mapping):
        return dict(source), str(source.get("system", "?")) + "/<dict>", None
    path = Path(source)
    return read_yaml(path), str(path), path
