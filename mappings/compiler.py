"""compile_mapping: a mapping file turned once into fast inbound and outbound functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from canonical.schema import MODELS
from mappings.conditions import Predicate, compile_when
from mappings.errors import MappingCompileError, RecordError, RuleFailure, RuleInfo, StepError
from mappings.loader import load_document, parse_spec
from mappings.paths import APPEND, WILDCARD, Getter, compile_getter, is_absent, parse_path
from mappings.plans import Located
from mappings.results import BatchResult, Direction, Failed, Mapped, Rejected
from mappings.rules import RuleCompiler
from mappings.runners import CompiledList, discriminators, selector
from mappings.spec import MappingFile, Rule
from mappings.steps import BuildContext
from mappings.totals import Completer, totals_completer
from mappings.valuemaps import compile_value_map
from mappings.xref import XrefResolver


def _key_text(value: Any) -> str | None:
    return None if is_absent(value) else str(value)


def _loc_text(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


class CompiledMapping:
    """A mapping ready to run in both directions; build it with ``compile_mapping``."""

    def __init__(
        self, spec: MappingFile, *, file: str, path: Path | None, resolver: XrefResolver | None
    ) -> None:
        self.spec = spec
        self.file = file
        self.path = path
        self.resolver = resolver
        self.system = spec.system
        self.entity = spec.entity
        self.canonical = spec.canonical
        self.key = spec.key
        self.version = spec.version
        self.model: type[BaseModel] = MODELS[spec.canonical]
        value_maps = {name: compile_value_map(name, vm) for name, vm in spec.value_maps.items()}
        ctx = BuildContext(value_maps=value_maps, resolver=resolver, system=spec.system)
        compiler = RuleCompiler(file, ctx)
        self._check_targets(spec.rules, "rules")
        self._inbound = compiler.inbound(spec.rules, "rules")
        self._outbound = compiler.outbound(spec.rules, "rules")
        self._filters: dict[Direction, tuple[tuple[str, str, Predicate], ...]] = {
            direction: tuple(
                (f.name, f.reason, _required(compile_when(f.reject_if)))
                for f in spec.filters
                if f.direction == direction
            )
            for direction in ("inbound", "outbound")
        }
        # Inbound only: outbound, the canonical document already holds its amounts.
        self._complete: Completer | None = (
            totals_completer(self.model) if spec.compute_totals else None
        )
        self._native_key = compile_getter(parse_path(spec.key))
        self._canonical_key = self._canonical_key_getter(spec.rules)

    # set-up ----------------------------------------------------------------------------

    def _check_targets(self, rules: list[Rule], prefix: str) -> None:
        """Top-level targets must be fields of the canonical model: typos fail at compile."""
        fields = self.model.model_fields
        for index, rule in enumerate(rules):
            targets = [rule.target] if isinstance(rule.target, str) else rule.target or []
            for target in targets:
                first = parse_path(target)[0]
                if isinstance(first, str) and first not in fields:
                    info = RuleInfo(f"{prefix}[{index}]", _join(rule.source), _join(rule.target))
                    raise MappingCompileError(
                        f"{self.canonical} has no field {first!r}", file=self.file, rule=info
                    )
            if rule.target is None and rule.object_ is not None:
                self._check_targets(rule.object_.rules, f"{prefix}[{index}].object.rules")

    def _canonical_key_getter(self, rules: list[Rule]) -> Getter:
        """Outbound records are named by where the native key lands, else by hub_id."""
        for rule in rules:
            if rule.kind == "field" and rule.source == self.key and isinstance(rule.target, str):
                segments = parse_path(rule.target)
                if WILDCARD not in segments and APPEND not in segments:
                    return compile_getter(segments)
            nested = rule.object_
            if nested is None or rule.source is not None or not isinstance(rule.target, str):
                continue
            for sub in nested.rules:
                if sub.kind == "field" and sub.source == self.key and isinstance(sub.target, str):
                    # e.g. external_refs[+] {system: crm, id: <key>}: find the element back.
                    segments = parse_path(rule.target)
                    if segments[-1] is APPEND:
                        element = selector(segments, 0, discriminators(nested))
                    else:
                        element = compile_getter(segments)
                    inner = compile_getter(parse_path(sub.target))
                    return lambda record: _inner(element(record), inner)
        return compile_getter(("hub_id",))

    def bind(self, resolver: XrefResolver) -> CompiledMapping:
        """The same mapping with lookups going through ``resolver``."""
        return CompiledMapping(self.spec, file=self.file, path=self.path, resolver=resolver)

    # running ---------------------------------------------------------------------------

    def record_key(self, record: Mapping[str, Any], direction: Direction = "inbound") -> str | None:
        """The record's key as text (native key inbound, canonical key outbound), or None."""
        getter = self._native_key if direction == "inbound" else self._canonical_key
        try:
            value = getter(record)
        except StepError:
            return None
        return value if value.__class__ is str and value else _key_text(value)

    def _run(
        self, record: Any, compiled: CompiledList, direction: Direction
    ) -> dict[str, Any] | Rejected:
        if not isinstance(record, dict):
            message = f"a record must be an object, got {type(record).__name__}"
            raise self._error(None, None, message, None, direction)
        out: dict[str, Any] = {}
        try:
            for name, reason, reject in self._filters[direction]:
                if reject(record):
                    return Rejected(self.record_key(record, direction), name, reason, direction)
            compiled.run(record, out, (), 0)
            if self._complete is not None and direction == "inbound":
                self._complete(out)
        except Located as located:
            rule = compiled.rules[located.index]
            error = located.error
            if isinstance(error, RuleFailure):
                raise self._error(
                    record, error.rule, error.message, error.field, direction
                ) from error
            message = (
                error.render(rule.secret)
                if isinstance(error, StepError)
                else f"unexpected {type(error).__name__}"
            )
            raise self._error(record, rule.info, message, rule.field, direction) from error
        except StepError as exc:
            message = f"filter failed: {exc.render(False)}"
            raise self._error(record, None, message, None, direction) from exc
        return out

    def _error(
        self,
        record: Any,
        rule: RuleInfo | None,
        message: str,
        field: str | None,
        direction: Direction,
    ) -> RecordError:
        key = self.record_key(record, direction) if isinstance(record, dict) else None
        return RecordError(
            message, file=self.file, rule=rule, key=key, field=field, direction=direction
        )

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any] | Rejected:
        """Map a native record to a dict ready for the canonical model, or a Rejected."""
        return self._run(native, self._inbound, "inbound")

    def to_native(self, canonical: Mapping[str, Any] | BaseModel) -> dict[str, Any] | Rejected:
        """Map a canonical record (dict or model instance) to a native record."""
        if isinstance(canonical, BaseModel):
            canonical = canonical.model_dump(mode="python", exclude_none=True)
        return self._run(dict(canonical), self._outbound, "outbound")

    def to_model(self, native: dict[str, Any]) -> BaseModel | Rejected:
        """Map and validate into the canonical model; validation errors become RecordErrors."""
        mapped = self.to_canonical(native)
        if isinstance(mapped, Rejected):
            return mapped
        try:
            return self.model.model_validate(mapped)
        except ValidationError as exc:
            raise self._validation_error(native, exc) from None

    def _validation_error(self, native: dict[str, Any], exc: ValidationError) -> RecordError:
        errors = exc.errors(include_url=False)
        first_field = _loc_text(errors[0]["loc"])
        details = "; ".join(f"{_loc_text(e['loc']) or '<record>'}: {e['msg']}" for e in errors[:3])
        if len(errors) > 3:
            details += f" (+{len(errors) - 3} more)"
        return RecordError(
            f"{self.canonical} validation failed: {details}",
            file=self.file,
            rule=self._rule_for_field(errors[0]["loc"]),
            key=self.record_key(native),
            field=first_field or None,
            direction="inbound",
        )

    def _rule_for_field(self, loc: tuple[int | str, ...]) -> RuleInfo | None:
        if not loc:
            return None
        head = str(loc[0])
        for rule in self._inbound.rules:
            for target in rule.field.split(", "):
                if target and parse_path(target)[0] == head:
                    return rule.info
        return None

    def map_batch(
        self,
        records: Iterable[Any],
        *,
        direction: Direction = "inbound",
        validate: bool = True,
    ) -> BatchResult:
        """Map every record; one record's failure is reported and the rest carry on."""
        result = BatchResult()
        mapped_list, rejected_list, failed_list = result.mapped, result.rejected, result.failed
        inbound = direction == "inbound"
        compiled = self._inbound if inbound else self._outbound
        validator = self.model.model_validate if inbound and validate else None
        key_of = self.record_key
        for index, record in enumerate(records):
            # A plain dict skips pydantic's costly isinstance hook.
            if record.__class__ is not dict and isinstance(record, BaseModel):
                record = record.model_dump(mode="python", exclude_none=True)
            try:
                mapped: Any = self._run(record, compiled, direction)
                if validator is not None and mapped.__class__ is not Rejected:
                    try:
                        mapped = validator(mapped)
                    except ValidationError as exc:
                        raise self._validation_error(record, exc) from None
            except RecordError as error:
                failed_list.append(Failed(index, error.key, error))
                continue
            if mapped.__class__ is Rejected:
                rejected_list.append(mapped._replace(position=index))
            else:
                mapped_list.append(Mapped(index, key_of(record, direction), mapped))
        return result


def _inner(element: Any, getter: Getter) -> Any:
    return getter(element) if isinstance(element, dict) else None


def _required(predicate: Predicate | None) -> Predicate:
    assert predicate is not None
    return predicate


def _join(path: str | list[str] | None) -> str | None:
    return ", ".join(path) if isinstance(path, list) else path


def compile_mapping(
    source: Path | str | Mapping[str, Any], *, resolver: XrefResolver | None = None
) -> CompiledMapping:
    """Validate and compile a mapping file (path) or an already-loaded document (dict)."""
    raw, label, path = load_document(source)
    spec = parse_spec(raw, label)
    return CompiledMapping(spec, file=label, path=path, resolver=resolver)
