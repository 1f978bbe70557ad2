"""Serve an ASGI app with uvicorn on a loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn

LOOPBACK = "127.0.0.1"


@dataclass
class ServedApp:
    """A running uvicorn server; ``port`` is the real one even when 0 was asked for."""

    name: str
    port: int
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()


def serve(app: Any, *, name: str, port: int = 0, startup_timeout: float = 15.0) -> ServedApp:
    """Start ``app`` on 127.0.0.1:``port`` and return once it accepts connections.

    The socket is bound here rather than by uvicorn so that port 0 (any free port) works and
    the caller learns the port before the first request; binding only loopback keeps the
    reference systems off every other interface.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(128)
    sock.set_inheritable(True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"ref-{name}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            sock.close()
            raise RuntimeError(f"reference system {name} failed to start")
        if time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise TimeoutError(f"reference system {name} did not start in {startup_timeout}s")
        time.sleep(0.01)
    return ServedApp(name=name, port=sock.getsockname()[1], server=server, thread=thread, sock=sock)
