"""Validate EDIFACT messages: core spec engine plus DTM date/format checks."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from connectors.edi.core.errors import Code, EdiError, EdiValidationError
from connectors.edi.core.model import Element, Interchange, Segment, Transaction
from connectors.edi.core.spec import (
    SegmentSpec,
    TransactionSpec,
    Validator,
    load_spec,
    no_spec_warning,
)

# CONTRL's layout belongs to the syntax, not a directory: answer any CONTRL with this one.
_CONTRL_VERSION = "D96A"

# 2379 date/time format -> (length, pattern of date parts) understood by _date_ok.
_FORMATS: dict[str, tuple[int, str]] = {
    "101": (6, "YYMMDD"),
    "102": (8, "CCYYMMDD"),
    "201": (10, "YYMMDDHHMM"),
    "203": (12, "CCYYMMDDHHMM"),
    "204": (14, "CCYYMMDDHHMMSS"),
    "718": (17, "CCYYMMDD-CCYYMMDD"),
}
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(slots=True)
class MessageResult:
    """One message with every problem found in it (envelope and content)."""

    message: Transaction
    errors: list[EdiError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing worse than a warning was found."""
        return not any(not e.is_warning for e in self.errors)


_CLEAN_CACHE_SIZE = 50_000


class _CachingValidator(Validator):
    """Validator that remembers segments found clean, so repeated ones cost one lookup.

    An element check depends only on the segment's tag and elements (the spec and the
    decimal mark are fixed per instance), so a clean result can be reused at any position.
    """

    def __init__(self, spec: TransactionSpec, *, decimal: str = ".") -> None:
        super().__init__(spec, decimal=decimal)
        self._clean: set[tuple[str, tuple[Element, ...]]] = set()

    def check_segment(
        self, sspec: SegmentSpec, seg: Segment, txpos: int, errors: list[EdiError]
    ) -> None:
        elements = seg.elements
        key = (seg.tag, elements if type(elements) is tuple else tuple(elements))
        if key in self._clean:
            return
        before = len(errors)
        super().check_segment(sspec, seg, txpos, errors)
        if len(errors) == before and len(self._clean) < _CLEAN_CACHE_SIZE:
            self._clean.add(key)


@functools.lru_cache(maxsize=64)
def _validator(version: str, message_type: str, decimal: str) -> Validator | None:
    # A Validator keeps no state between runs, so one per spec and decimal mark is enough.
    spec = load_spec("edifact", version, message_type)
    return None if spec is None else _CachingValidator(spec, decimal=decimal)


def reset_caches() -> None:
    """Forget cached validators and their clean segments (benchmarks measure cold runs)."""
    _validator.cache_clear()


def spec_version(message: Transaction) -> str:
    """The directory whose specification checks ``message`` (CONTRL: the D.96A one)."""
    return _CONTRL_VERSION if message.type == "CONTRL" else message.version


def validate_message(message: Transaction, decimal: str = ".") -> list[EdiError]:
    """Content errors of one message against its D.96A spec (a warning when none exists)."""
    version = spec_version(message)
    validator = _validator(version, message.type, decimal)
    if validator is None:
        return [no_spec_warning("edifact", message.version, message.type, message)]
    segments = message.all_segments
    errors = validator.run(segments)
    if message.implementation:
        errors.append(
            EdiValidationError(
                f"no specification for the {message.implementation} subset of "
                f"{message.type}; checked against UN/EDIFACT {version} {message.type}",
                code=Code.TX_NO_SPEC,
                position=message.header.position,
                tx_position=1,
                segment_id="UNH",
                severity="warning",
            )
        )
    for index, segment in enumerate(segments, 1):
        if segment.tag == "DTM":
            problem = _dtm_problem(segment, index)
            if problem is not None:
                errors.append(problem)
    errors.sort(key=lambda e: (e.tx_position or 0, e.element or 0, e.component or 0))
    return errors


def validate_interchange(interchange: Interchange) -> list[MessageResult]:
    """Every message of an interchange with its envelope and content errors, in order."""
    decimal = interchange.separators.decimal
    return [
        MessageResult(message, [*message.errors, *validate_message(message, decimal)])
        for message in interchange.transactions
    ]


def _dtm_problem(segment: Segment, tx_position: int) -> EdiError | None:
    value = segment.get(1, 2)
    if not value:
        return None
    fmt = segment.get(1, 3) or "102"
    expected = _FORMATS.get(fmt)
    if expected is None:
        return None  # an unknown format code is reported by the code list check
    length, pattern = expected
    if len(value) == length and _date_ok(value, pattern):
        return None
    return EdiValidationError(
        f"DTM01-2 (Date/time/period): {value[:35]!r} is not a valid {pattern} value (format {fmt})",
        code=Code.ELEMENT_BAD_DATE,
        position=segment.position,
        tx_position=tx_position,
        segment_id="DTM",
        element=1,
        component=2,
        ref="2380",
        value=value[:35],
    )


def _date_ok(value: str, pattern: str) -> bool:
    if pattern.startswith("CCYYMMDD-"):
        left, _, right = value.partition("-")
        return _date_ok(left, "CCYYMMDD") and _date_ok(right, "CCYYMMDD")
    if not value.isascii() or not value.isdigit():
        return False
    if pattern.startswith("YY"):
        value = "20" + value
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:8])
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if month == 2 and day == 29 and not leap:
        return False
    clock = value[8:]
    if clock and (int(clock[:2]) > 23 or int(clock[2:4]) > 59):
        return False
    return not (len(clock) == 6 and int(clock[4:6]) > 59)
