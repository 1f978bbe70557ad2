"""The sensor a waiting process step becomes: it runs the step and is done at zero waiting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseSensorOperator, Context, PokeReturnValue


class StepSensor(BaseSensorOperator):
    """Run a process step that waits for an actor; done once it reports nothing waiting.

    Used in reschedule mode: between pokes the worker slot is free, and each poke runs the
    (idempotent) step once, so progress made by an approver or a partner is picked up.
    The run key arrives through XCom (``run_key`` is templated) and is passed on.
    """

    template_fields: Sequence[str] = ("run_key",)
    ui_color = "#e8f4ea"

    def __init__(self, *, process: str, step: str, run_key: Any, **kwargs: Any) -> None:
        kwargs.setdefault("mode", "reschedule")
        super().__init__(**kwargs)
        self.process = process
        self.step = step
        self.run_key = run_key

    def poke(self, context: Context) -> PokeReturnValue:
        from hub.airflow.runtime import run_conf, run_step

        options = run_conf(context).get("options")
        counts = run_step(self.process, self.step, str(self.run_key), options)
        waiting = counts.get("waiting", 0)
        if waiting:
            self.log.info("%s.%s: %s item(s) still waiting", self.process, self.step, waiting)
        return PokeReturnValue(is_done=waiting == 0, xcom_value=self.run_key)
