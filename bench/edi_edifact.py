"""Benchmark: EDIFACT parse + validate of a ~10 MB ORDERS file against pydifact's parser.

Run: .venv/bin/python bench/edi_edifact.py [megabytes]
Prints MB/s for our reader (tokenise + envelopes + D.96A validation), our tokenise-only
path, and pydifact's Interchange.from_str on the same text, and the ratio (target >= 3).
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable

from connectors.edi.edifact import parse_interchanges
from connectors.edi.edifact.samples import PREPARED, sample_order
from connectors.edi.edifact.translate import order_to_orders
from connectors.edi.edifact.validate import reset_caches, validate_interchange
from connectors.edi.edifact.writer import (
    InterchangeOut,
    MessageOut,
    OutSegment,
    generate_interchange,
)


def _vary(body: list[OutSegment], n: int) -> list[OutSegment]:
    """The sample body with per-message numbers, items, quantities and prices."""
    out: list[OutSegment] = []
    for tag, elements in body:
        if tag == "BGM":
            elements = [elements[0], f"SO-{n}", *elements[2:]]
        elif tag == "PIA":
            elements = ["1", [f"SKU-{(n * 7 + len(out)) % 5000:04d}", "SA"]]
        elif tag == "QTY":
            elements = [["21", str(1 + (n + len(out)) % 250), "EA"]]
        elif tag == "PRI":
            elements = [["AAA", f"{1 + n % 97}.{n % 100:02d}", None, None, "1", "EA"]]
        elif tag == "MOA" and isinstance(elements[0], list) and elements[0][0] == "203":
            elements = [["203", f"{n % 9000}.{(n * 3) % 100:02d}"]]
        out.append((tag, elements))
    return out


def build_text(megabytes: float) -> str:
    """An interchange of varied ORDERS messages of about ``megabytes`` MB, built in memory."""
    body = order_to_orders(sample_order())
    one = generate_interchange(
        InterchangeOut(
            sender="SENDER",
            receiver="RECEIVER",
            control_reference="1",
            messages=[MessageOut("1", "ORDERS", body)],
            prepared=PREPARED,
            suffix="\n",
        )
    )
    count = max(1, int(megabytes * 1_000_000 / len(one)))
    messages = [MessageOut(str(i), "ORDERS", _vary(body, i)) for i in range(1, count + 1)]
    return generate_interchange(
        InterchangeOut(
            sender="SENDER",
            receiver="RECEIVER",
            control_reference="42",
            messages=messages,
            prepared=PREPARED,
            suffix="\n",
        )
    )


def ours(text: str) -> int:
    """Parse and validate; returns the number of errors (must be 0)."""
    errors = 0
    for interchange in parse_interchanges(text):
        errors += len(interchange.errors)
        for result in validate_interchange(interchange):
            errors += len(result.errors)
    return errors


def ours_parse_only(text: str) -> int:
    """Tokenise and check envelopes only."""
    return sum(len(i.transactions) for i in parse_interchanges(text))


def pydifact(text: str) -> int:
    """pydifact 0.2's parser on the same text (benchmark baseline only)."""
    from pydifact.segmentcollection import Interchange

    interchange = Interchange.from_str(text)
    return sum(1 for _ in interchange.segments)


def timed(fn: Callable[[str], int], text: str) -> tuple[float, int]:
    """Wall time of one cold run (validator caches emptied first) and the result."""
    reset_caches()
    start = time.perf_counter()
    result = fn(text)
    return time.perf_counter() - start, result


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    text = build_text(megabytes)
    size = len(text.encode()) / 1_000_000
    ours_s, errors = timed(ours, text)
    parse_s, _ = timed(ours_parse_only, text)
    with warnings.catch_warnings():
        # pydifact warns once per segment tag that it has no XML directory to check against.
        warnings.simplefilter("ignore")
        theirs_s, segments = timed(pydifact, text)
    print(f"file: {size:.1f} MB of ORDERS ({text.count('UNH+')} messages, {segments} segments)")
    print(f"ours parse+validate: {size / ours_s:8.1f} MB/s  ({errors} errors)")
    print(f"ours parse only:     {size / parse_s:8.1f} MB/s")
    print(f"pydifact from_str:   {size / theirs_s:8.1f} MB/s")
    print(f"ratio parse+validate / pydifact: {theirs_s / ours_s:.1f}x (target >= 3)")


if __name__ == "__main__":
    main()
