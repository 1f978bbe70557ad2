"""Errors of the sync engine.

SyncError
 ├── FlowLocked          another worker holds this flow (partition); try later
 ├── LeaseLost           this run's lock expired and was taken over; it committed nothing more
 ├── RecordFailure       one record failed at a stage; it becomes a dead letter
 │    └── AmbiguousMatch a natural key matched more than one canonical record
 └── FlowIncomplete      the run stopped early; the cursor stays before the unwritten record
"""

from __future__ import annotations


class SyncError(Exception):
    """Base class of sync engine errors."""


class FlowLocked(SyncError):
    """Another run of the same flow and partition holds the lock."""

    def __init__(self, flow: str, partition: str, owner: str) -> None:
        self.flow = flow
        self.partition = partition
        self.owner = owner
        label = f"{flow} [{partition}]" if partition else flow
        super().__init__(f"flow {label} is already running (lock held by {owner})")


class LeaseLost(SyncError):
    """The run's lock expired and another run took it; the run stops without committing."""


class RecordFailure(SyncError):
    """One record failed at one stage of the pipeline."""


class AmbiguousMatch(RecordFailure):
    """A natural key matched more than one canonical record: never guess, ask a person."""


class FlowIncomplete(SyncError):
    """Some records could not be written yet (retriable); the next run picks them up."""
