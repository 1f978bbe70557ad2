"""X12 tokenizer and envelope reader (ISA/IEA, GS/GE, ST/SE) with envelope checks.

Speed matters (10 MB files): the separators come from the ISA's fixed positions and the
interchange is cut with str.find / str.split; no per-character loops, no regexes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

from connectors.edi.core.errors import Code, EdiSyntaxError
from connectors.edi.core.model import Element, Group, Interchange, Segment, Separators, Transaction
from connectors.edi.x12.envelope import (
    check_iea,
    check_isa,
    close_group,
    env_error,
    start_group,
)

ISA_LENGTH = 106  # "ISA" .. ISA16 plus the segment terminator
ENVELOPE_TAGS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"})


def separators_of(text: str, start: int = 0) -> tuple[Separators, int, bool]:
    """Separators from the ISA at ``start``; also where the ISA ends and if it is fixed-width."""
    if text[start : start + 3] != "ISA" or len(text) < start + 4:
        raise EdiSyntaxError("no ISA segment", code=Code.NO_ENVELOPE, position=1)
    sep = text[start + 3]
    if sep.isalnum() or sep in " \r\n":
        raise EdiSyntaxError(
            f"invalid element separator {sep!r} in ISA", code=Code.BAD_SEPARATORS, position=1
        )
    pos = start + 3
    for _ in range(15):
        pos = text.find(sep, pos + 1)
        if pos < 0:
            raise EdiSyntaxError(
                "ISA segment is truncated (fewer than 16 elements)",
                code=Code.TRUNCATED,
                position=1,
                segment_id="ISA",
            )
    # pos is the separator before ISA16 (one character), then the terminator
    if len(text) < pos + 3:
        raise EdiSyntaxError(
            "ISA segment is truncated (no segment terminator)",
            code=Code.TRUNCATED,
            position=1,
            segment_id="ISA",
        )
    component = text[pos + 1]
    term = text[pos + 2]
    fixed = pos + 3 - start == ISA_LENGTH
    if term == "\r" and text[pos + 3 : pos + 4] == "\n":
        term, suffix = "\n", ""
        # "\r\n" as terminator: CRs are dropped before splitting
        return Separators(sep, component, "\n", None, None, ".", ""), pos + 4, fixed
    suffix = ""
    if term not in "\r\n":
        nxt = text[pos + 3 : pos + 5]
        suffix = "\r\n" if nxt == "\r\n" else ("\n" if nxt[:1] == "\n" else "")
    if term.isalnum() or term in (sep, component) or term == " ":
        raise EdiSyntaxError(
            f"invalid segment terminator {term!r} in ISA", code=Code.BAD_SEPARATORS, position=1
        )
    if component.isalnum() or component == sep:
        raise EdiSyntaxError(
            f"invalid component separator {component!r} in ISA",
            code=Code.BAD_SEPARATORS,
            position=1,
        )
    return Separators(sep, component, term, None, None, ".", suffix), pos + 3, fixed


def _find_end(text: str, start: int, seps: Separators) -> tuple[int, bool]:
    """End (exclusive) of the interchange at ``start`` and whether an IEA was found."""
    needle = "IEA" + seps.element
    term = seps.segment
    pos = start + 3
    while True:
        i = text.find(needle, pos)
        if i < 0:
            return len(text), False
        j = i - 1
        while j > start and text[j] in "\r\n" and term not in "\r\n":
            j -= 1
        if text[j] == term or (term == "\n" and text[j] == "\r"):
            k = text.find(term, i)
            if k < 0:
                return len(text), True
            k += 1
            if seps.suffix and text.startswith(seps.suffix, k):
                k += len(seps.suffix)
            return k, True
        pos = i + 1


def split_raw(body: str, seps: Separators) -> list[str]:
    """Raw segment texts of an interchange (line breaks dropped, empty pieces skipped)."""
    term = seps.segment
    if term not in "\r\n":
        if "\n" in body or "\r" in body:
            # wrapped files and "~\n" styles: line breaks are never data in X12
            body = body.replace("\r", "").replace("\n", "")
    elif "\r" in body:
        body = body.replace("\r", "")
    raws = body.split(term)
    if "" in raws:
        raws = [r for r in raws if r]
    return raws


def materialize(
    raws: Sequence[str], first: int, stop: int, seps: Separators, position: int
) -> list[Segment]:
    """Segments for raws[first:stop], numbered from ``position``."""
    sep = seps.element
    comp = seps.component
    out: list[Segment] = []
    append = out.append
    for i in range(first, stop):
        raw = raws[i]
        parts = raw.split(sep)
        if comp in raw and parts[0] != "ISA":
            elems: list[Element] = [tuple(p.split(comp)) if comp in p else p for p in parts[1:]]
            append(Segment(parts[0], elems, position))
        else:
            tag = parts[0]
            del parts[0]
            append(Segment(tag, parts, position))
        position += 1
    return out


def tokenize(body: str, seps: Separators, seg_offset: int = 0) -> list[Segment]:
    """Split an X12 interchange's text into Segments numbered from ``seg_offset + 1``."""
    raws = split_raw(body, seps)
    return materialize(raws, 0, len(raws), seps, seg_offset + 1)


def read_interchange(text: str, start: int = 0, seg_offset: int = 0) -> Interchange:
    """Read the X12 interchange at ``start``: envelopes built, envelope checks recorded."""
    seps, _isa_end, fixed = separators_of(text, start)
    end, has_iea = _find_end(text, start, seps)
    body = _normalise(text[start:end], seps)
    term = seps.segment
    isa_end = body.find(term)
    isa = materialize([body[:isa_end]], 0, 1, seps, seg_offset + 1)[0]
    isa11, isa12 = isa.get(11), isa.get(12)
    repetition = isa11 if isa12 >= "00402" and len(isa11) == 1 else None
    if (
        repetition is not None
        and not repetition.isalnum()
        and repetition
        not in (
            seps.element,
            seps.component,
            seps.segment,
        )
    ):
        seps = Separators(
            seps.element, seps.component, seps.segment, repetition, None, ".", seps.suffix
        )
    ic = Interchange(
        standard="x12",
        sender=isa.get(6).strip(),
        receiver=isa.get(8).strip(),
        control_number=isa.get(13),
        separators=seps,
        version=isa.get(12),
        sender_qualifier=isa.get(5).strip(),
        receiver_qualifier=isa.get(7).strip(),
        date=isa.get(9),
        time=isa.get(10),
        test=isa.get(15) == "T",
        header=isa,
        span=(start, end),
        segment_count=body.count(term),
    )
    ic.errors.extend(check_isa(isa, fixed))
    last = _Walk(ic, body, seps, seg_offset).run(isa_end)
    if not has_iea:
        ic.errors.append(
            env_error(
                "interchange has no IEA trailer (truncated file?)",
                Code.INTERCHANGE_TRAILER_MISSING,
                last,
            )
        )
    return ic


def _normalise(body: str, seps: Separators) -> str:
    """Interchange text without line breaks or empty segments, ending in a terminator."""
    term = seps.segment
    if term not in "\r\n":
        if "\n" in body or "\r" in body:
            # wrapped files and "~\n" styles: line breaks are never data in X12
            body = body.replace("\r", "").replace("\n", "")
    elif "\r" in body:
        body = body.replace("\r", "")
    if not body.endswith(term):
        body += term
    if term + term in body:
        body = term.join(r for r in body.split(term) if r) + term
    return body


_ENVELOPE_RE: dict[tuple[str, str], re.Pattern[str]] = {}


def _envelope_re(seps: Separators) -> re.Pattern[str]:
    key = (seps.segment, seps.element)
    rx = _ENVELOPE_RE.get(key)
    if rx is None:
        t, e = re.escape(seps.segment), re.escape(seps.element)
        rx = _ENVELOPE_RE[key] = re.compile(f"{t}(ST|SE|GS|GE|IEA|TA1|ISA){e}")
    return rx


class _Walk:
    """Envelope state while walking one interchange; bodies stay text until used."""

    __slots__ = ("body", "group", "ic", "offset", "seps", "tx", "tx_pos", "tx_start")

    def __init__(self, ic: Interchange, body: str, seps: Separators, offset: int) -> None:
        self.ic = ic
        self.body = body
        self.seps = seps
        self.offset = offset
        self.group: Group | None = None
        self.tx: Transaction | None = None
        self.tx_start = 0  # character offset of the open ST
        self.tx_pos = 0  # its segment position

    def seg_at(self, pos: int, position: int) -> tuple[Segment, int]:
        """Segment starting at character ``pos`` and the offset after its terminator."""
        end = self.body.find(self.seps.segment, pos)
        return materialize([self.body[pos:end]], 0, 1, self.seps, position)[0], end + 1

    def strays(self, start: int, stop: int, position: int) -> None:
        """Segments between envelopes and outside any transaction are errors."""
        if start >= stop:
            return
        raws = self.body[start:stop].split(self.seps.segment)[:-1]
        for seg in materialize(raws, 0, len(raws), self.seps, position):
            self.ic.errors.append(
                env_error(f"segment {seg.tag!r} outside a transaction set", Code.SYNTAX, seg)
            )

    def run(self, isa_end: int) -> Segment:
        body, term = self.body, self.seps.segment
        prev_end = isa_end + 1  # where the segment after the previous envelope one starts
        prev_pos = self.offset + 1  # segment position of the ISA
        last: Segment | None = None
        for match in _envelope_re(self.seps).finditer(body, isa_end):
            pos = match.start() + 1
            position = prev_pos + 1 + body.count(term, prev_end, pos)
            tag = match.group(1)
            if self.tx is None:
                self.strays(prev_end, pos, prev_pos + 1)
            seg, end = self.seg_at(pos, position)
            last = seg
            self.handle(tag, seg, pos, end, position)
            prev_end, prev_pos = end, position
        if prev_end < len(body):  # segments after the last envelope one
            tail = body.count(term, prev_end)
            if self.tx is None:
                self.strays(prev_end, len(body), prev_pos + 1)
            prev_pos += tail
        self.close_tx(len(body), prev_pos + 1, None)
        if last is None:
            last = self.ic.header or Segment("ISA", [], self.offset + 1)
        if self.group is not None:
            close_group(self.group, None, last)
        return last

    def handle(self, tag: str, seg: Segment, pos: int, end: int, position: int) -> None:
        ic = self.ic
        if tag == "SE":
            if self.tx is None:
                ic.errors.append(env_error("SE without ST", Code.SYNTAX, seg))
            else:
                self.close_tx(end, position, seg)
            return
        self.close_tx(pos, position, None)
        group = self.group
        if tag == "ST":
            self.open_tx(seg, pos, position)
        elif tag == "GS":
            if group is not None:
                close_group(group, None, seg)
            self.group = start_group(seg)
            ic.groups.append(self.group)
        elif tag == "GE":
            if group is None:
                ic.errors.append(env_error("GE without GS", Code.GROUP_HEADER, seg))
            else:
                close_group(group, seg, seg)
                self.group = None
        elif tag == "IEA":
            if group is not None:
                close_group(group, None, seg)
                self.group = None
            ic.trailer = seg
            check_iea(ic, seg)
        else:
            if tag == "ISA":
                ic.errors.append(
                    env_error("ISA inside an interchange", Code.INTERCHANGE_HEADER, seg)
                )
            ic.service_segments.append(seg)

    def open_tx(self, st: Segment, pos: int, position: int) -> None:
        group = self.group
        tx = Transaction(
            type=st.get(1),
            control_number=st.get(2),
            version=group.version if group is not None else "",
            header=st,
            implementation=st.get(3),
            separators=self.seps,
        )
        self.tx, self.tx_start, self.tx_pos = tx, pos, position
        if group is None:
            tx.errors.append(
                env_error("ST outside a functional group (no GS)", Code.TX_OUTSIDE_ENVELOPE, st)
            )
            self.ic.direct_transactions.append(tx)
        else:
            group.transactions.append(tx)

    def close_tx(self, stop: int, position: int, se: Segment | None) -> None:
        """Close the open transaction at character ``stop`` (after SE, or where the next
        envelope segment starts); ``position`` is the SE's (or next segment's) position."""
        tx = self.tx
        if tx is None:
            return
        self.tx = None
        term = self.seps.segment
        raw = self.body[self.tx_start : stop]
        tx.raw_text = raw
        body_start = raw.find(term) + 1
        body_stop = raw.rfind(term, 0, len(raw) - 1) + 1 if se is not None else len(raw)
        tx._segments = None
        tx._loader = partial(_load_body, raw[body_start:body_stop], self.seps, self.tx_pos + 1)
        if se is None:
            tx.errors.append(
                env_error(
                    f"transaction {tx.control_number} has no SE trailer",
                    Code.TX_TRAILER_MISSING,
                    tx.header,
                )
            )
            return
        tx.trailer = se
        count = position - self.tx_pos + 1
        if se.get(1) != str(count):
            tx.errors.append(
                env_error(
                    f"SE01 says {se.get(1)!r} segments, transaction has {count}",
                    Code.TX_COUNT_MISMATCH,
                    se,
                    1,
                )
            )
        if se.get(2) != tx.control_number:
            tx.errors.append(
                env_error(
                    f"SE02 {se.get(2)!r} does not match ST02 {tx.control_number!r}",
                    Code.TX_CONTROL_MISMATCH,
                    se,
                    2,
                )
            )


def _load_body(text: str, seps: Separators, position: int) -> list[Segment]:
    raws = text.split(seps.segment)
    if raws and not raws[-1]:
        raws.pop()
    return materialize(raws, 0, len(raws), seps, position)
