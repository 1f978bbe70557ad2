"""EDIFACT error helpers: building core errors and mapping their codes onto CONTRL 0085."""

from __future__ import annotations

from connectors.edi.core.errors import Code, EdiEnvelopeError, EdiError, EdiSyntaxError

# Core machine code -> UN/EDIFACT 0085 "syntax error, coded" used in UCI/UCM/UCS/UCD.
SYNTAX_ERROR_CODES: dict[str, str] = {
    Code.SYNTAX: "18",  # unspecified error
    Code.NO_ENVELOPE: "13",  # missing
    Code.BAD_SEPARATORS: "20",  # character invalid as service character
    Code.TRUNCATED: "13",
    Code.INTERCHANGE_HEADER: "12",  # invalid value
    Code.INTERCHANGE_TRAILER_MISSING: "13",
    Code.INTERCHANGE_CONTROL_MISMATCH: "28",  # references do not match
    Code.INTERCHANGE_COUNT_MISMATCH: "29",  # control count does not match
    Code.INTERCHANGE_BAD_DATE: "12",
    Code.INTERCHANGE_BAD_TIME: "12",
    Code.INTERCHANGE_BAD_VERSION: "2",  # syntax version or level not supported
    Code.INTERCHANGE_BAD_CONTROL: "12",
    Code.GROUP_HEADER: "12",
    Code.GROUP_TRAILER_MISSING: "13",
    Code.GROUP_CONTROL_MISMATCH: "28",
    Code.GROUP_COUNT_MISMATCH: "29",
    Code.GROUP_NOT_SUPPORTED: "30",  # functional groups and messages mixed
    Code.GROUP_VERSION_NOT_SUPPORTED: "2",
    Code.TX_NOT_SUPPORTED: "14",  # value not supported in this position
    Code.TX_TRAILER_MISSING: "13",
    Code.TX_CONTROL_MISMATCH: "28",
    Code.TX_COUNT_MISMATCH: "29",
    Code.TX_OUTSIDE_ENVELOPE: "33",  # invalid occurrence outside message or group
    Code.SEGMENT_UNKNOWN: "15",  # not supported in this position
    Code.SEGMENT_UNEXPECTED: "15",
    Code.SEGMENT_MISSING: "13",
    Code.SEGMENT_TOO_MANY: "35",  # too many repetitions
    Code.LOOP_TOO_MANY: "36",  # too many segment group repetitions
    Code.SEGMENT_NOT_IN_TX: "33",
    Code.SEGMENT_OUT_OF_ORDER: "15",
    Code.ELEMENT_MISSING: "13",
    Code.ELEMENT_CONDITIONAL_MISSING: "13",
    Code.ELEMENT_TOO_MANY: "16",  # too many constituents
    Code.ELEMENT_TOO_SHORT: "40",
    Code.ELEMENT_TOO_LONG: "39",
    Code.ELEMENT_BAD_CHAR: "37",  # invalid type of characters
    Code.ELEMENT_BAD_CODE: "12",
    Code.ELEMENT_BAD_DATE: "12",
    Code.ELEMENT_BAD_TIME: "12",
    Code.ELEMENT_EXCLUSION: "12",
    Code.ELEMENT_TOO_MANY_REPEATS: "35",
    Code.COMPONENT_TOO_MANY: "16",
}


def contrl_code(error: EdiError) -> str:
    """The 0085 syntax error code for ``error`` ("18", unspecified, when none fits)."""
    return SYNTAX_ERROR_CODES.get(error.code, "18")


def syntax_error(
    message: str,
    position: int | None = None,
    segment_id: str | None = None,
    *,
    code: str = Code.SYNTAX,
) -> EdiSyntaxError:
    """An EdiSyntaxError raised while tokenising."""
    return EdiSyntaxError(message, code=code, position=position, segment_id=segment_id)


def envelope_error(
    message: str,
    code: str,
    position: int | None = None,
    segment_id: str | None = None,
    *,
    element: int | None = None,
    component: int | None = None,
    tx_position: int | None = None,
    ref: str | None = None,
    value: str | None = None,
) -> EdiEnvelopeError:
    """An EdiEnvelopeError found by the UNB/UNG/UNH checks."""
    return EdiEnvelopeError(
        message,
        code=code,
        position=position,
        segment_id=segment_id,
        element=element,
        component=component,
        tx_position=tx_position,
        ref=ref,
        value=value,
    )
