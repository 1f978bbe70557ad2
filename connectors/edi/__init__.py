"""EDI translator: X12 and EDIFACT reading, validation, translation and acknowledgements."""

from __future__ import annotations

from connectors.edi.core.detect import parse_file
from connectors.edi.core.errors import (
    EdiEnvelopeError,
    EdiError,
    EdiSyntaxError,
    EdiValidationError,
)
from connectors.edi.core.model import Group, Interchange, Segment, Separators, Transaction

__all__ = [
    "EdiEnvelopeError",
    "EdiError",
    "EdiSyntaxError",
    "EdiValidationError",
    "Group",
    "Interchange",
    "Segment",
    "Separators",
    "Transaction",
    "parse_file",
]
