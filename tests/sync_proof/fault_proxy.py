"""A loopback HTTP proxy that answers some writes with 503, 429 or silence (a timeout).

Reads pass through untouched. Each write draws one fate from a seeded RNG: refused with
503, refused with 429 + Retry-After, held past the client's read timeout without being
forwarded, forwarded and *then* held past the timeout (it landed, the client does not
know), or forwarded normally. Every fate is logged with the request's idempotency key.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}


@dataclass(frozen=True)
class Odds:
    """Chances of each fault for one write (the rest go through)."""

    unavailable: float = 0.30
    throttled: float = 0.08
    lost_request: float = 0.04
    lost_answer: float = 0.08


@dataclass
class Fate:
    """What the proxy did with one write."""

    method: str
    path: str
    key: str | None
    fate: str
    status: int | None = None


@dataclass
class FaultProxy:
    """The proxy's state: where it forwards, how it fails, and what it did."""

    upstream: str
    odds: Odds
    hold_seconds: float
    seed: int = 7
    log: list[Fate] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.http = requests.Session()

    def draw(self) -> str:
        with self.lock:
            roll = self.rng.random()
        odds = self.odds
        for fate, chance in (
            ("503", odds.unavailable),
            ("429", odds.throttled),
            ("lost_request", odds.lost_request),
            ("lost_answer", odds.lost_answer),
        ):
            if roll < chance:
                return fate
            roll -= chance
        return "forwarded"

    def record(self, fate: Fate) -> None:
        with self.lock:
            self.log.append(fate)

    def forward(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> requests.Response:
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS}
        return self.http.request(
            handler.command,
            self.upstream + handler.path,
            data=body,
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                fate = "read" if self.command not in WRITES else proxy.draw()
                if self.path.startswith("/oauth/"):
                    fate = "read"  # the token endpoint is not under test
                entry = Fate(self.command, self.path, self.headers.get("Idempotency-Key"), fate)
                proxy.record(entry)
                if fate in ("503", "429"):
                    extra = {"Retry-After": "1"} if fate == "429" else {}
                    self.answer(int(fate), b'{"detail": "injected fault"}', extra)
                    return
                if fate == "lost_request":
                    time.sleep(proxy.hold_seconds)
                    self.close_connection = True
                    return
                upstream = proxy.forward(self, body)
                entry.status = upstream.status_code
                if fate == "lost_answer":
                    time.sleep(proxy.hold_seconds)
                    self.close_connection = True
                    return
                passed = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS}
                passed.pop("Content-Encoding", None)
                self.answer(upstream.status_code, upstream.content, passed)

            def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if not any(name.lower() == "content-type" for name in headers):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        self.http.close()

    def fates(self, fate: str) -> list[Fate]:
        with self.lock:
            return [entry for entry in self.log if entry.fate == fate]
