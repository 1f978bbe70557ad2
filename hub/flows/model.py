"""The flow file model: which records move from where to where, and how."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from canonical.schema import MODELS

SystemName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,31}$")]
EntityName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
FlowName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,127}$")]
FieldPath = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\[\*\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\*\])?)*$"
    ),
]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")]

PRESETS = ("once", "hourly", "daily", "weekly", "monthly", "yearly", "continuous")
_CRON_FIELD = r"[0-9*/,\-A-Za-z?LW#]+"
SCHEDULE_PATTERN = rf"^(?:@(?:{'|'.join(PRESETS)})|{_CRON_FIELD}(?: {_CRON_FIELD}){{4}})$"

DEFAULT_VOLATILE = ("hub_id", "external_refs", "created_at", "updated_at", "version")


class Strict(BaseModel):
    """A flow file part: unknown keys are errors, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SnapshotSpec(Strict):
    """A source entity read whole each run, without change times (a stock summary)."""

    key: list[str] = Field(
        min_length=1,
        description="Native fields that together identify a record, e.g. [whse, item_code];"
        " joined with '/' into `snapshot_key`.",
    )


class SourceEndpoint(Strict):
    """Where records are read: a system's entity and the fields the cursor follows."""

    system: SystemName = Field(description="Source system, e.g. crm.")
    entity: EntityName = Field(description="Native entity in the source, e.g. accounts.")
    cursor_field: str = Field("updated_at", description="Native change timestamp (ISO 8601 UTC).")
    id_field: str = Field("id", description="Native record id; breaks cursor ties.")
    deleted_field: str | None = Field(
        None, description="Native field that is true on a tombstone (deleted record)."
    )
    snapshot: SnapshotSpec | None = Field(
        None,
        description="Stamp every record of a read with `snapshot_at` (the read time less the"
        " skew margin) and `snapshot_key`; use them as cursor_field and id_field.",
    )


class MergeSpec(Strict):
    """Read the target's current record before a write and keep some of its fields.

    Applies whenever the record names the target record (its id, or the natural key the
    read path uses); a record the target does not have is written as it is.
    """

    read: str = Field(
        description="REST: GET path template (/items/{item_code}); SOAP: the operation that"
        " returns one record, called with the target id in `id_field`."
    )
    by: list[str] = Field(
        default_factory=list,
        description="SOAP: record fields sent to the read operation, those present (default:"
        " the target id_field), e.g. [VendorNo, ExternalRef].",
    )
    records_path: str = Field(
        "$", description="Where the record (with `many`: the list of records) is in the answer."
    )
    many: int | None = Field(
        None,
        ge=2,
        le=10000,
        description="SOAP: `read` takes up to this many keys at once (its one `by` field"
        " repeated) and answers the records it has, in any order; one call per that many"
        " records instead of one per record. E.g. GetCustomers with many: 500.",
    )
    keep: list[str] = Field(
        min_length=1,
        description="Native fields taken from the current record when the update lacks them"
        " (fields the target owns, or that the source cannot hold).",
    )

    @model_validator(mode="after")
    def _one_key_for_many(self) -> Self:
        if self.many is not None and len(self.by) > 1:
            raise ValueError("merge.many reads by one key field: give at most one `by` field")
        return self


class PatchSpec(Strict):
    """Send updates of records the target already has as a partial update (REST)."""

    method: Literal["PATCH", "PUT", "POST"] = "PATCH"
    path: str = Field(description="Path template of the record, e.g. /accounts/{accountId}.")
    headers: dict[str, str] = Field(
        default_factory=dict, description='Fixed headers, e.g. {"If-Match": "*"}.'
    )


class TargetEndpoint(Strict):
    """Where records are written: a system's entity and its id field."""

    system: SystemName = Field(description="Target system, e.g. erp.")
    entity: EntityName = Field(description="Native entity in the target, e.g. customers.")
    id_field: str = Field("id", description="Native field that carries the target id on an update.")
    key: list[str] = Field(
        default_factory=list,
        description="Native fields (dotted paths) whose values, joined by '/', are the target"
        " id, when the id the target answers does not identify a record on its own; id_field"
        " then names no native field (e.g. hub_key) and is removed before the write.",
    )
    defaults: dict[str, Any] = Field(
        default_factory=dict,
        description="Native fields set when a written record lacks them (after `merge`).",
    )
    merge: MergeSpec | None = Field(
        None, description="Read-modify-write for targets that replace whole records."
    )
    patch: PatchSpec | None = Field(
        None, description="Partial updates for records the target has (creates use the profile)."
    )
    combine: str | None = Field(
        None,
        description="Native list field: the records of one write go as one message whose"
        " list holds all of theirs (a stock snapshot import).",
    )


class MappingPaths(Strict):
    """Mapping files, relative to the mappings root."""

    inbound: str = Field(description="Source native -> canonical mapping file.")
    outbound: str = Field(description="Canonical -> target native mapping file.")


class MatchRule(Strict):
    """A natural key that identifies the same record across systems."""

    name: FieldName = Field(description="Rule name, e.g. tax_id.")
    fields: list[FieldPath] = Field(
        min_length=1,
        description="Canonical paths making up the key, e.g. tax_ids[*].value; [*] fans out.",
    )
    normalise: Literal["alnum", "email", "text"] = Field(
        "alnum",
        description="alnum: case-folded letters and digits only; email: trimmed, case-folded;"
        " text: case-folded with whitespace collapsed.",
    )


class DeletePolicy(Strict):
    """What a tombstone in the source does to the target record."""

    action: Literal["ignore", "deactivate", "delete"] = Field(
        "ignore", description="ignore, deactivate (write `set`), or delete the target record."
    )
    set: dict[str, Any] = Field(
        default_factory=dict,
        description="Native fields written to the target record to deactivate it.",
    )

    @model_validator(mode="after")
    def _deactivate_needs_fields(self) -> Self:
        if self.action == "deactivate" and not self.set:
            raise ValueError("delete_policy.set must name the fields that deactivate a record")
        return self


class Partitions(Strict):
    """Split a flow so that several workers run it at once, each on its own share."""

    count: int = Field(1, ge=1, le=1024, description="Number of partitions.")
    field: str = Field("id", description="Native field whose hash picks the partition.")


class FlowSpec(Strict):
    """A flow: records of one entity moving from a source system to a target system."""

    schema_: str | None = Field(None, alias="$schema", description="For editors.")
    name: FlowName = Field(description="Unique flow name, e.g. crm-to-erp-customers.")
    description: str | None = None
    source: SourceEndpoint
    target: TargetEndpoint
    canonical: str = Field(description="Canonical model, e.g. Customer.")
    mappings: MappingPaths
    mode: Literal["incremental", "full"] = "incremental"
    schedule: str | None = Field(
        None, pattern=SCHEDULE_PATTERN, description="Five-field cron, or a preset like @hourly."
    )
    batch_size: int = Field(500, ge=1, le=100_000)
    match_rules: list[MatchRule] = Field(
        default_factory=list, description="Natural keys tried in order for unknown records."
    )
    ownership: dict[SystemName, list[FieldName]] = Field(
        default_factory=dict,
        description="Canonical fields each system owns; a target keeps the fields it owns.",
    )
    delete_policy: DeletePolicy = Field(default_factory=DeletePolicy)
    partitions: Partitions = Field(default_factory=Partitions)
    lookback_seconds: int = Field(
        0, ge=0, description="Re-read this far behind the cursor for late-committed records."
    )
    skew_margin_seconds: int = Field(
        5, ge=0, description="Leave records newer than run start minus this for the next run."
    )
    volatile_fields: list[FieldName] = Field(
        default_factory=lambda: list(DEFAULT_VOLATILE),
        description="Canonical fields ignored by change detection.",
    )
    compare_ignore: list[FieldName] = Field(
        default_factory=list,
        description="Canonical fields sent to the target but left out of change detection"
        " (a snapshot's time and sequence): a record unchanged otherwise is not written.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        model = MODELS.get(self.canonical)
        if model is None:
            raise ValueError(
                f"unknown canonical model {self.canonical!r}; known: {', '.join(MODELS)}"
            )
        fields = model.model_fields
        owners: dict[str, str] = {}
        for system, names in self.ownership.items():
            for name in names:
                if name not in fields:
                    raise ValueError(f"ownership: {self.canonical} has no field {name!r}")
                if name in owners:
                    raise ValueError(
                        f"ownership: {name!r} owned by both {owners[name]} and {system}"
                    )
                owners[name] = system
        for rule in self.match_rules:
            for path in rule.fields:
                head = path.split(".", 1)[0].removesuffix("[*]")
                if head not in fields:
                    raise ValueError(
                        f"match rule {rule.name}: {self.canonical} has no field {head!r}"
                    )
        if len({rule.name for rule in self.match_rules}) != len(self.match_rules):
            raise ValueError("match rule names must be unique")
        return self

    def owned_by(self, system: str) -> frozenset[str]:
        """The canonical fields `system` owns in this flow."""
        return frozenset(self.ownership.get(system, ()))

    def partition_key(self, partition: int) -> str:
        """The state store's partition label: empty when the flow is not partitioned."""
        count = self.partitions.count
        if not 0 <= partition < count:
            raise ValueError(f"partition {partition} outside 0..{count - 1}")
        return "" if count == 1 else f"{partition}/{count}"
