"""Standard-neutral EDI model: separators, segments, transactions, groups, interchanges."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from connectors.edi.core.errors import EdiError

# An element is a plain string, or a tuple of components when it is a composite.
Element = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Separators:
    """Delimiters of one interchange (X12: from ISA positions; EDIFACT: UNA or defaults)."""

    element: str = "*"
    component: str = ":"
    segment: str = "~"
    repetition: str | None = None
    release: str | None = None
    decimal: str = "."
    suffix: str = ""  # written after each segment terminator, e.g. "\n" or "\r\n"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "element": self.element,
            "component": self.component,
            "segment": self.segment,
            "repetition": self.repetition,
            "release": self.release,
            "decimal": self.decimal,
            "suffix": self.suffix,
        }


X12_DEFAULT_SEPARATORS = Separators("*", ">", "~", "^", None, ".", "\n")
EDIFACT_DEFAULT_SEPARATORS = Separators("+", ":", "'", "*", "?", ".", "")


class Segment:
    """One segment: tag, elements (str or tuple of components) and its 1-based file position."""

    __slots__ = ("elements", "position", "tag")

    def __init__(self, tag: str, elements: Sequence[Element], position: int = 0) -> None:
        self.tag = tag
        self.elements = elements
        self.position = position

    def __len__(self) -> int:
        return len(self.elements)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return self.tag == other.tag and list(self.elements) == list(other.elements)

    def __hash__(self) -> int:
        return hash((self.tag, tuple(self.elements)))

    def __repr__(self) -> str:
        return f"Segment({self.tag!r}, {list(self.elements)!r}, position={self.position})"

    def get(self, index: int, component: int | None = None) -> str:
        """Element ``index`` (1-based) as text ('' when absent); a composite gives component 1.

        With ``component`` (1-based) the component of a composite (or the plain element for
        component 1).
        """
        if index < 1 or index > len(self.elements):
            return ""
        value = self.elements[index - 1]
        if isinstance(value, tuple):
            pos = (component or 1) - 1
            return value[pos] if pos < len(value) else ""
        if component is None or component == 1:
            return value
        return ""

    def components(self, index: int) -> tuple[str, ...]:
        """Element ``index`` (1-based) as a tuple of components (a plain element is one)."""
        if index < 1 or index > len(self.elements):
            return ()
        value = self.elements[index - 1]
        return value if isinstance(value, tuple) else (value,)


class Transaction:
    """One transaction set (X12 ST..SE) or message (EDIFACT UNH..UNT).

    Readers may pass ``loader`` instead of ``segments``: the body is then split into
    Segment objects only when first used (validation has a fast path on ``raw_segments``,
    ``raw_text``: the text from header to trailer, each segment ended by the separators'
    segment terminator, without line breaks).
    """

    __slots__ = (
        "_loader",
        "_segments",
        "control_number",
        "errors",
        "header",
        "implementation",
        "raw_text",
        "separators",
        "trailer",
        "type",
        "version",
    )

    def __init__(
        self,
        type: str,  # "850", "ORDERS"
        control_number: str,
        version: str,  # "004010", "D96A"
        header: Segment,
        segments: list[Segment] | None = None,  # body: without header and trailer
        trailer: Segment | None = None,
        errors: list[EdiError] | None = None,  # envelope check results
        implementation: str = "",  # X12 ST03 / EDIFACT association code, when given
        *,
        loader: Callable[[], list[Segment]] | None = None,
        raw_text: str | None = None,
        separators: Separators | None = None,
    ) -> None:
        self.type = type
        self.control_number = control_number
        self.version = version
        self.header = header
        self._segments: list[Segment] | None = (
            segments if segments is not None else (None if loader is not None else [])
        )
        self._loader = loader
        self.trailer = trailer
        self.errors: list[EdiError] = errors if errors is not None else []
        self.implementation = implementation
        self.raw_text = raw_text
        self.separators = separators

    def __repr__(self) -> str:
        return f"Transaction({self.type!r}, {self.control_number!r}, version={self.version!r})"

    @property
    def segments(self) -> list[Segment]:
        """Body segments (between header and trailer)."""
        if self._segments is None:
            loader = self._loader
            self._segments = loader() if loader is not None else []
            self._loader = None
        return self._segments

    @segments.setter
    def segments(self, value: list[Segment]) -> None:
        self._segments = value
        self._loader = None
        self.raw_text = None  # the raw text no longer describes the body

    @property
    def segment_count(self) -> int:
        """Segments from header to trailer inclusive, as counted in SE01 / UNT."""
        if self._segments is None and self.raw_text is not None and self.separators:
            return self.raw_text.count(self.separators.segment)
        return len(self.segments) + 1 + (self.trailer is not None)

    @property
    def all_segments(self) -> list[Segment]:
        """Header, body and trailer in order."""
        out = [self.header, *self.segments]
        if self.trailer is not None:
            out.append(self.trailer)
        return out

    def find(self, tag: str) -> Iterator[Segment]:
        """Body segments with this tag."""
        return (s for s in self.segments if s.tag == tag)

    def first(self, tag: str) -> Segment | None:
        """First body segment with this tag, or None."""
        return next(self.find(tag), None)


@dataclass(slots=True, eq=False)
class Group:
    """A functional group (X12 GS..GE; EDIFACT UNG..UNE)."""

    functional_id: str  # GS01 "PO", "IN", ...
    sender: str
    receiver: str
    control_number: str
    version: str  # GS08 e.g. "004010", "004010VICS"
    date: str = ""
    time: str = ""
    agency: str = ""  # GS07 "X"
    header: Segment | None = None
    trailer: Segment | None = None
    transactions: list[Transaction] = field(default_factory=list)
    errors: list[EdiError] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Interchange:
    """An interchange (X12 ISA..IEA; EDIFACT UNB..UNZ)."""

    standard: str  # "x12" | "edifact"
    sender: str
    receiver: str
    control_number: str
    separators: Separators
    version: str  # ISA12 "00401"; EDIFACT syntax "UNOC:3"
    sender_qualifier: str = ""
    receiver_qualifier: str = ""
    date: str = ""
    time: str = ""
    test: bool = False
    header: Segment | None = None
    trailer: Segment | None = None
    groups: list[Group] = field(default_factory=list)
    direct_transactions: list[Transaction] = field(default_factory=list)  # EDIFACT, no UNG
    errors: list[EdiError] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)  # byte offsets [start, end) in the file
    # segments outside groups/messages that are not envelopes (X12 TA1), in order
    service_segments: list[Segment] = field(default_factory=list)
    segment_count: int = 0

    @property
    def transactions(self) -> list[Transaction]:
        """Every transaction, in groups or not, in file order."""
        out = list(self.direct_transactions)
        for group in self.groups:
            out.extend(group.transactions)
        return out
