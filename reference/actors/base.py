"""The Actor base class: one round of work in step(), repeated by a daemon thread."""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)


class Actor:
    """A simulated person or partner working a system through its public API.

    Subclasses implement :meth:`step` (one round of work, returning how much was done).
    :meth:`start` repeats it every ``interval`` seconds in a daemon thread until
    :meth:`stop`; tests may call :meth:`step` directly for a deterministic round. An
    exception in a round is logged and counted, never kills the thread: the next round
    retries (the system may simply not be up yet).
    """

    name: str = "actor"

    def __init__(self, *, interval: float = 0.2, name: str | None = None) -> None:
        self.interval = interval
        if name is not None:
            self.name = name
        self.rounds = 0
        self.done = 0
        self.errors = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def step(self) -> int:
        """Do one round of work; return how many things were done."""
        raise NotImplementedError

    def run_once(self) -> int:
        """One guarded round: step() under the actor's lock, errors logged not raised."""
        with self._lock:
            try:
                n = self.step()
            except Exception as exc:
                self.errors += 1
                # Class name only: messages from HTTP clients may echo headers or URLs.
                self.last_error = type(exc).__name__
                log.warning("actor %s: round failed (%s)", self.name, type(exc).__name__)
                return 0
            finally:
                self.rounds += 1
            self.done += n
            return n

    def start(self) -> Self:
        """Start working in a daemon thread (no-op when already running); returns self."""
        if self.running:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=f"actor-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop after its current round and wait for it."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
