"""Detect the standard of each interchange in a file and dispatch to its reader.

A reader is a module with ``read_interchange(text, start, seg_offset) -> Interchange``:
it reads one interchange beginning at character ``start`` of ``text``, numbers its
segments from ``seg_offset + 1``, sets ``span`` to the character range [start, end) it
consumed and ``segment_count``, records envelope problems in ``errors`` and raises only
EdiError. X12: connectors.edi.x12.reader; EDIFACT: connectors.edi.edifact.reader.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from connectors.edi.core.errors import Code, EdiSyntaxError
from connectors.edi.core.model import Interchange

Reader = Callable[[str, int, int], Interchange]

READERS = {
    "x12": "connectors.edi.x12.reader",
    "edifact": "connectors.edi.edifact.reader",
}

_WHITESPACE = " \t\r\n\x00\ufeff"


def decode(data: bytes | str) -> str:
    """Bytes to text: UTF-8 when valid, else Latin-1 (every byte maps to one character)."""
    return _decode(data)[0]


def _decode(data: bytes | str) -> tuple[str, str]:
    if isinstance(data, str):
        return data, "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def detect_standard(text: str, start: int = 0) -> str | None:
    """ "x12" for ISA, "edifact" for UNA/UNB at ``start``, else None."""
    head = text[start : start + 3]
    if head == "ISA":
        return "x12"
    if head in ("UNA", "UNB"):
        return "edifact"
    return None


def get_reader(standard: str) -> Reader:
    """The read_interchange function of a standard's reader module."""
    try:
        module = importlib.import_module(READERS[standard])
    except (KeyError, ImportError) as exc:
        raise EdiSyntaxError(f"no reader available for {standard}", code=Code.SYNTAX) from exc
    return cast(Reader, module.read_interchange)


def _skip_space(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def parse_file(data: bytes | str) -> list[Interchange]:
    """Every interchange in a file (X12 and EDIFACT may be mixed), in order."""
    text, encoding = _decode(data)
    ascii_only = text.isascii()
    out: list[Interchange] = []
    pos = _skip_space(text, 0)
    seg_offset = 0
    if pos >= len(text):
        raise EdiSyntaxError("file holds no EDI interchange", code=Code.NO_ENVELOPE)
    while pos < len(text):
        standard = detect_standard(text, pos)
        if standard is None:
            raise EdiSyntaxError(
                f"expected an ISA, UNA or UNB interchange header at character {pos}, "
                f"found {text[pos : pos + 10]!r}",
                code=Code.NO_ENVELOPE,
                position=seg_offset + 1,
            )
        interchange = get_reader(standard)(text, pos, seg_offset)
        start, end = interchange.span
        if end <= pos:
            raise EdiSyntaxError("reader consumed nothing", code=Code.SYNTAX)
        if not ascii_only and isinstance(data, bytes):
            interchange.span = (
                len(text[:start].encode(encoding)),
                len(text[:end].encode(encoding)),
            )
        seg_offset += interchange.segment_count
        out.append(interchange)
        pos = _skip_space(text, end)
    return out
