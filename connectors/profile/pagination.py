"""Pagination kinds: how the pages of a list follow each other."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from connectors.profile.common import StrictModel

EPOCH = "1970-01-01T00:00:00+00:00"
"""Default 'changed since' of a first SOAP read."""


class NoPagination(StrictModel):
    """One request returns everything."""

    kind: Literal["none"] = "none"


class CursorBodyPagination(StrictModel):
    """An opaque cursor in the body is sent back as a query parameter for the next page."""

    kind: Literal["cursor_body"]
    cursor_param: str = Field("cursor", description="Query parameter for the cursor.")
    cursor_path: str = Field("next_cursor", description="Where the next cursor is in the body.")
    has_more_path: str | None = Field(None, description="Optional boolean 'more pages' flag.")
    page_size_param: str | None = Field(None, description="Query parameter for the page size.")
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")


class NextUrlBodyPagination(StrictModel):
    """The body holds the full URL of the next page."""

    kind: Literal["next_url_body"]
    next_url_path: str = Field("next", description="Where the next URL is in the body.")
    page_size_param: str | None = Field(None, description="Query parameter for the page size.")
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")


class LinkHeaderPagination(StrictModel):
    """An RFC 8288 ``Link`` header with ``rel="next"`` points at the next page."""

    kind: Literal["link_header"]
    rel: str = Field("next", description="Link relation of the next page.")
    page_size_param: str | None = Field(None, description="Query parameter for the page size.")
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")


class OffsetLimitPagination(StrictModel):
    """``offset`` and ``limit`` query parameters."""

    kind: Literal["offset_limit"]
    offset_param: str = Field("offset", description="Query parameter for the offset.")
    limit_param: str = Field("limit", description="Query parameter for the limit.")
    page_size: int = Field(100, ge=1, description="The limit sent with every request.")
    total_path: str | None = Field(None, description="Where the total record count is, if any.")


class PageNumberPagination(StrictModel):
    """Numbered pages."""

    kind: Literal["page_number"]
    page_param: str = Field("page", description="Query parameter for the page number.")
    page_size_param: str = Field("page_size", description="Query parameter for the page size.")
    page_size: int = Field(100, ge=1, description="Records per page to ask for.")
    start_page: int = Field(1, ge=0, description="Number of the first page (0 or 1).")
    total_pages_path: str | None = Field(None, description="Where the page count is, if any.")


class ContinuationTokenPagination(StrictModel):
    """SOAP: an opaque token in each answer is sent back in the next request.

    A first incremental read sends ``initial_since`` as the 'changed since' element.
    """

    kind: Literal["continuation_token"]
    token_element: str | None = Field(
        "ContinuationToken",
        description="Token element, in the response and sent back in the request; "
        "null means one call returns everything.",
    )
    page_size_element: str | None = Field(
        "MaxRecords", description="Request element for the page size; null to never send one."
    )
    page_size: int | None = Field(None, ge=1, description="Records per page to ask for.")
    initial_since: str = Field(
        EPOCH, description="'Changed since' value of a first read (no cursor yet)."
    )


Pagination = Annotated[
    NoPagination
    | CursorBodyPagination
    | NextUrlBodyPagination
    | LinkHeaderPagination
    | OffsetLimitPagination
    | PageNumberPagination
    | ContinuationTokenPagination,
    Field(discriminator="kind"),
]
