"""EDIFACT envelopes: raw segments -> Interchange / Group / Transaction with envelope checks.

Envelope problems never raise: they are collected on the interchange, group or message
they belong to (``errors``), so a negative CONTRL can still be built for bad input.
"""

from __future__ import annotations

from connectors.edi.core.errors import Code, EdiError
from connectors.edi.core.model import Group, Interchange, Segment, Separators, Transaction
from connectors.edi.edifact.errors import envelope_error
from connectors.edi.edifact.headers import (
    check_group_trailer,
    check_interchange_trailer,
    check_message_trailer,
    group_from_ung,
    interchange_from_unb,
    message_from_unh,
)
from connectors.edi.edifact.tokenizer import RawInterchange

_SERVICE_END = frozenset({"UNH", "UNT", "UNG", "UNE", "UNZ"})


def separators_of(raw: RawInterchange) -> Separators:
    """The core Separators for a tokenised interchange."""
    chars = raw.chars
    return Separators(
        element=chars.element,
        component=chars.component,
        segment=chars.terminator,
        repetition=None if chars.repetition == " " else chars.repetition,
        release=chars.release,
        decimal=chars.decimal,
        suffix=raw.suffix,
    )


def build_interchange(raw: RawInterchange) -> Interchange:
    """The Interchange (with envelope check results) for one tokenised interchange."""
    return _Builder(raw).run()


class _Builder:
    """Walks one chunk's segments once, opening and closing envelopes."""

    def __init__(self, raw: RawInterchange) -> None:
        self.raw = raw
        self.segments = raw.segments
        self.index = 0
        self.separators = separators_of(raw)

    def _segment(self, index: int) -> Segment:
        tag, elements = self.segments[index]
        return Segment(tag, elements, self.raw.first_position + index)

    def run(self) -> Interchange:
        ich = self._interchange()
        while self.index < len(self.segments):
            seg = self._segment(self.index)
            ich.errors.append(
                envelope_error(
                    f"segment {seg.tag!r} after the UNZ trailer",
                    Code.TX_OUTSIDE_ENVELOPE,
                    seg.position,
                    seg.tag,
                )
            )
            self.index += 1
        ich.errors[:0] = [e for e in self.raw.problems if isinstance(e, EdiError)]
        ich.span = (self.raw.start, self.raw.end)
        ich.segment_count = len(self.segments)
        return ich

    def _interchange(self) -> Interchange:
        header = self._segment(self.index)
        ich = interchange_from_unb(header, self.separators)
        ich.header = header
        if header.tag != "UNB":
            ich.errors.append(
                envelope_error(
                    f"expected UNB, found {header.tag!r}",
                    Code.INTERCHANGE_HEADER,
                    header.position,
                    header.tag,
                )
            )
        self.index += 1
        while self.index < len(self.segments):
            tag = self.segments[self.index][0]
            if tag == "UNH":
                ich.direct_transactions.append(self._message(ich.errors))
            elif tag == "UNG":
                ich.groups.append(self._group())
            elif tag == "UNZ":
                ich.trailer = self._segment(self.index)
                self.index += 1
                break
            else:
                seg = self._segment(self.index)
                ich.errors.append(
                    envelope_error(
                        f"segment {tag!r} outside any message (UNH..UNT)",
                        Code.TX_OUTSIDE_ENVELOPE,
                        seg.position,
                        tag,
                    )
                )
                self.index += 1
        check_interchange_trailer(ich)
        return ich

    def _group(self) -> Group:
        header = self._segment(self.index)
        group = group_from_ung(header)
        self.index += 1
        while self.index < len(self.segments):
            tag = self.segments[self.index][0]
            if tag == "UNH":
                group.transactions.append(self._message(group.errors))
            elif tag == "UNE":
                group.trailer = self._segment(self.index)
                self.index += 1
                break
            elif tag in ("UNG", "UNZ"):
                break
            else:
                seg = self._segment(self.index)
                group.errors.append(
                    envelope_error(
                        f"segment {tag!r} outside any message (UNH..UNT)",
                        Code.TX_OUTSIDE_ENVELOPE,
                        seg.position,
                        tag,
                    )
                )
                self.index += 1
        check_group_trailer(group)
        return group

    def _message(self, outer_errors: list[EdiError]) -> Transaction:
        segments = self.segments
        start = self.index
        header = self._segment(start)
        message = message_from_unh(header)
        index = start + 1
        end = len(segments)
        first = self.raw.first_position
        body: list[Segment] = []
        append = body.append
        while index < end:
            tag, elements = segments[index]
            if tag in _SERVICE_END:
                break
            append(Segment(tag, elements, first + index))
            index += 1
        message.segments = body
        if index < end and segments[index][0] == "UNT":
            message.trailer = self._segment(index)
            index += 1
        self.index = index
        check_message_trailer(message)
        return message
