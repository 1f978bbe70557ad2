"""Shared pieces of X12 <-> canonical translation: options, values, parties, loops."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, ParamSpec, TypeVar

from pydantic import ValidationError

from connectors.edi.core.errors import EdiError, EdiValidationError
from connectors.edi.core.model import Element, Segment, Transaction

SegmentData = tuple[str, Sequence[Element]]
T = TypeVar("T")

TRANSLATION_ERROR = "translation.invalid"

# X12 unit (element 355) -> UN/ECE Recommendation 20
DEFAULT_UNITS_IN: Mapping[str, str] = {
    "EA": "EA", "PC": "H87", "CA": "CS", "CT": "CT", "BX": "BX", "KG": "KGM", "LB": "LBR",
    "DZ": "DZN", "GA": "GLL", "LT": "LTR", "MR": "MTR", "FT": "FOT", "PK": "PK", "RL": "RO",
    "PR": "PR", "ST": "SET", "BG": "BG", "UN": "C62",
}  # fmt: skip


@dataclass(frozen=True)
class PartnerOptions:
    """Partner-specific choices: ids, item and unit mappings (profiles come later)."""

    partner_system: str = "edi"  # ExternalRef.system for ids the partner assigned
    item_to_sku: Mapping[str, str] = field(default_factory=dict)  # partner item -> our sku
    units_in: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_UNITS_IN))
    units_out: Mapping[str, str] = field(default_factory=dict)  # Rec 20 -> X12 overrides
    default_currency: str = "USD"
    default_country: str = "US"
    order_status: str = "pending"  # status of an inbound 850 read as an Order
    purchase_order_status: str = "sent"

    @property
    def sku_to_item(self) -> dict[str, str]:
        """Our sku -> the partner's item id."""
        return {v: k for k, v in self.item_to_sku.items()}

    def unit_in(self, x12: str, seg: Segment | None = None) -> str:
        """X12 unit code to Rec 20."""
        if not x12:
            raise TranslationError("unit of measure missing", seg)
        return self.units_in.get(x12, x12)

    def unit_out(self, rec20: str) -> str:
        """Rec 20 unit code to X12."""
        if rec20 in self.units_out:
            return self.units_out[rec20]
        for x12, r in self.units_in.items():
            if r == rec20:
                return x12
        if len(rec20) == 2:
            return rec20
        raise TranslationError(f"no X12 unit code for {rec20!r}; add it to units_out", None)


class TranslationError(EdiValidationError):
    """A transaction could not be turned into (or built from) a canonical record."""

    def __init__(self, message: str, seg: Segment | None, element: int | None = None) -> None:
        super().__init__(
            message,
            code=TRANSLATION_ERROR,
            position=seg.position if seg is not None else None,
            segment_id=seg.tag if seg is not None else None,
            element=element,
        )


P = ParamSpec("P")


def edi_errors(reader: Callable[P, T]) -> Callable[P, T]:
    """Make a reader raise only EdiError, whatever the partner sent."""

    @functools.wraps(reader)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return reader(*args, **kwargs)
        except EdiError:
            raise
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "record"
            raise TranslationError(f"{where}: {first['msg']}", _header(args)) from None
        except (ValueError, ArithmeticError, IndexError, KeyError, TypeError) as exc:
            raise TranslationError(f"cannot translate: {exc}", _header(args)) from None

    return wrapper


def _header(args: tuple[Any, ...]) -> Segment | None:
    tx = next((a for a in args if isinstance(a, Transaction)), None)
    return tx.header if tx is not None else None


def build(model: Callable[..., T], data: Mapping[str, Any], tx: Transaction | None) -> T:
    """Construct a canonical model; its validation errors become a TranslationError."""
    try:
        return model(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise TranslationError(
            f"{getattr(model, '__name__', 'record')}: {where}: {first['msg']}",
            tx.header if tx is not None else None,
        ) from None


# --- values -----------------------------------------------------------------------------


def d8(value: date | None) -> str:
    """date -> CCYYMMDD ('' for None)."""
    return value.strftime("%Y%m%d") if value is not None else ""


def parse_d8(value: str, seg: Segment | None, element: int | None = None) -> date | None:
    """CCYYMMDD -> date (None for '')."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").replace(tzinfo=UTC).date()
    except ValueError:
        raise TranslationError(f"{value!r} is not a CCYYMMDD date", seg, element) from None


def parse_dt(d: str, t: str, seg: Segment | None) -> datetime:
    """CCYYMMDD + HHMM[SS] -> aware UTC datetime."""
    day = parse_d8(d, seg)
    if day is None:
        raise TranslationError("date missing", seg)
    digits = (t or "0000").ljust(6, "0")[:6]
    try:
        clock = time(int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise TranslationError(f"{t!r} is not a time", seg) from None
    return datetime.combine(day, clock, tzinfo=UTC)


def num(value: Decimal | int) -> str:
    """Decimal as X12 R text: plain notation, no exponent, no needless trailing zeros."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    text = format(d.normalize(), "f")
    return text


def dec(value: str, seg: Segment | None, element: int | None = None) -> Decimal:
    """X12 R text -> Decimal."""
    try:
        out = Decimal(value)
    except InvalidOperation:
        raise TranslationError(f"{value!r} is not a number", seg, element) from None
    if not out.is_finite():
        raise TranslationError(f"{value!r} is not a number", seg, element)
    return out


def n2(amount: Decimal) -> str:
    """Money as N2 (implied two decimals)."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise TranslationError(f"{amount} has more than 2 decimals; N2 cannot carry it", None)
    return str(int(cents))


def parse_n2(value: str, seg: Segment | None, element: int | None = None) -> Decimal:
    """N2 text -> Decimal with two decimals."""
    return dec(value, seg, element).scaleb(-2)


# --- loops ------------------------------------------------------------------------------


def split_loops(
    segments: Sequence[Segment], trigger: str
) -> tuple[list[Segment], list[list[Segment]]]:
    """(segments before the first ``trigger``, one list per loop starting at ``trigger``)."""
    head: list[Segment] = []
    loops: list[list[Segment]] = []
    for seg in segments:
        if seg.tag == trigger:
            loops.append([seg])
        elif loops:
            loops[-1].append(seg)
        else:
            head.append(seg)
    return head, loops


def cut_before(segments: Sequence[Segment], tags: set[str]) -> tuple[list[Segment], list[Segment]]:
    """Split at the first segment whose tag is in ``tags``."""
    for i, seg in enumerate(segments):
        if seg.tag in tags:
            return list(segments[:i]), list(segments[i:])
    return list(segments), []


def n1_loops(segments: Sequence[Segment], stop: set[str]) -> Iterator[list[Segment]]:
    """N1 loops (N1 N2 N3 N4 REF PER) found in ``segments``, ending at any tag in ``stop``."""
    current: list[Segment] | None = None
    for seg in segments:
        if seg.tag == "N1":
            if current:
                yield current
            current = [seg]
        elif current is not None and seg.tag in ("N2", "N3", "N4", "REF", "PER"):
            current.append(seg)
        elif current is not None and (seg.tag in stop or seg.tag not in ("N2", "N3", "N4")):
            yield current
            current = None
    if current:
        yield current


# --- item ids ---------------------------------------------------------------------------

GTIN_QUALIFIERS = ("UP", "EN", "UK", "UA")


def gtin_qualifier(gtin: str) -> str:
    """X12 235 qualifier for a GTIN by its length."""
    return {12: "UP", 13: "EN", 14: "UK"}.get(len(gtin), "UK")


def id_pairs(seg: Segment, first: int) -> dict[str, str]:
    """Qualifier -> id pairs of PO1/IT1/LIN starting at element ``first``."""
    out: dict[str, str] = {}
    i = first
    while i < len(seg.elements):
        q, v = seg.get(i), seg.get(i + 1)
        if q and v and q not in out:
            out[q] = v
        i += 2
    return out


def gtin_of(pairs: Mapping[str, str]) -> str | None:
    """First GTIN among the pairs."""
    for q in GTIN_QUALIFIERS:
        if q in pairs:
            return pairs[q]
    return None
