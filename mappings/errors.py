"""Errors of the mapping engine.

Hierarchy::

    MappingError                 names the mapping file, and the rule when one is at fault
    ├── MappingCompileError      the file cannot be used: YAML, schema, function, inverse
    ├── MappingNotFound          no mapping file for (system, entity) under a root
    └── RecordError              one record could not be mapped; a batch carries on
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """Where a rule sits in its file: ``rules[3].each.rules[1]`` plus its paths."""

    label: str
    source: str | None
    target: str | None

    def describe(self) -> str:
        """``rules[3] (accountName -> legal_name)``."""
        return f"{self.label} ({self.source or '-'} -> {self.target or '-'})"


class MappingError(Exception):
    """Anything that went wrong with a mapping, naming the file and rule involved."""

    def __init__(self, message: str, *, file: str, rule: RuleInfo | None = None) -> None:
        self.message = message
        self.file = file
        self.rule = rule
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file if self.rule is None else f"{self.file}: rule {self.rule.describe()}"
        return f"{where}: {self.message}"


class MappingCompileError(MappingError):
    """The mapping file is invalid; ``problems`` lists every finding."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        rule: RuleInfo | None = None,
        problems: tuple[str, ...] = (),
    ) -> None:
        self.problems = problems or (message,)
        super().__init__(message, file=file, rule=rule)


class MappingNotFound(MappingError):
    """No mapping file exists for the requested system and entity."""


class RecordError(MappingError):
    """One record failed: names its key, the rule and the field (output side) at fault."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        rule: RuleInfo | None,
        key: str | None,
        field: str | None,
        direction: str,
    ) -> None:
        self.key = key
        self.field = field
        self.direction = direction
        super().__init__(message, file=file, rule=rule)

    def _render(self) -> str:
        parts = [self.file, f"{self.direction} record {self.key or '<no key>'}"]
        if self.rule is not None:
            parts.append(f"rule {self.rule.describe()}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts) + f": {self.message}"


class StepError(Exception):
    """Raised inside a rule at run time; the engine turns it into a RecordError."""

    def __init__(self, detail: str, value: Any = None, *, show_value: bool = True) -> None:
        self.detail = detail
        self.value = value
        self.show_value = show_value
        super().__init__(detail)

    def render(self, secret: bool) -> str:
        """The detail, with the offending value unless the rule is secret."""
        if not self.show_value:
            return self.detail
        if secret:
            return f"{self.detail} (value redacted)"
        text = repr(self.value)
        return f"{self.detail}: {text if len(text) <= 80 else text[:77] + '...'}"


class RuleFailure(Exception):
    """A nested rule failed: carries the innermost rule and the full field paths."""

    def __init__(self, rule: RuleInfo, field: str, message: str) -> None:
        self.rule = rule
        self.field = field
        self.message = message
        super().__init__(message)
