"""The hub's state store: xref, cursors, hashes, dead letters, runs and EDI bookkeeping.

Repository functions take a `Session` and never commit: the caller owns the transaction,
so that a target write's cursor, hashes and xref rows commit together. On SQLite every
transaction begins IMMEDIATE (one writer at a time, others wait up to the busy timeout).
"""

from __future__ import annotations

from hub.store.control_numbers import (
    EDIFACT_REFERENCE_MAX,
    X12_GS06_MAX,
    X12_ISA13_MAX,
    X12_MAXIMA,
    X12_ST02_MAX,
    current_control_number,
    next_control_number,
)
from hub.store.cursors import get_cursor, set_cursor
from hub.store.dead_letters import (
    add_dead_letter,
    get_dead_letter,
    list_dead_letters,
    mark_dead_letter,
)
from hub.store.engine import make_engine, make_session_factory
from hub.store.errors import (
    DuplicateInterchangeError,
    NotFoundError,
    StoreError,
    UnsupportedDatabaseError,
    XrefConflictError,
)
from hub.store.hashes import get_hashes, set_hashes
from hub.store.interchanges import (
    find_by_group,
    find_duplicate,
    get_interchange,
    overdue_acknowledgements,
    record_interchange,
    update_interchange_status,
)
from hub.store.models import (
    Base,
    ControlSequence,
    Cursor,
    DeadLetter,
    EdiInterchange,
    RecordHash,
    Run,
    Xref,
)
from hub.store.runs import RunCounts, finish_run, list_runs, start_run
from hub.store.xref import (
    canonical_id_for,
    link,
    mark_seen,
    populate_or_lookup,
    system_id_for,
    system_ids_for,
)

__all__ = [
    "EDIFACT_REFERENCE_MAX",
    "X12_GS06_MAX",
    "X12_ISA13_MAX",
    "X12_MAXIMA",
    "X12_ST02_MAX",
    "Base",
    "ControlSequence",
    "Cursor",
    "DeadLetter",
    "DuplicateInterchangeError",
    "EdiInterchange",
    "NotFoundError",
    "RecordHash",
    "Run",
    "RunCounts",
    "StoreError",
    "UnsupportedDatabaseError",
    "Xref",
    "XrefConflictError",
    "add_dead_letter",
    "canonical_id_for",
    "current_control_number",
    "find_by_group",
    "find_duplicate",
    "finish_run",
    "get_cursor",
    "get_dead_letter",
    "get_hashes",
    "get_interchange",
    "link",
    "list_dead_letters",
    "list_runs",
    "make_engine",
    "make_session_factory",
    "mark_dead_letter",
    "mark_seen",
    "next_control_number",
    "overdue_acknowledgements",
    "populate_or_lookup",
    "record_interchange",
    "set_cursor",
    "set_hashes",
    "start_run",
    "system_id_for",
    "system_ids_for",
    "update_interchange_status",
]
