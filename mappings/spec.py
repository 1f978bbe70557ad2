"""The mapping file as pydantic models: the source of its JSON Schema and precise errors."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from canonical.schema import MODELS
from mappings.library import parse_step, step_json_schema
from mappings.paths import APPEND, SELF, WILDCARD, parse_path, parse_source, split_scope
from mappings.steps import StepSpec

Scalar = str | int | bool | None
ConditionOp = Literal["eq", "ne", "in", "not_in", "exists", "missing"]
Step = Annotated[StepSpec, PlainValidator(parse_step), WithJsonSchema(step_json_schema())]
Policy = Annotated[
    str,
    Field(pattern=r"^(error|passthrough|default:.*)$"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": ["error", "passthrough"]},
                {"type": "string", "pattern": "^default:", "examples": ["default:standard"]},
            ],
            "description": "error: fail the record; passthrough: keep the value as it is; "
            "default:<value>: use <value>.",
        }
    ),
]
CanonicalName = Annotated[
    str,
    WithJsonSchema(
        {"type": "string", "enum": sorted(MODELS), "description": "Canonical model name."}
    ),
]


class Strict(BaseModel):
    """A part of the file: unknown keys are refused so typos surface."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_path(value: str | list[str] | None) -> str | list[str] | None:
    for text in [value] if isinstance(value, str) else value or []:
        parse_path(text)
    return value


def _check_source(value: str | list[str] | None) -> str | list[str] | None:
    for text in [value] if isinstance(value, str) else value or []:
        parse_source(text)
    return value


def _scoped(value: str | list[str] | None) -> bool:
    texts = [value] if isinstance(value, str) else value or []
    return any(split_scope(text)[0] != SELF for text in texts)


class Condition(Strict):
    """Compare the value at a path: eq, ne, in, not_in, exists or missing."""

    path: str = Field(
        description="Path in the record the rule reads (native, inbound); a rule's when may "
        "also read $root.<path>, $parent.<path> or $index."
    )
    op: ConditionOp = Field("eq", description="Comparison; exists/missing take no value.")
    value: Any = Field(None, description="Value to compare with (a list for in/not_in).")

    _path = field_validator("path")(_check_source)

    @model_validator(mode="after")
    def _value_fits_op(self) -> Self:
        given = "value" in self.model_fields_set
        if self.op in ("exists", "missing") and given:
            raise ValueError(f"op {self.op} takes no value")
        if self.op in ("eq", "ne") and not given:
            raise ValueError(f"op {self.op} needs a value")
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"op {self.op} needs a list value")
        return self


When = Condition | list[Condition]


def _plain_when(when: When | None) -> When | None:
    conditions = [when] if isinstance(when, Condition) else when or []
    if any(split_scope(condition.path)[0] != SELF for condition in conditions):
        raise ValueError("only a rule's when reads $root, $parent or $index")
    return when


class Lookup(Strict):
    """Translate the value, an id of another entity, through the xref table."""

    entity: str = Field(description="Entity of the id, e.g. customer, product.")
    system: str | None = Field(None, description="System of the id; the file's system if absent.")


class Nested(Strict):
    """Rules applied to one object or to each element of a list."""

    rules: list[Rule] = Field(min_length=1, description="Rules relative to the element.")
    keep_if: When | None = Field(
        None, description="Only elements for which this holds are mapped (each only)."
    )
    group_by: str | None = Field(
        None,
        description="each only: group the elements by the value at this path; the rules then "
        "map one {key, items} object per group (in order of first appearance). Reverse: "
        "the items are written back flat, each with the group's key at this path.",
    )

    _group_by = field_validator("group_by")(_check_path)
    _keep_if = field_validator("keep_if")(_plain_when)


class Rule(Strict):
    """One rule: a field (source), a const, an each (list) or an object sub-mapping."""

    target: str | list[str] | None = Field(
        None, description="Path written: canonical inbound. A list spreads a list value."
    )
    source: str | list[str] | None = Field(
        None,
        description="Path read: native inbound. A list reads several values as one list. "
        "In nested rules, $root.<path> reads the record, $parent.<path> the enclosing "
        "element, and $index / $index0 give the element's position in its each "
        "(1-based / 0-based); such field rules have no derived reverse.",
    )
    const: Any = Field(None, description="A constant to write instead of reading a source.")
    default: Any = Field(None, description="Written when the value is missing, null or empty.")
    steps: list[Step] = Field(default_factory=list, description="Functions applied in order.")
    map: str | None = Field(None, description="Value map applied after the steps.")
    lookup: Lookup | None = Field(None, description="xref lookup applied last.")
    when: When | None = Field(None, description="The rule applies only when this holds.")
    each: Nested | None = Field(None, description="Map each element of the source list.")
    object_: Nested | None = Field(
        None, alias="object", description="Map the source object (or the record) to one object."
    )
    required: bool = Field(False, description="A missing value fails the record.")
    secret: bool = Field(False, description="Never show this rule's values in errors.")
    reverse: Literal["skip"] | Rule | None = Field(
        None,
        description="Canonical-to-native rule for rules that cannot be inverted, or 'skip'.",
    )
    note: str | None = Field(None, description="Free text for readers.")

    _target = field_validator("target")(_check_path)
    _source = field_validator("source")(_check_source)

    @property
    def kind(self) -> str:
        """field, const, each or object."""
        if self.each is not None:
            return "each"
        if self.object_ is not None:
            return "object"
        if "const" in self.model_fields_set:
            return "const"
        return "field"

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        kinds = [
            name
            for name, present in (
                ("const", "const" in self.model_fields_set),
                ("each", self.each is not None),
                ("object", self.object_ is not None),
            )
            if present
        ]
        if len(kinds) > 1:
            raise ValueError(f"a rule is one of const, each, object; got {', '.join(kinds)}")
        kind = self.kind
        has_pipeline = bool(self.steps) or self.map is not None or self.lookup is not None
        if kind != "field" and (has_pipeline or "default" in self.model_fields_set):
            raise ValueError(f"a {kind} rule takes no steps, map, lookup or default")
        if kind == "const" and self.source is not None:
            raise ValueError("a const rule has no source")
        if kind in ("field", "each") and self.source is None:
            raise ValueError(f"a {kind} rule needs a source")
        if kind != "object" and self.target is None:
            raise ValueError("a rule needs a target")
        if kind != "field" and (isinstance(self.source, list) or isinstance(self.target, list)):
            raise ValueError("only field rules read or write several paths")
        for path in [self.source] if isinstance(self.source, str) else self.source or []:
            if APPEND in parse_source(path)[1]:
                raise ValueError("[+] appends, so it may appear only in a target")
        if kind != "field" and _scoped(self.source):
            raise ValueError("only field rules read $root, $parent or $index")
        if kind == "each" and isinstance(self.source, str):
            segments = parse_path(self.source)
            if segments.count(WILDCARD) > 1 or (segments and segments[-1] is WILDCARD):
                raise ValueError(
                    "an each rule's source is the list itself, without [*] "
                    "(or one nested list to flatten: lines[*].allocations)"
                )
            if WILDCARD in segments and self.each is not None and self.each.group_by:
                raise ValueError("an each rule either flattens ([*]) or groups (group_by)")
        if kind == "object" and self.object_ is not None:
            if self.object_.keep_if is not None:
                raise ValueError("keep_if filters list elements; use when on an object rule")
            if self.object_.group_by is not None:
                raise ValueError("group_by groups list elements; it belongs to an each rule")
        return self


class ValueMap(Strict):
    """A named table of native to canonical values; the reverse is derived."""

    values: dict[str | int, Scalar] = Field(description="Native value: canonical value.")
    unknown: Policy = Field("error", description="Policy for a native value not in the table.")
    reverse_unknown: Policy | None = Field(
        None,
        description="Policy for a canonical value not in the reverse table; "
        "by default error, or passthrough when unknown is passthrough.",
    )
    reverse: dict[str | int, Scalar] = Field(
        default_factory=dict,
        description="Canonical value: native value, where the derived reverse is ambiguous.",
    )
    ignore_case: bool = Field(False, description="Match native text regardless of case.")


class Filter(Strict):
    """Reject whole records, with a reason carried by the Rejected result."""

    name: str = Field(min_length=1, description="Name reported with each rejected record.")
    reject_if: When = Field(description="Records for which this holds are rejected.")
    reason: str = Field(min_length=1, description="Why such records are not mapped.")
    direction: Literal["inbound", "outbound"] = Field(
        "inbound", description="inbound tests native records, outbound canonical ones."
    )

    _reject_if = field_validator("reject_if")(_plain_when)


class MappingFile(Strict):
    """A mapping between one system's entity and a canonical model, both ways."""

    schema_: str | None = Field(None, alias="$schema", description="For editors.")
    system: str = Field(pattern=r"^[a-z][a-z0-9_.-]{0,31}$", description="System name, e.g. crm.")
    entity: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Native entity, e.g. account."
    )
    canonical: CanonicalName = Field(description="Canonical model, e.g. Customer.")
    key: str = Field(description="Path of the native record's id, named in errors.")
    version: int = Field(ge=1, description="Version of this mapping file.")
    description: str | None = Field(None, description="What the mapping is for.")
    value_maps: dict[str, ValueMap] = Field(
        default_factory=dict, description="Named value maps used by rules' map."
    )
    filters: list[Filter] = Field(default_factory=list, description="Whole-record filters.")
    rules: list[Rule] = Field(min_length=1, description="Rules applied in order.")
    compute_totals: bool = Field(
        False,
        description="Priced documents (Order, PurchaseOrder, Invoice): after the rules, fill "
        "each line's missing line_total, the missing tax_subtotals and the missing totals "
        "with the canonical arithmetic (canonical/pricing.py); amounts the rules wrote are "
        "kept and checked by validation. Inbound only; outbound the rules decide what is "
        "written back.",
    )

    _key = field_validator("key")(_check_path)

    @field_validator("canonical")
    @classmethod
    def _known_model(cls, value: str) -> str:
        if value not in MODELS:
            raise ValueError(f"unknown canonical model {value!r}; known: {', '.join(MODELS)}")
        return value

    @model_validator(mode="after")
    def _totals_on_priced_documents(self) -> Self:
        fields = MODELS[self.canonical].model_fields if self.canonical in MODELS else {}
        if self.compute_totals and not {"lines", "tax_subtotals", "totals"} <= set(fields):
            raise ValueError(f"compute_totals needs a priced document; {self.canonical} is not")
        return self


Nested.model_rebuild()
Rule.model_rebuild()
