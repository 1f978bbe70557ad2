"""The processes by name, imported only when asked for."""

from __future__ import annotations

import importlib

from hub.processes.framework import Process

PROCESSES: dict[str, str] = {
    "order_to_cash": "hub.processes.order_to_cash",
    "procure_to_pay": "hub.processes.procure_to_pay",
    "approvals": "hub.processes.approvals",
}


def get_process(name: str) -> Process:
    """The process ``name``; KeyError naming the known ones otherwise."""
    if name not in PROCESSES:
        raise KeyError(f"unknown process {name!r}; known: {', '.join(PROCESSES)}")
    process: Process = importlib.import_module(PROCESSES[name]).PROCESS
    return process
