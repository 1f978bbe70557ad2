"""UN/EDIFACT: tokenizer, envelopes, validation, CONTRL, inspection and translation.

Reading: `parse_interchanges(text)` (core.detect calls `read_interchange`); envelope
problems land in ``errors`` of the interchange, group or message. Checking:
`validate_interchange`. Acknowledging: `generate_contrl`; reading a partner's CONTRL:
`read_contrl` and `match_contrl`. Writing: `generate_interchange`. Translation to and from
the canonical model lives in `connectors.edi.edifact.translate`.
"""

from __future__ import annotations

from connectors.edi.edifact.contrl import acknowledge, build_contrl_body, generate_contrl
from connectors.edi.edifact.contrl_in import ContrlMatch, match_contrl, read_contrl
from connectors.edi.edifact.inspect import describe_interchange, inspect_text
from connectors.edi.edifact.reader import parse_interchanges, read_interchange
from connectors.edi.edifact.syntax import DEFAULT_CHARS, ServiceChars
from connectors.edi.edifact.validate import MessageResult, validate_interchange, validate_message
from connectors.edi.edifact.writer import (
    GroupOut,
    InterchangeOut,
    MessageOut,
    SegmentWriter,
    generate_interchange,
)

__all__ = [
    "DEFAULT_CHARS",
    "ContrlMatch",
    "GroupOut",
    "InterchangeOut",
    "MessageOut",
    "MessageResult",
    "SegmentWriter",
    "ServiceChars",
    "acknowledge",
    "build_contrl_body",
    "describe_interchange",
    "generate_contrl",
    "generate_interchange",
    "inspect_text",
    "match_contrl",
    "parse_interchanges",
    "read_contrl",
    "read_interchange",
    "validate_interchange",
    "validate_message",
]
