"""RestSource: batches of batch_size across pages, cursors with id tie-breaks, streaming."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from connectors.base import Batch, Connector, Source
from connectors.errors import ContractError
from tests.connectors.conftest import BASE, profile_from

URL = f"{BASE}/contacts"
ROWS = [
    {"id": "a", "lastModified": "2026-01-01T10:00:00Z"},
    {"id": "b", "lastModified": "2026-01-01T11:00:00Z"},
    {"id": "c", "lastModified": "2026-01-01T11:00:00Z"},
    {"id": "d", "lastModified": "2026-01-01T12:00:00+00:00"},
    {"id": "e", "lastModified": "2026-01-01T13:00:00Z"},
]


def contacts_profile(**incremental: Any) -> Any:
    return profile_from(
        {
            "contacts": {
                "path": "/contacts",
                "pagination": {"kind": "page_number", "page_size": 2},
                "incremental": {
                    "param": "updated_since",
                    "cursor_field": "lastModified",
                    **incremental,
                },
                "batch_size": 3,
            }
        }
    )


def serve_rows(rows: list[dict[str, Any]], seen: list[dict[str, str]] | None = None) -> None:
    """Pages of 2 of the rows changed at or after updated_since (inclusive, like many APIs)."""

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        q = {k: v[0] for k, v in parse_qs(urlsplit(request.url or "").query).items()}
        if seen is not None:
            seen.append(q)
        since = q.get("updated_since")
        chosen = [
            r for r in rows if since is None or r["lastModified"].replace("+00:00", "Z") >= since
        ]
        page = int(q["page"])
        return 200, {}, json.dumps(chosen[(page - 1) * 2 : page * 2])

    responses.add_callback(responses.GET, URL, callback=callback)


def read(connector: Connector, **kwargs: Any) -> list[Batch]:
    assert connector.source is not None
    return list(connector.source.read("contacts", **kwargs))


@responses.activate
def test_batches_have_batch_size_records_across_pages(connect: Callable[..., Connector]) -> None:
    serve_rows(ROWS)
    batches = read(connect(contacts_profile()))
    assert [[r["id"] for r in b.records] for b in batches] == [["a", "b", "c"], ["d", "e"]]
    assert batches[0].cursor == {
        "field": "lastModified",
        "value": "2026-01-01T11:00:00Z",
        "id": "c",
    }
    assert batches[1].cursor == {
        "field": "lastModified",
        "value": "2026-01-01T13:00:00Z",
        "id": "e",
    }


@responses.activate
def test_batch_size_argument_overrides_the_profile(connect: Callable[..., Connector]) -> None:
    serve_rows(ROWS)
    batches = read(connect(contacts_profile()), batch_size=2)
    assert [len(b) for b in batches] == [2, 2, 1]


@responses.activate
def test_resuming_from_a_cursor_skips_what_was_delivered_but_keeps_ties(
    connect: Callable[..., Connector],
) -> None:
    seen: list[dict[str, str]] = []
    serve_rows(ROWS, seen)
    since = {"field": "lastModified", "value": "2026-01-01T11:00:00Z", "id": "b"}
    batches = read(connect(contacts_profile()), since=since)
    assert [r["id"] for b in batches for r in b.records] == ["c", "d", "e"]
    assert seen[0]["updated_since"] == "2026-01-01T11:00:00Z"
    assert batches[-1].cursor is not None
    assert batches[-1].cursor["id"] == "e"


@responses.activate
def test_nothing_new_yields_nothing(connect: Callable[..., Connector]) -> None:
    serve_rows(ROWS)
    since = {"field": "lastModified", "value": "2026-01-01T13:00:00Z", "id": "e"}
    assert read(connect(contacts_profile()), since=since) == []


@responses.activate
def test_epoch_ms_cursor(connect: Callable[..., Connector]) -> None:
    rows = [{"id": 2, "ts": 1_700_000_000_500}, {"id": 10, "ts": 1_700_000_000_900}]
    responses.get(URL, json=rows)
    profile = profile_from(
        {
            "contacts": {
                "path": "/contacts",
                "incremental": {"param": "since", "cursor_field": "ts", "format": "epoch_ms"},
            }
        }
    )
    [batch] = read(connect(profile), since={"value": 1_700_000_000_500, "id": 1})
    assert [r["id"] for r in batch.records] == [2, 10]
    assert batch.cursor == {"field": "ts", "value": 1_700_000_000_900, "id": 10}


@responses.activate
def test_unsorted_entity_only_moves_the_cursor_at_the_end(
    connect: Callable[..., Connector],
) -> None:
    serve_rows(list(reversed(ROWS)))
    batches = read(connect(contacts_profile(sorted=False)))
    assert batches[0].cursor is None  # an older record may still come later
    assert batches[-1].cursor is not None
    assert batches[-1].cursor["id"] == "e"


@responses.activate
def test_read_streams_page_by_page(connect: Callable[..., Connector]) -> None:
    serve_rows(ROWS)
    connector = connect(contacts_profile())
    assert connector.source is not None
    stream = connector.source.read("contacts", batch_size=1)
    first = next(stream)
    assert [r["id"] for r in first.records] == ["a"]
    assert len(responses.calls) == 1  # later pages are not fetched before they are needed


@responses.activate
def test_record_without_cursor_field_is_a_contract_error(connect: Callable[..., Connector]) -> None:
    responses.get(URL, json=[{"id": "x"}])
    with pytest.raises(ContractError, match="lastModified"):
        read(connect(contacts_profile()))


def test_rest_source_is_a_source(connect: Callable[..., Connector]) -> None:
    assert isinstance(connect(contacts_profile()).source, Source)
