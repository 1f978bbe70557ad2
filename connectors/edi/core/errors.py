"""EDI errors: the only exception type that may escape reading, and the validation results.

* EdiError                 - anything wrong with EDI data (raised, or returned as a result)
  * EdiSyntaxError         - the data cannot be tokenised (no envelope, bad separators)
  * EdiEnvelopeError       - interchange / group / message envelope checks failed
  * EdiValidationError     - content does not match the specification

Positions: ``position`` is the 1-based segment index within the file, ``tx_position`` the
1-based index within the transaction (ST/UNH is 1), ``element`` and ``component`` are
1-based. ``code`` is a machine code from `Code`; x12/edifact map it onto 997 AK3/AK4/AK5/AK9,
TA1, or CONTRL UCI/UCM/UCS/UCD codes. ``severity`` is "error" or "warning".
"""

from __future__ import annotations

from typing import Any


class Code:
    """Machine error codes shared by X12 and EDIFACT (values are stable strings)."""

    # syntax / tokenising
    SYNTAX = "syntax.invalid"
    NO_ENVELOPE = "syntax.no_envelope"
    BAD_SEPARATORS = "syntax.bad_separators"
    TRUNCATED = "syntax.truncated"
    # interchange envelope (ISA/IEA, UNB/UNZ)
    INTERCHANGE_HEADER = "interchange.bad_header"
    INTERCHANGE_TRAILER_MISSING = "interchange.trailer_missing"
    INTERCHANGE_CONTROL_MISMATCH = "interchange.control_mismatch"
    INTERCHANGE_COUNT_MISMATCH = "interchange.count_mismatch"
    INTERCHANGE_BAD_DATE = "interchange.bad_date"
    INTERCHANGE_BAD_TIME = "interchange.bad_time"
    INTERCHANGE_BAD_VERSION = "interchange.bad_version"
    INTERCHANGE_BAD_CONTROL = "interchange.bad_control_number"
    # functional group (GS/GE, UNG/UNE)
    GROUP_HEADER = "group.bad_header"
    GROUP_TRAILER_MISSING = "group.trailer_missing"
    GROUP_CONTROL_MISMATCH = "group.control_mismatch"
    GROUP_COUNT_MISMATCH = "group.count_mismatch"
    GROUP_NOT_SUPPORTED = "group.not_supported"
    GROUP_VERSION_NOT_SUPPORTED = "group.version_not_supported"
    # transaction / message (ST/SE, UNH/UNT)
    TX_NOT_SUPPORTED = "tx.not_supported"
    TX_TRAILER_MISSING = "tx.trailer_missing"
    TX_CONTROL_MISMATCH = "tx.control_mismatch"
    TX_COUNT_MISMATCH = "tx.count_mismatch"
    TX_NO_SPEC = "tx.no_specification"
    TX_OUTSIDE_ENVELOPE = "tx.outside_envelope"
    # segments
    SEGMENT_UNKNOWN = "segment.unknown"
    SEGMENT_UNEXPECTED = "segment.unexpected"
    SEGMENT_MISSING = "segment.missing"
    SEGMENT_TOO_MANY = "segment.too_many"
    LOOP_TOO_MANY = "loop.too_many"
    SEGMENT_NOT_IN_TX = "segment.not_in_transaction"
    SEGMENT_OUT_OF_ORDER = "segment.out_of_order"
    # elements
    ELEMENT_MISSING = "element.missing"
    ELEMENT_CONDITIONAL_MISSING = "element.conditional_missing"
    ELEMENT_TOO_MANY = "element.too_many"
    ELEMENT_TOO_SHORT = "element.too_short"
    ELEMENT_TOO_LONG = "element.too_long"
    ELEMENT_BAD_CHAR = "element.bad_character"
    ELEMENT_BAD_CODE = "element.bad_code"
    ELEMENT_BAD_DATE = "element.bad_date"
    ELEMENT_BAD_TIME = "element.bad_time"
    ELEMENT_EXCLUSION = "element.exclusion_violated"
    ELEMENT_TOO_MANY_REPEATS = "element.too_many_repeats"
    COMPONENT_TOO_MANY = "component.too_many"


class EdiError(Exception):
    """Something is wrong with EDI data; carries where (positions) and what (code)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = Code.SYNTAX,
        position: int | None = None,
        tx_position: int | None = None,
        segment_id: str | None = None,
        element: int | None = None,
        component: int | None = None,
        severity: str = "error",
        ref: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.position = position
        self.tx_position = tx_position
        self.segment_id = segment_id
        self.element = element
        self.component = component
        self.severity = severity
        self.ref = ref  # data element reference number (X12 "373", EDIFACT "2380")
        self.value = value  # offending value (copied into AK4-4 / UCD when short)

    @property
    def is_warning(self) -> bool:
        """True when the result does not make the document unacceptable."""
        return self.severity == "warning"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form used by inspection output."""
        out: dict[str, Any] = {
            "kind": type(self).__name__,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }
        for name in ("position", "tx_position", "segment_id", "element", "component", "ref"):
            val = getattr(self, name)
            if val is not None:
                out[name] = val
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, position={self.position})"


class EdiSyntaxError(EdiError):
    """The data cannot be tokenised into segments."""


class EdiEnvelopeError(EdiError):
    """An interchange, group or transaction envelope check failed."""


class EdiValidationError(EdiError):
    """A transaction's content does not match its specification."""
