"""Read EDIFACT interchanges: the entry points core.detect and callers use."""

from __future__ import annotations

from connectors.edi.core.errors import Code, EdiSyntaxError
from connectors.edi.core.model import Interchange
from connectors.edi.edifact.envelope import build_interchange
from connectors.edi.edifact.tokenizer import read_raw, skip_blank


def read_interchange(text: str, start: int, seg_offset: int) -> Interchange:
    """The interchange beginning at character ``start``; segments numbered after seg_offset."""
    return build_interchange(read_raw(text, start, seg_offset + 1))


def parse_interchanges(text: str) -> list[Interchange]:
    """Every EDIFACT interchange in ``text``, with envelope problems in their ``errors``.

    Raises EdiSyntaxError only when the text cannot be tokenised at all (no UNA/UNB where
    an interchange should start, or an unusable UNA).
    """
    out: list[Interchange] = []
    pos = skip_blank(text, 0)
    if pos >= len(text):
        raise EdiSyntaxError("no EDIFACT data: the input is empty", code=Code.NO_ENVELOPE)
    seg_offset = 0
    while pos < len(text):
        interchange = read_interchange(text, pos, seg_offset)
        seg_offset += interchange.segment_count
        out.append(interchange)
        pos = skip_blank(text, interchange.span[1])
    return out
