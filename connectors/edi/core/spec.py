"""Validation of transactions against specifications kept as data (YAML).

The file format is documented in connectors/edi/specs/README.md. `validate` walks one
transaction against its specification and returns EdiError results; it never raises for
content problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from connectors.edi.core.errors import Code, EdiError, EdiValidationError
from connectors.edi.core.fastpath import compiled
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.core.spec_model import (
    MANDATORY,
    SPECS_DIR,
    ElementSpec,
    LoopNode,
    Node,
    SegmentNode,
    SegmentSpec,
    TransactionSpec,
    available_specs,
    load_spec,
    parse_compact,
    spec_path,
)

__all__ = [
    "MANDATORY",
    "SPECS_DIR",
    "ElementSpec",
    "LoopNode",
    "Node",
    "SegmentNode",
    "SegmentSpec",
    "TransactionSpec",
    "Validator",
    "available_specs",
    "check_value",
    "load_spec",
    "no_spec_warning",
    "parse_compact",
    "spec_path",
    "validate",
]


def no_spec_warning(standard: str, version: str, transaction: str, tx: Transaction) -> EdiError:
    """The plain "no specification" warning: reading works, only envelopes were checked."""
    label = "X12" if standard.lower() == "x12" else standard.upper()
    return EdiValidationError(
        f"no specification for {label} {version} {transaction}; envelope checks only",
        code=Code.TX_NO_SPEC,
        position=tx.header.position,
        tx_position=1,
        segment_id=tx.header.tag,
        severity="warning",
    )


def validate(tx: Transaction, standard: str, *, decimal: str = ".") -> list[EdiError]:
    """Validate a transaction against its spec; a missing spec gives one warning."""
    spec = load_spec(standard.lower(), tx.version, tx.type)
    if spec is None:
        return [no_spec_warning(standard, tx.version, tx.type, tx)]
    seps = tx.separators
    if tx.raw_text is not None and seps is not None and not seps.release:
        rx = compiled(spec, seps.element, seps.component, seps.segment, decimal)
        if rx.fullmatch(tx.raw_text) is not None:
            return []
    return Validator(spec, decimal=decimal).run(tx.all_segments)


# --- validator engine -----------------------------------------------------------------


class _Frame:
    __slots__ = ("counts", "index", "loop", "nodes", "pos")

    def __init__(self, nodes: tuple[Node, ...], loop: LoopNode | None) -> None:
        self.nodes = nodes
        self.loop = loop
        self.pos = 0
        self.counts = [0] * len(nodes)
        self.index: dict[str, list[int]] = {}
        for i, node in enumerate(nodes):
            self.index.setdefault(node.trigger, []).append(i)

    def find(self, tag: str) -> tuple[int, bool] | None:
        """(node index, exhausted) of the next node opened by ``tag`` at or after pos."""
        hits = self.index.get(tag)
        if not hits:
            return None
        fallback = None
        for k in hits:
            if k < self.pos:
                continue
            node = self.nodes[k]
            if k > self.pos or node.max == 0 or self.counts[k] < node.max:
                return k, False
            fallback = k
        return None if fallback is None else (fallback, True)


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _bad_date(v: str) -> bool:
    if not v.isascii() or not v.isdigit():
        return True
    if len(v) == 8:
        year, mm, dd = int(v[:4]), int(v[4:6]), int(v[6:8])
    elif len(v) == 6:
        year, mm, dd = 2000 + int(v[:2]), int(v[2:4]), int(v[4:6])
    else:
        return True
    if not 1 <= mm <= 12 or not 1 <= dd <= _DAYS[mm - 1]:
        return True
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return mm == 2 and dd == 29 and not leap


def _bad_time(v: str) -> bool:
    if not v.isascii() or not v.isdigit() or len(v) not in (4, 6, 7, 8):
        return True
    if int(v[:2]) > 23 or int(v[2:4]) > 59:
        return True
    return len(v) >= 6 and int(v[4:6]) > 59


def check_value(es: ElementSpec, v: str, decimal: str = ".") -> str | None:
    """Machine code of the first problem with a non-empty simple value, or None."""
    t = es.type
    if t == "AN" or t == "an":
        n = len(v)
        if es.max and n > es.max:
            return Code.ELEMENT_TOO_LONG
        if n < es.min:
            return Code.ELEMENT_TOO_SHORT
        return None
    if t == "ID":
        if es.codes is not None and v not in es.codes:
            return Code.ELEMENT_BAD_CODE
        n = len(v)
        if es.max and n > es.max:
            return Code.ELEMENT_TOO_LONG
        if n < es.min:
            return Code.ELEMENT_TOO_SHORT
        return None
    if t[0] == "N" or t == "R" or t == "n":
        digits = v[1:] if v[0] == "-" else v
        if t == "R" or t == "n":
            if digits.count(decimal) > 1 or (decimal != "." and "." in digits):
                return Code.ELEMENT_BAD_CHAR
            digits = digits.replace(decimal, "")
        if not digits.isascii() or not digits.isdigit():
            return Code.ELEMENT_BAD_CHAR
        n = len(digits)
    elif t == "DT":
        if _bad_date(v):
            return Code.ELEMENT_BAD_DATE
        n = len(v)
    elif t == "TM":
        if _bad_time(v):
            return Code.ELEMENT_BAD_TIME
        n = len(v)
    else:  # "a", "B" and anything else: length only
        n = len(v)
    if es.codes is not None and v not in es.codes:
        return Code.ELEMENT_BAD_CODE
    if es.max and n > es.max:
        return Code.ELEMENT_TOO_LONG
    if n < es.min:
        return Code.ELEMENT_TOO_SHORT
    return None


_MESSAGES = {
    Code.ELEMENT_TOO_LONG: "too long",
    Code.ELEMENT_TOO_SHORT: "too short",
    Code.ELEMENT_BAD_CODE: "not a valid code",
    Code.ELEMENT_BAD_CHAR: "invalid character for its type",
    Code.ELEMENT_BAD_DATE: "not a valid date",
    Code.ELEMENT_BAD_TIME: "not a valid time",
}


class Validator:
    """Walks segments against a TransactionSpec, collecting EdiError results."""

    def __init__(self, spec: TransactionSpec, *, decimal: str = ".") -> None:
        self.spec = spec
        self.decimal = decimal
        self._all_tags = frozenset(_tags(spec.structure))

    def run(self, segments: Sequence[Segment]) -> list[EdiError]:
        """Validate a transaction's segments (header and trailer included)."""
        errors: list[EdiError] = []
        frames = [_Frame(self.spec.structure, None)]
        for txpos, seg in enumerate(segments, 1):
            tag = seg.tag
            # a node that can still take the segment wins, innermost first; a full one
            # (too many) only when no enclosing level can start a new repeat
            level = len(frames) - 1
            k: int | None = None
            full: tuple[int, int] | None = None
            while level >= 0:
                hit = frames[level].find(tag)
                if hit is not None:
                    if not hit[1]:
                        k = hit[0]
                        break
                    if full is None:
                        full = (level, hit[0])
                level -= 1
            if k is None:
                if full is None:
                    errors.append(self._misplaced(seg, txpos))
                    continue
                level, k = full
            while len(frames) - 1 > level:
                self._close(frames.pop(), seg, txpos, errors)
            frame = frames[-1]
            for j in range(frame.pos, k):
                if frame.counts[j] == 0 and frame.nodes[j].required:
                    errors.append(self._missing(frame.nodes[j], seg, txpos))
            frame.pos = k
            frame.counts[k] += 1
            node = frame.nodes[k]
            if node.max and frame.counts[k] > node.max:
                is_loop = isinstance(node, LoopNode)
                errors.append(
                    EdiValidationError(
                        f"{'loop ' + node.id if isinstance(node, LoopNode) else 'segment ' + tag}"
                        f" occurs more than {node.max} times",
                        code=Code.LOOP_TOO_MANY if is_loop else Code.SEGMENT_TOO_MANY,
                        position=seg.position,
                        tx_position=txpos,
                        segment_id=tag,
                    )
                )
            while isinstance(node, LoopNode):
                child = _Frame(node.children, node)
                child.counts[0] = 1
                frames.append(child)
                node = node.children[0]
            self.check_segment(node.spec, seg, txpos, errors)
        last = segments[-1] if segments else None
        while frames:
            self._close(frames.pop(), last, len(segments), errors)
        return errors

    def _close(
        self, frame: _Frame, seg: Segment | None, txpos: int, errors: list[EdiError]
    ) -> None:
        for j in range(frame.pos, len(frame.nodes)):
            if frame.counts[j] == 0 and frame.nodes[j].required:
                errors.append(self._missing(frame.nodes[j], seg, txpos))

    def _missing(self, node: Node, seg: Segment | None, txpos: int) -> EdiError:
        what = f"loop {node.id}" if isinstance(node, LoopNode) else f"segment {node.tag}"
        return EdiValidationError(
            f"mandatory {what} missing",
            code=Code.SEGMENT_MISSING,
            position=seg.position if seg is not None else None,
            tx_position=txpos,
            segment_id=node.trigger,
        )

    def _misplaced(self, seg: Segment, txpos: int) -> EdiError:
        tag = seg.tag
        if tag in self._all_tags:
            code, msg = Code.SEGMENT_OUT_OF_ORDER, f"segment {tag} is not in its proper place"
        elif tag in self.spec.segments:
            code, msg = Code.SEGMENT_NOT_IN_TX, f"segment {tag} is not used in this transaction"
        else:
            code, msg = Code.SEGMENT_UNKNOWN, f"unrecognised segment {tag!r}"
        return EdiValidationError(
            msg, code=code, position=seg.position, tx_position=txpos, segment_id=tag
        )

    def check_segment(
        self, sspec: SegmentSpec, seg: Segment, txpos: int, errors: list[EdiError]
    ) -> None:
        """Element checks of one segment against its spec."""
        elems = seg.elements
        defs = sspec.elements
        nd = len(defs)
        ne = len(elems)
        decimal = self.decimal
        for i in range(nd if nd > ne else ne):
            if i >= nd:
                if elems[i]:
                    errors.append(self._el_err(seg, txpos, i + 1, None, Code.ELEMENT_TOO_MANY, ""))
                continue
            es = defs[i]
            v = elems[i] if i < ne else ""
            if isinstance(v, tuple):
                self._composite(es, v, seg, txpos, i + 1, errors)
                continue
            if not v:
                if es.required:
                    errors.append(self._el_err(seg, txpos, i + 1, es, Code.ELEMENT_MISSING, ""))
                continue
            if es.components is not None:
                self._composite(es, (v,), seg, txpos, i + 1, errors)
                continue
            code = check_value(es, v, decimal)
            if code is not None:
                errors.append(self._el_err(seg, txpos, i + 1, es, code, v))
        if sspec.rules:
            self._rules(sspec.rules, seg, txpos, errors)

    def _composite(
        self,
        es: ElementSpec,
        comps: tuple[str, ...],
        seg: Segment,
        txpos: int,
        index: int,
        errors: list[EdiError],
    ) -> None:
        parts = es.components
        if parts is None:
            errors.append(self._el_err(seg, txpos, index, es, Code.COMPONENT_TOO_MANY, ""))
            return
        if not any(comps):
            if es.required:
                errors.append(self._el_err(seg, txpos, index, es, Code.ELEMENT_MISSING, ""))
            return
        for j, cs in enumerate(parts):
            v = comps[j] if j < len(comps) else ""
            if not v:
                if cs.required:
                    errors.append(
                        self._el_err(seg, txpos, index, cs, Code.ELEMENT_MISSING, "", j + 1)
                    )
                continue
            code = check_value(cs, v, self.decimal)
            if code is not None:
                errors.append(self._el_err(seg, txpos, index, cs, code, v, j + 1))
        if len(comps) > len(parts) and any(comps[len(parts) :]):
            errors.append(
                self._el_err(seg, txpos, index, es, Code.COMPONENT_TOO_MANY, "", len(parts) + 1)
            )

    def _rules(
        self, rules: tuple[str, ...], seg: Segment, txpos: int, errors: list[EdiError]
    ) -> None:
        for rule in rules:
            kind = rule[0]
            idx = [int(rule[i : i + 2]) for i in range(1, len(rule), 2)]
            present = [bool(seg.get(i)) for i in idx]
            bad: int | None = None
            code = Code.ELEMENT_CONDITIONAL_MISSING
            if kind == "P" and any(present) and not all(present):
                bad = idx[present.index(False)]
            elif kind == "R" and not any(present):
                bad = idx[0]
            elif kind == "C" and present[0] and not all(present[1:]):
                bad = idx[1 + present[1:].index(False)]
            elif kind == "L" and present[0] and not any(present[1:]):
                bad = idx[1]
            elif kind == "E" and sum(present) > 1:
                bad, code = idx[[i for i, p in enumerate(present) if p][1]], Code.ELEMENT_EXCLUSION
            if bad is not None:
                errors.append(
                    EdiValidationError(
                        f"{seg.tag}{bad:02d}: syntax rule {rule} not met",
                        code=code,
                        position=seg.position,
                        tx_position=txpos,
                        segment_id=seg.tag,
                        element=bad,
                    )
                )

    @staticmethod
    def _el_err(
        seg: Segment,
        txpos: int,
        index: int,
        es: ElementSpec | None,
        code: str,
        value: str,
        component: int | None = None,
    ) -> EdiError:
        where = f"{seg.tag}{index:02d}" + (f"-{component}" if component else "")
        if code == Code.ELEMENT_MISSING:
            what = "mandatory element missing"
        elif code == Code.ELEMENT_TOO_MANY:
            what = "more elements than the segment defines"
        elif code == Code.COMPONENT_TOO_MANY:
            what = "more components than the element defines"
        else:
            what = f"{value[:35]!r} is {_MESSAGES.get(code, 'invalid')}"
        name = f" ({es.name})" if es is not None and es.name else ""
        return EdiValidationError(
            f"{where}{name}: {what}",
            code=code,
            position=seg.position,
            tx_position=txpos,
            segment_id=seg.tag,
            element=index,
            component=component,
            ref=es.ref if es is not None else None,
            value=value[:99] if value else None,
        )


def _tags(nodes: Iterable[Node]) -> Iterable[str]:
    for node in nodes:
        if isinstance(node, LoopNode):
            yield from _tags(node.children)
        else:
            yield node.tag
