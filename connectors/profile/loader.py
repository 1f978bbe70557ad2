"""Reading profiles: YAML files, ``${VAR:-default}`` in URL fields, errors naming the field."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from connectors.errors import ConfigError
from connectors.profile.legacy import merge_soap_block
from connectors.profile.system import Profile

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
INTERPOLATED_FIELDS = ("base_url", "wsdl", "auth.token_url")
"""The only fields where ``${VAR}`` is replaced: locations, never credentials or params."""


def interpolate(text: str, environ: Mapping[str, str], *, where: str) -> str:
    """Replace ``${VAR}`` and ``${VAR:-default}`` (default when VAR is unset or empty)."""

    def value(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        found = environ.get(name)
        if found:
            return found
        if default is not None:
            return default
        raise ConfigError(f"{where}: environment variable {name} is not set and has no default")

    return _VARIABLE.sub(value, text)


def _interpolated(data: Mapping[str, Any], environ: Mapping[str, str], source: str) -> Any:
    document = dict(data)
    for field in ("base_url", "wsdl"):
        if isinstance(document.get(field), str):
            document[field] = interpolate(document[field], environ, where=f"{source}: {field}")
    auth = document.get("auth")
    if isinstance(auth, Mapping) and isinstance(auth.get("token_url"), str):
        where = f"{source}: auth.token_url"
        document["auth"] = {
            **auth,
            "token_url": interpolate(auth["token_url"], environ, where=where),
        }
    return document


def _field_path(loc: Sequence[int | str], data: Any) -> str:
    """Dotted field path of a validation error, without union tags pydantic adds."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(node, Mapping) and item in node:
            parts.append(str(item))
            node = node[item]
        elif isinstance(node, list) and isinstance(item, int) and item < len(node):
            parts.append(f"[{item}]")
            node = node[item]
        elif isinstance(node, Mapping) and isinstance(item, str) and item != node.get("kind"):
            parts.append(item)  # a missing or unknown field
            node = None
    return ".".join(parts).replace(".[", "[") or "(top level)"


def describe_validation_error(exc: ValidationError, data: Any, source: str) -> str:
    """One line per problem, ``source: field.path: message``; input values are never shown."""
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        where = _field_path(error["loc"], data)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"{source}: {where}: {message}")
    return "\n".join(lines)


def parse_profile(
    data: Any, *, source: str = "<profile>", environ: Mapping[str, str] | None = None
) -> Profile:
    """Validate an already-parsed profile document (``environ`` defaults to os.environ)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: a profile must be a mapping at the top level")
    document = _interpolated(data, os.environ if environ is None else environ, source)
    if "soap" in document:
        document = merge_soap_block(document, source=source)
    try:
        return Profile.model_validate(document)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, document, source)) from None


def read_document(path: str | Path) -> Any:
    """A profile file parsed as YAML, not yet validated; errors name the file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read profile ({exc.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{file}: not valid YAML{where}") from None


def load_profile(path: str | Path, *, environ: Mapping[str, str] | None = None) -> Profile:
    """Read and validate one profile YAML file; errors name the file and the field."""
    return parse_profile(read_document(path), source=str(Path(path)), environ=environ)


def load_profiles(
    directory: str | Path, *, environ: Mapping[str, str] | None = None
) -> dict[str, Profile]:
    """Load every ``*.yaml``/``*.yml`` profile in a directory, keyed by system name."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a directory of profiles")
    profiles: dict[str, Profile] = {}
    origins: dict[str, Path] = {}
    for file in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        profile = load_profile(file, environ=environ)
        if profile.name in profiles:
            raise ConfigError(
                f"{file}: system {profile.name!r} is already defined in {origins[profile.name]}"
            )
        profiles[profile.name] = profile
        origins[profile.name] = file
    return profiles
