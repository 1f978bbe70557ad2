"""Paginators: one small plug-in per pagination kind, each guarding against loops.

They follow a request's life, as dlt's do:

* ``init_request(request)``   - set up the first page (page size, first offset/page);
* ``update_state(response, body, records)`` - read where the next page is from the answer,
  decide ``has_more``, and raise `PaginationLoop` if a cursor, next URL or page repeats;
* ``update_request(request)`` - point the request at the next page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import requests

from connectors.errors import ConfigError, ContractError, PaginationLoop
from connectors.paths import lookup
from connectors.profile import (
    CursorBodyPagination,
    LinkHeaderPagination,
    NextUrlBodyPagination,
    NoPagination,
    OffsetLimitPagination,
    PageNumberPagination,
    Pagination,
)


@dataclass
class PageRequest:
    """The URL (a path, or an absolute next-page URL) and query parameters of one page."""

    url: str
    params: dict[str, Any] = field(default_factory=dict)


class Paginator:
    """Base paginator: a single page, and the loop guard the others share."""

    def __init__(self) -> None:
        self.has_more = True
        self._seen: set[str] = set()

    def init_request(self, request: PageRequest) -> None:
        """Prepare the first request."""

    def update_state(self, response: requests.Response, body: Any, records: list[Any]) -> None:
        """Learn from the page just read whether and where another page follows."""
        self.has_more = False

    def update_request(self, request: PageRequest) -> None:
        """Point ``request`` at the next page."""

    def _remember(self, what: str, token: str) -> None:
        if token in self._seen:
            shown = token if len(token) <= 120 else token[:117] + "..."
            raise PaginationLoop(f"{what} {shown!r} came back twice; stopping to avoid a loop")
        self._seen.add(token)


def _page_fingerprint(records: list[Any]) -> str:
    raw = json.dumps(records, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def _set_page_size(request: PageRequest, param: str | None, size: int | None) -> None:
    if param and size:
        request.params[param] = size


class CursorBodyPaginator(Paginator):
    """Sends back the opaque cursor found in the body as a query parameter."""

    def __init__(self, spec: CursorBodyPagination) -> None:
        super().__init__()
        self.spec = spec
        self.cursor: str | None = None

    def init_request(self, request: PageRequest) -> None:
        _set_page_size(request, self.spec.page_size_param, self.spec.page_size)

    def update_state(self, response: requests.Response, body: Any, records: list[Any]) -> None:
        cursor = lookup(body, self.spec.cursor_path)
        more = lookup(body, self.spec.has_more_path) if self.spec.has_more_path else None
        if cursor in (None, "") or more is False:
            self.has_more = False
            return
        self.cursor = str(cursor)
        self._remember("cursor", self.cursor)

    def update_request(self, request: PageRequest) -> None:
        request.params[self.spec.cursor_param] = self.cursor


class _NextUrlPaginator(Paginator):
    what = "next URL"

    def __init__(self, page_size_param: str | None, page_size: int | None) -> None:
        super().__init__()
        self.page_size_param = page_size_param
        self.page_size = page_size
        self.next_url: str | None = None

    def init_request(self, request: PageRequest) -> None:
        _set_page_size(request, self.page_size_param, self.page_size)

    def _found(self, url: Any) -> None:
        if url in (None, ""):
            self.has_more = False
            return
        if not isinstance(url, str):
            raise ContractError(f"{self.what} is not a string")
        self.next_url = url
        self._remember(self.what, url)

    def update_request(self, request: PageRequest) -> None:
        # The next URL already carries every parameter the system wants.
        assert self.next_url is not None
        request.url = self.next_url
        request.params = {}


class NextUrlBodyPaginator(_NextUrlPaginator):
    """Follows the next page's URL found in the body."""

    def __init__(self, spec: NextUrlBodyPagination) -> None:
        super().__init__(spec.page_size_param, spec.page_size)
        self.spec = spec

    def update_state(self, response: requests.Response, body: Any, records: list[Any]) -> None:
        self._found(lookup(body, self.spec.next_url_path))


class LinkHeaderPaginator(_NextUrlPaginator):
    """Follows the RFC 8288 ``Link: <...>; rel="next"`` header."""

    what = "Link next URL"

    def __init__(self, spec: LinkHeaderPagination) -> None:
        super().__init__(spec.page_size_param, spec.page_size)
        self.spec = spec

    def update_state(self, response: requests.Response, body: Any, records: list[Any]) -> None:
        self._found(response.links.get(self.spec.rel, {}).get("url"))


class OffsetLimitPaginator(Paginator):
    """Counts through ``offset``/``limit``; stops at the total, or on an empty page."""

    def __init__(self, spec: OffsetLimitPagination) -> None:
        super().__init__()
        self.spec = spec
        self.offset = 0

    def init_request(self, request: PageRequest) -> None:
        request.params[self.spec.offset_param] = self.offset
        request.params[self.spec.limit_param] = self.spec.page_size

    def update_state(self, response: requests.Response, body: Any, records: list[Any]) -> None:
        self.offset += len(records)
        total = lookup(body, self.spec.total_path) if self.spec.total_path else None
        # Without a total only an empty page ends the read: a system that caps the limit
        # below page_size serves short pages that are not the last.
        if not records or (isinstance(total, int) and self.offset >= total):
            self.has_more = False
        else:
            # A system that ignores the offset serves the same page again and again.
            self._remember("page", _page_fingerprint(records))

    def update_request(self, request: PageRequest) -> None:
        request.params[self.spec.offset_param] = self.offset


class PageNumberPaginator(Paginator):
    """Counts pages; stops at the page count, or on an empty page."""

    def __init__(self, spec: PageNumberPagination) -> None:
        super().__init__()
        self.spec = spec
        self.page = spec.start_page

    def init_request(self, request: PageRequest) -> None:
        request.params[self.spec.page_param] = self.page
        request.params[self.spec.page_size_param] = self.spec.page_size

    def update_state(self, response: requests.Response, body: Any, records: list[Any]) -> None:
        pages = lookup(body, self.spec.total_pages_path) if self.spec.total_pages_path else None
        last_page = self.spec.start_page + pages - 1 if isinstance(pages, int) else None
        if not records or (last_page is not None and self.page >= last_page):
            self.has_more = False
        else:
            self._remember("page", _page_fingerprint(records))
        self.page += 1

    def update_request(self, request: PageRequest) -> None:
        request.params[self.spec.page_param] = self.page


def paginator_for(spec: Pagination) -> Paginator:
    """A fresh paginator for one read of an entity."""
    if isinstance(spec, NoPagination):
        return Paginator()
    if isinstance(spec, CursorBodyPagination):
        return CursorBodyPaginator(spec)
    if isinstance(spec, NextUrlBodyPagination):
        return NextUrlBodyPaginator(spec)
    if isinstance(spec, LinkHeaderPagination):
        return LinkHeaderPaginator(spec)
    if isinstance(spec, OffsetLimitPagination):
        return OffsetLimitPaginator(spec)
    if isinstance(spec, PageNumberPagination):
        return PageNumberPaginator(spec)
    raise ConfigError(f"pagination kind {spec.kind} is not for rest systems")
