"""Splitting the values of an ``IN (...)`` query into statements of bounded size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

# Keeps the bound parameters per statement well under SQLite's limit.
CHUNK = 400


def chunks(values: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    """Sorted distinct values in lists of at most `size`."""
    iterator = iter(sorted(set(values)))
    while chunk := list(islice(iterator, size)):
        yield chunk
