"""Long-running commands stop on Ctrl-C and on a plain `kill`, however they were started."""

from __future__ import annotations

import signal


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Turn SIGINT and SIGTERM into KeyboardInterrupt in the main thread.

    Python leaves SIGINT ignored when it starts with it ignored (a job started with `&`
    from a script, some CI runners), and SIGTERM (`kill`, `docker stop`) ends a process
    without its clean-up: both would leave servers and their ports behind.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
