"""Each pagination kind reads every page, and each stops with PaginationLoop on a repeat."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from connectors.base import Connector
from connectors.errors import ContractError, PaginationLoop
from tests.connectors.conftest import BASE, profile_from

URL = f"{BASE}/items"
PAGES = [[{"id": n} for n in range(start, start + 3)] for start in (1, 4, 7)]
ALL_IDS = list(range(1, 10))


def query(request: requests.PreparedRequest) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url or "").query).items()}


def ids(connector: Connector) -> list[Any]:
    assert connector.source is not None
    return [r["id"] for batch in connector.source.read("items") for r in batch.records]


def reply(body: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    return 200, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)


def serve(handler: Callable[[dict[str, str], requests.PreparedRequest], Any]) -> None:
    """One callback endpoint on URL, given the parsed query (a tiny fake API)."""

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        result = handler(query(request), request)
        return result if isinstance(result, tuple) else reply(result)

    responses.add_callback(responses.GET, URL, callback=callback)


def items_profile(pagination: dict[str, Any], records_path: str = "$") -> Any:
    return profile_from(
        {"items": {"path": "/items", "pagination": pagination, "records_path": records_path}}
    )


@responses.activate
def test_cursor_body_reads_all_pages(connect: Callable[..., Connector]) -> None:
    cursors = {None: ("c1", 0), "c1": ("c2", 1), "c2": (None, 2)}

    def handler(q: dict[str, str], _: requests.PreparedRequest) -> Any:
        assert q["limit"] == "3"
        next_cursor, page = cursors[q.get("cursor")]
        return {"data": PAGES[page], "meta": {"next": next_cursor}}

    serve(handler)
    profile = items_profile(
        {
            "kind": "cursor_body",
            "cursor_path": "meta.next",
            "page_size_param": "limit",
            "page_size": 3,
        },
        records_path="data",
    )
    assert ids(connect(profile)) == ALL_IDS


@responses.activate
def test_cursor_body_stops_on_has_more_false(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: {"items": PAGES[0], "cursor": "always", "has_more": False})
    profile = items_profile(
        {"kind": "cursor_body", "cursor_path": "cursor", "has_more_path": "has_more"}, "items"
    )
    assert ids(connect(profile)) == [1, 2, 3]
    assert len(responses.calls) == 1


@responses.activate
def test_cursor_body_repeated_cursor_is_a_loop(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: {"data": PAGES[0], "next": "same"})
    profile = items_profile({"kind": "cursor_body", "cursor_path": "next"}, "data")
    with pytest.raises(PaginationLoop, match="same"):
        ids(connect(profile))
    assert len(responses.calls) == 2


@responses.activate
def test_next_url_body_reads_all_pages(connect: Callable[..., Connector]) -> None:
    def handler(q: dict[str, str], _: requests.PreparedRequest) -> Any:
        page = int(q.get("p", "0"))
        following = f"{URL}?p={page + 1}" if page < 2 else None
        return {"results": PAGES[page], "links": {"next": following}}

    serve(handler)
    profile = items_profile({"kind": "next_url_body", "next_url_path": "links.next"}, "results")
    assert ids(connect(profile)) == ALL_IDS


@responses.activate
def test_next_url_body_repeated_url_is_a_loop(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: {"results": PAGES[0], "next": f"{URL}?p=1"})
    profile = items_profile({"kind": "next_url_body"}, "results")
    with pytest.raises(PaginationLoop):
        ids(connect(profile))


@responses.activate
def test_next_url_on_another_origin_is_refused(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: {"results": PAGES[0], "next": "https://evil.example/steal"})
    profile = items_profile({"kind": "next_url_body"}, "results")
    with pytest.raises(ContractError, match="another origin"):
        ids(connect(profile))
    assert len(responses.calls) == 1


@responses.activate
def test_link_header_reads_all_pages(connect: Callable[..., Connector]) -> None:
    def handler(q: dict[str, str], _: requests.PreparedRequest) -> Any:
        page = int(q.get("page", "0"))
        headers = {"Link": f'<{URL}?page={page + 1}>; rel="next", <{URL}?page=0>; rel="first"'}
        return reply(PAGES[page], headers if page < 2 else {})

    serve(handler)
    assert ids(connect(items_profile({"kind": "link_header"}))) == ALL_IDS


@responses.activate
def test_link_header_repeated_next_is_a_loop(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: reply(PAGES[0], {"Link": f'<{URL}?page=1>; rel="next"'}))
    with pytest.raises(PaginationLoop):
        ids(connect(items_profile({"kind": "link_header"})))


@responses.activate
def test_offset_limit_reads_all_pages_until_total(connect: Callable[..., Connector]) -> None:
    def handler(q: dict[str, str], _: requests.PreparedRequest) -> Any:
        offset, limit = int(q["offset"]), int(q["limit"])
        rows = [{"id": n} for n in range(1, 10)][offset : offset + limit]
        return {"rows": rows, "total": 9}

    serve(handler)
    profile = items_profile({"kind": "offset_limit", "page_size": 3, "total_path": "total"}, "rows")
    assert ids(connect(profile)) == ALL_IDS
    assert len(responses.calls) == 3


@responses.activate
def test_offset_limit_without_total_survives_a_capped_page_size(
    connect: Callable[..., Connector],
) -> None:
    def handler(q: dict[str, str], _: requests.PreparedRequest) -> Any:
        offset = int(q["offset"])
        return [{"id": n} for n in range(1, 10)][offset : offset + 2]  # server caps at 2

    serve(handler)
    assert ids(connect(items_profile({"kind": "offset_limit", "page_size": 3}))) == ALL_IDS


@responses.activate
def test_offset_ignored_by_server_is_a_loop(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: PAGES[0])
    with pytest.raises(PaginationLoop, match="page"):
        ids(connect(items_profile({"kind": "offset_limit", "page_size": 3})))
    assert len(responses.calls) == 2


@responses.activate
def test_page_number_reads_all_pages(connect: Callable[..., Connector]) -> None:
    def handler(q: dict[str, str], _: requests.PreparedRequest) -> Any:
        assert q["size"] == "3"
        return {"items": PAGES[int(q["pg"]) - 1], "pages": 3}

    serve(handler)
    profile = items_profile(
        {
            "kind": "page_number",
            "page_param": "pg",
            "page_size_param": "size",
            "page_size": 3,
            "total_pages_path": "pages",
        },
        "items",
    )
    assert ids(connect(profile)) == ALL_IDS
    assert len(responses.calls) == 3


@responses.activate
def test_page_number_ignored_by_server_is_a_loop(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: {"items": PAGES[1]})
    with pytest.raises(PaginationLoop):
        ids(connect(items_profile({"kind": "page_number", "page_size": 3}, "items")))


@responses.activate
def test_no_pagination_reads_one_page(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: PAGES[0])
    assert ids(connect(items_profile({"kind": "none"}))) == [1, 2, 3]


@responses.activate
def test_missing_record_list_is_a_contract_error(connect: Callable[..., Connector]) -> None:
    serve(lambda q, _: {"error": "nope"})
    with pytest.raises(ContractError, match="no record list at 'data'"):
        ids(connect(items_profile({"kind": "none"}, "data")))


@responses.activate
def test_non_json_answer_is_a_contract_error(connect: Callable[..., Connector]) -> None:
    responses.get(URL, body="<html>maintenance</html>", content_type="text/html")
    with pytest.raises(ContractError, match="text/html, not JSON"):
        ids(connect(items_profile({"kind": "none"})))
