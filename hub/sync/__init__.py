"""The sync engine: move records from a source system to a target, incrementally and safely.

Public surface for the CLI and the DAGs: `run_flow`, the dead-letter operations, status,
and the types they take and return.
"""

from __future__ import annotations

from hub.sync.context import (
    Counts,
    FlowContext,
    Progress,
    ProgressCallback,
    RunOptions,
    RunResult,
)
from hub.sync.dlq import (
    ReplayResult,
    discard_letters,
    list_letters,
    replay_letters,
    select_letters,
    show_letter,
)
from hub.sync.errors import (
    AmbiguousMatch,
    FlowIncomplete,
    FlowLocked,
    LeaseLost,
    RecordFailure,
    SyncError,
)
from hub.sync.protocols import Deleter, InboundMapping, OutboundMapping
from hub.sync.runner import run_flow
from hub.sync.status import PartitionStatus, flow_status, recent_runs
from hub.sync.wiring import load_context_mappings

__all__ = [
    "AmbiguousMatch",
    "Counts",
    "Deleter",
    "FlowContext",
    "FlowIncomplete",
    "FlowLocked",
    "InboundMapping",
    "LeaseLost",
    "OutboundMapping",
    "PartitionStatus",
    "Progress",
    "ProgressCallback",
    "RecordFailure",
    "ReplayResult",
    "RunOptions",
    "RunResult",
    "SyncError",
    "discard_letters",
    "flow_status",
    "list_letters",
    "load_context_mappings",
    "recent_runs",
    "replay_letters",
    "run_flow",
    "select_letters",
    "show_letter",
]
