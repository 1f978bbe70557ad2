"""Write EDIFACT: escaping, segments, and interchanges whose envelopes are right by construction.

Control references are passed in by the caller (the state store allocates them); the
writer counts segments (UNT), messages (UNE) and messages or groups (UNZ) itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from connectors.edi.core.errors import Code, EdiError
from connectors.edi.edifact.syntax import DEFAULT_CHARS, ServiceChars

# A value to write: text, a composite (sequence of components), or None for "empty".
OutComponent = str | None
OutElement = str | Sequence[OutComponent] | None
OutSegment = tuple[str, Sequence[OutElement]]


@dataclass(frozen=True, slots=True)
class MessageOut:
    """A message to write: reference, identifier and body (without UNH/UNT)."""

    reference: str
    type: str
    body: Sequence[OutSegment]
    version: str = "D"
    release: str = "96A"
    agency: str = "UN"
    association: str = ""


@dataclass(frozen=True, slots=True)
class GroupOut:
    """A UNG/UNE functional group to write around some messages."""

    reference: str
    functional_id: str
    sender: str
    receiver: str
    messages: Sequence[MessageOut]
    sender_qualifier: str = ""
    receiver_qualifier: str = ""
    version: str = "D"
    release: str = "96A"
    agency: str = "UN"


@dataclass(frozen=True, slots=True)
class InterchangeOut:
    """Everything the UNB/UNZ envelope needs; references come from the caller."""

    sender: str
    receiver: str
    control_reference: str
    messages: Sequence[MessageOut] = ()
    groups: Sequence[GroupOut] = ()
    sender_qualifier: str = ""
    receiver_qualifier: str = ""
    syntax: str = "UNOC"
    syntax_version: str = "3"
    prepared: datetime | None = None
    application_reference: str = ""
    ack_request: bool = False
    test: bool = False
    chars: ServiceChars = DEFAULT_CHARS
    una: bool = True
    suffix: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class SegmentWriter:
    """Turns (tag, elements) into text with one interchange's service characters."""

    def __init__(self, chars: ServiceChars = DEFAULT_CHARS, suffix: str = "") -> None:
        problem = chars.problem()
        if problem is not None:
            raise EdiError(
                f"cannot write with these separators: {problem}", code=Code.BAD_SEPARATORS
            )
        self.chars = chars
        self.suffix = suffix
        self._specials = chars.specials()
        self._end = chars.terminator + suffix

    def escape(self, value: str) -> str:
        """``value`` with every service character preceded by the release character."""
        rel = self.chars.release
        for char in self._specials:
            if char in value:
                value = value.replace(char, rel + char)
        return value

    def segment(self, tag: str, elements: Sequence[OutElement]) -> str:
        """One segment with its terminator; trailing empty elements and components dropped."""
        chars = self.chars
        parts: list[str] = []
        for element in elements:
            if element is None:
                parts.append("")
            elif isinstance(element, str):
                parts.append(self.escape(element))
            else:
                comps = [self.escape(c) if c else "" for c in element]
                while comps and not comps[-1]:
                    comps.pop()
                parts.append(chars.component.join(comps))
        while parts and not parts[-1]:
            parts.pop()
        if not parts:
            return tag + self._end
        return tag + chars.element + chars.element.join(parts) + self._end


def format_decimal(value: Decimal, chars: ServiceChars = DEFAULT_CHARS) -> str:
    """Plain decimal text (no exponent) with the interchange's decimal mark."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") if "." in text else text
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", chars.decimal) if chars.decimal != "." else text


def write_message(writer: SegmentWriter, message: MessageOut) -> list[str]:
    """UNH, body and UNT of one message as segment strings."""
    ident = [message.type, message.version, message.release, message.agency]
    if message.association:
        ident.append(message.association)
    out = [writer.segment("UNH", [message.reference, ident])]
    out.extend(writer.segment(tag, elements) for tag, elements in message.body)
    out.append(writer.segment("UNT", [str(len(out) + 1), message.reference]))
    return out


def generate_interchange(spec: InterchangeOut) -> str:
    """The complete interchange text (UNA when asked, UNB .. UNZ)."""
    if spec.messages and spec.groups:
        raise EdiError(
            "an interchange holds either groups or messages, not both",
            code=Code.GROUP_NOT_SUPPORTED,
        )
    writer = SegmentWriter(spec.chars, spec.suffix)
    prepared = (spec.prepared or datetime.now(UTC)).astimezone(UTC)
    date_fmt = "%Y%m%d" if spec.syntax_version == "4" else "%y%m%d"
    unb: list[OutElement] = [
        [spec.syntax, spec.syntax_version],
        [spec.sender, spec.sender_qualifier],
        [spec.receiver, spec.receiver_qualifier],
        [prepared.strftime(date_fmt), prepared.strftime("%H%M")],
        spec.control_reference,
        None,
        spec.application_reference or None,
        None,
        "1" if spec.ack_request else None,
        None,
        "1" if spec.test else None,
    ]
    lines: list[str] = [spec.chars.una() + spec.suffix] if spec.una else []
    lines.append(writer.segment("UNB", unb))
    for group in spec.groups:
        lines.append(
            writer.segment(
                "UNG",
                [
                    group.functional_id,
                    [group.sender, group.sender_qualifier],
                    [group.receiver, group.receiver_qualifier],
                    [prepared.strftime(date_fmt), prepared.strftime("%H%M")],
                    group.reference,
                    group.agency,
                    [group.version, group.release],
                ],
            )
        )
        for message in group.messages:
            lines.extend(write_message(writer, message))
        lines.append(writer.segment("UNE", [str(len(group.messages)), group.reference]))
    for message in spec.messages:
        lines.extend(write_message(writer, message))
    count = len(spec.groups) if spec.groups else len(spec.messages)
    lines.append(writer.segment("UNZ", [str(count), spec.control_reference]))
    return "".join(lines)


def segments_text(segments: Iterable[OutSegment], writer: SegmentWriter) -> str:
    """Several segments as text (used by tests and CONTRL)."""
    return "".join(writer.segment(tag, elements) for tag, elements in segments)
