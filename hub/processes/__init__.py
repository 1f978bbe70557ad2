"""Business processes that cross the six systems: order to cash, procure to pay, approvals.

A process is an ordered list of idempotent steps. Each step reads what it needs from the
systems themselves (or the state store) and leaves its results there, so a step can be
re-run after a failure and an Airflow task passes only run keys through XCom, never data.
The same steps run from Airflow (one task per step), from `hub process run`, and from the
demo.
"""

from __future__ import annotations

from hub.processes.framework import (
    Process,
    ProcessContext,
    ProcessResult,
    Step,
    StepResult,
    run_process,
)

__all__ = ["Process", "ProcessContext", "ProcessResult", "Step", "StepResult", "run_process"]
