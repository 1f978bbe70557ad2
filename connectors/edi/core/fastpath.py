"""Fast validation: a whole transaction matched by one regex compiled from its spec.

The spec's structure (loops, repeats) and every segment's elements (types, lengths, code
lists, X12 syntax rules) become one pattern built from possessive quantifiers and atomic
groups, so matching never backtracks. A match proves the transaction valid; anything
else falls back to the Validator walk, which explains the errors. Only used when the
transaction carries its raw text and the interchange has no release character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from connectors.edi.core.spec_model import (
    ElementSpec,
    LoopNode,
    Node,
    SegmentSpec,
    TransactionSpec,
)

_CACHE: dict[tuple[int, str, str, str, str], re.Pattern[str]] = {}

_D31 = "(?:0[1-9]|[12][0-9]|3[01])"
_D30 = "(?:0[1-9]|[12][0-9]|30)"
_D28 = "(?:0[1-9]|1[0-9]|2[0-8])"  # 29 February goes to the slow path (leap years)
_MMDD = f"(?:(?:0[13578]|1[02]){_D31}|(?:0[469]|11){_D30}|02{_D28})"
_HHMM = "(?:[01][0-9]|2[0-3])[0-5][0-9]"


def compiled(
    spec: TransactionSpec, element: str, component: str, segment: str, decimal: str
) -> re.Pattern[str]:
    """The (cached) whole-transaction pattern for a spec and separators."""
    key = (id(spec), element, component, segment, decimal)
    rx = _CACHE.get(key)
    if rx is None:
        builder = _Builder(element, component, segment, decimal)
        rx = _CACHE[key] = re.compile(builder.nodes(spec.structure), re.ASCII)
    return rx


def _trie(codes: Sequence[str]) -> str:
    """Alternation of literal codes as a prefix tree, so a mismatch fails fast."""
    if not codes:
        return ""
    by_first: dict[str, list[str]] = {}
    for code in codes:
        by_first.setdefault(code[:1], []).append(code[1:])
    alts = []
    for first, rests in sorted(by_first.items(), key=lambda kv: kv[0]):
        if first == "":
            continue
        tails = [r for r in rests if r]
        sub = _trie(tails)
        if "" in rests:
            sub = f"(?:{sub})?" if sub else ""
        alts.append(re.escape(first) + sub)
    if "" in by_first:
        return f"(?:{'|'.join(alts)})?" if alts else ""
    return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"


def _rep(lo: int, hi: int) -> str:
    return f"{{{lo},{hi}}}" if hi else f"{{{lo},}}"


class _Builder:
    def __init__(self, element: str, component: str, segment: str, decimal: str) -> None:
        self.s = re.escape(element)
        self.c = re.escape(component)
        self.t = re.escape(segment)
        self.d = re.escape(decimal)
        # characters a simple element value may hold
        self.plain = f"[^{self.s}{self.c}{self.t}]"
        self.any = f"[^{self.s}{self.t}]"
        self.segments: dict[str, str] = {}

    # -- structure ----------------------------------------------------------------------

    def nodes(self, nodes: Sequence[Node]) -> str:
        return "".join(self.node(n) for n in nodes)

    def node(self, node: Node, *, force: bool = False) -> str:
        lo = 1 if node.required or force else 0
        if isinstance(node, LoopNode):
            # every repeat of a loop starts with its first segment
            first = self.node(node.children[0], force=True)
            body = first + self.nodes(node.children[1:])
            return f"(?>{body}){_rep(lo, node.max)}+"
        return f"(?>{self.segment(node.spec)}{self.t}){_rep(lo, node.max)}+"

    # -- segments -----------------------------------------------------------------------

    def segment(self, spec: SegmentSpec) -> str:
        cached = self.segments.get(spec.tag)
        if cached is not None:
            return cached
        defs = spec.elements
        units = self._units(spec)
        last_required = max((i for i, e in enumerate(defs) if e.required), default=-1)
        # rebuild in order: mandatory part then the optional tail
        parts: list[str] = []
        tail_units = [u for u in units if u[0] > last_required]
        for first, _last, pattern in units:
            if first <= last_required:
                parts.append(f"{self.s}{pattern}")
        tail = ""
        for _first, _last, pattern in reversed(tail_units):
            tail = f"(?:{self.s}{pattern}{tail})?"
        checks = "".join(self._rule(spec, r) for r in spec.rules if not self._structural(r))
        pattern = f"{checks}{re.escape(spec.tag)}{''.join(parts)}{tail}"
        self.segments[spec.tag] = pattern
        return pattern

    @staticmethod
    def _structural(rule: str) -> bool:
        """Paired rules over consecutive elements are built into the element sequence."""
        if rule[0] != "P":
            return False
        idx = [int(rule[i : i + 2]) for i in range(1, len(rule), 2)]
        return idx == list(range(idx[0], idx[0] + len(idx)))

    def _units(self, spec: SegmentSpec) -> list[tuple[int, int, str]]:
        """(first, last, pattern) per element or paired group, 0-based indexes."""
        defs = spec.elements
        groups: dict[int, int] = {}
        for rule in spec.rules:
            if self._structural(rule):
                idx = [int(rule[i : i + 2]) - 1 for i in range(1, len(rule), 2)]
                if all(i < len(defs) for i in idx) and not any(defs[i].required for i in idx):
                    groups[idx[0]] = idx[-1]
        units: list[tuple[int, int, str]] = []
        i = 0
        while i < len(defs):
            if i in groups:
                j = groups[i]
                full = self.s.join(self.value(defs[k], nonempty=True) for k in range(i, j + 1))
                empty = self.s * (j - i)
                units.append((i, j, f"(?:{full}|{empty})"))
                i = j + 1
                continue
            es = defs[i]
            val = self.value(es, nonempty=True)
            units.append((i, i, val if es.required else f"(?:{val})?"))
            i += 1
        return units

    def _ne(self, spec: SegmentSpec, k: int) -> str:
        """Lookahead body: element k (1-based) of this segment is not empty."""
        return f"{re.escape(spec.tag)}(?:{self.s}{self.any}*){{{k - 1}}}{self.s}{self.plain}"

    def _rule(self, spec: SegmentSpec, rule: str) -> str:
        kind = rule[0]
        idx = [int(rule[i : i + 2]) for i in range(1, len(rule), 2)]
        ne = [self._ne(spec, k) for k in idx]
        if kind == "R":
            return "(?=" + "|".join(ne) + ")"
        if kind == "P":
            every = "".join(f"(?={x})" for x in ne)
            none = "".join(f"(?!{x})" for x in ne)
            return f"(?:{every}|{none})"
        if kind == "C" and len(idx) == 2 and idx[0] == idx[1] + 1:
            # "if b then a" on neighbours: one negative look at "a empty, b present"
            b = idx[1]
            tag = re.escape(spec.tag)
            return f"(?!{tag}(?:{self.s}{self.any}*){{{b - 1}}}{self.s}{self.s}{self.plain})"
        if kind == "C":
            rest = "".join(f"(?={x})" for x in ne[1:])
            return f"(?:(?!{ne[0]})|{rest})"
        if kind == "L":
            return f"(?:(?!{ne[0]})|(?={'|'.join(ne[1:])}))"
        if kind == "E":
            return "".join(
                f"(?!(?={ne[a]}){ne[b]})" for a in range(len(ne)) for b in range(a + 1, len(ne))
            )
        return "(?!)"  # unknown rule: always take the slow path

    # -- values -------------------------------------------------------------------------

    def value(self, es: ElementSpec, *, nonempty: bool) -> str:
        if es.components is not None:
            return self._composite(es)
        return self._simple(es, self.plain)

    def _composite(self, es: ElementSpec) -> str:
        comps = es.components or ()
        last_required = max((i for i, c in enumerate(comps) if c.required), default=0)
        head = self.c.join(
            self._simple(c, self.plain) if c.required else f"(?:{self._simple(c, self.plain)})?"
            for c in comps[: last_required + 1]
        )
        tail = ""
        for c in reversed(comps[last_required + 1 :]):
            tail = f"(?:{self.c}(?:{self._simple(c, self.plain)})?{tail})?"
        return f"{head}{tail}"

    def _simple(self, es: ElementSpec, chars: str) -> str:
        lo, hi = max(es.min, 1), es.max
        t = es.type
        if es.codes is not None and t not in ("DT", "TM"):
            codes = sorted(es.codes, key=len, reverse=True)
            fitting = [c for c in codes if lo <= len(c) and (not hi or len(c) <= hi)]
            return _trie(fitting) if fitting else "(?!)"
        if t in ("AN", "an", "ID", "a", "B"):
            return f"{chars}{_rep(lo, hi)}"
        alts: list[str] = []
        if t == "DT":
            if lo <= 8 <= (hi or 8):
                alts.append(f"[0-9]{{4}}{_MMDD}")
            if lo <= 6 <= (hi or 8):
                alts.append(f"[0-9]{{2}}{_MMDD}")
            return f"(?:{'|'.join(alts)})" if alts else "(?!)"
        if t == "TM":
            for n, tail in (
                (8, "[0-5][0-9][0-9]{2}"),
                (7, "[0-5][0-9][0-9]"),
                (6, "[0-5][0-9]"),
                (4, ""),
            ):
                if lo <= n <= (hi or 8):
                    alts.append(f"{_HHMM}{tail}")
            return f"(?:{'|'.join(alts)})" if alts else "(?!)"
        if t[0] == "N" and t != "n":
            return f"-?[0-9]{_rep(lo, hi)}"
        if t in ("R", "n"):
            end = f"(?=[{self.s}{self.c}{self.t}]|\\Z)"
            return f"-?(?={self.d}?(?:[0-9]{self.d}?){_rep(lo, hi)}{end})[0-9]*{self.d}?[0-9]*"
        return f"{chars}{_rep(lo, hi)}"
