"""Deliver signed completion events in a background thread, retrying with backoff."""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from reference.oa.callbacks import mark
from reference.oa.models import CallbackDelivery
from reference.oa.signing import signed_headers

log = logging.getLogger(__name__)
_STOP = object()


class CallbackDispatcher:
    """One daemon thread; a delivery that fails waits its backoff without holding up others."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        secret: str,
        *,
        delays: tuple[float, ...] = (0.2, 1.0, 3.0),
        timeout: float = 5.0,
    ) -> None:
        self._factory = factory
        self._secret = secret
        self._delays = delays
        self._timeout = timeout
        self._inbox: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def max_attempts(self) -> int:
        return len(self._delays) + 1

    def start(self) -> None:
        """Start the thread (once) and pick up deliveries left pending by a previous run."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="oa-callbacks", daemon=True)
            self._thread.start()
        with self._factory() as session:
            pending = session.scalars(
                sa.select(CallbackDelivery.id).where(CallbackDelivery.status == "PENDING")
            ).all()
        for delivery_id in pending:
            self._inbox.put(delivery_id)

    def submit(self, delivery_ids: Iterable[str]) -> None:
        """Hand deliveries to the thread; returns at once."""
        ids = list(delivery_ids)
        if not ids:
            return
        if self._thread is None or not self._thread.is_alive():
            self.start()
        for delivery_id in ids:
            self._inbox.put(delivery_id)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish and wait for it a little."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._inbox.put(_STOP)
            thread.join(timeout)

    def _run(self) -> None:
        due: list[tuple[float, int, str]] = []
        order = itertools.count()
        with requests.Session() as http:
            while True:
                wait = max(0.0, due[0][0] - time.monotonic()) if due else None
                try:
                    item = self._inbox.get(timeout=wait)
                except queue.Empty:
                    item = None
                if item is _STOP:
                    return
                if isinstance(item, str):
                    heapq.heappush(due, (time.monotonic(), next(order), item))
                while due and due[0][0] <= time.monotonic():
                    _, _, delivery_id = heapq.heappop(due)
                    retry_in = self._attempt(http, delivery_id)
                    if retry_in is not None:
                        heapq.heappush(due, (time.monotonic() + retry_in, next(order), delivery_id))

    def _attempt(self, http: requests.Session, delivery_id: str) -> float | None:
        """Try one delivery; the delay before the next try, or None when done."""
        with self._factory() as session:
            delivery = session.get(CallbackDelivery, delivery_id)
            if delivery is None or delivery.status != "PENDING":
                return None
            url, body, attempt = delivery.url, delivery.body.encode(), delivery.attempts + 1
        headers = signed_headers(self._secret, str(int(time.time())), body)
        headers["X-OA-Delivery-Attempt"] = str(attempt)
        error: str | None = None
        try:
            resp = http.post(
                url, data=body, headers=headers, timeout=self._timeout, allow_redirects=False
            )
            if not 200 <= resp.status_code < 300:
                error = f"HTTP {resp.status_code}"
        except requests.RequestException as exc:
            # The exception text may quote the URL with credentials in it; keep the type.
            error = type(exc).__name__
        final = error is None or attempt >= self.max_attempts
        status = "DELIVERED" if error is None else ("FAILED" if final else "PENDING")
        with self._factory() as session:
            mark(session, delivery_id, status=status, error=error)
        if error is None:
            return None
        log.warning(
            "callback delivery %s to host %s failed on attempt %d: %s",
            delivery_id,
            urlsplit(url).hostname,
            attempt,
            error,
        )
        return None if final else self._delays[attempt - 1]
