"""Hypothesis fuzzing: reading, validating, acknowledging and translating X12 only ever
raises EdiError."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.edi import EdiError, parse_file
from connectors.edi.core.inspect import inspect_file
from connectors.edi.core.spec import validate
from connectors.edi.x12.ack import AckControlNumbers, acknowledge, write_acknowledgement
from connectors.edi.x12.translate import translate_transaction

FIXTURES = Path(__file__).parent / "fixtures" / "x12"
SEEDS = [
    (FIXTURES / name).read_text()
    for name in ("850.edi", "855.edi", "856.edi", "810.edi", "846.edi", "997.edi")
]
ALPHABET = "*~>^:|\n\r ISAGSTE0123456789ABCNPOQLHY.-"


def exercise(data: str | bytes) -> None:
    """Everything a caller does with an inbound file; only EdiError may escape."""
    try:
        interchanges = parse_file(data)
    except EdiError:
        return
    for ic in interchanges:
        result = acknowledge(ic)
        with contextlib.suppress(EdiError):
            write_acknowledgement(ic, result, AckControlNumbers("1", ["1"] * 9, ["0001"] * 9))
        for tx in ic.transactions:
            validate(tx, "x12")
            with contextlib.suppress(EdiError):
                translate_transaction(tx)
    inspect_file(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 6), st.text(ALPHABET, max_size=6)),
        max_size=6,
    ),
)
def test_mutated_documents_only_raise_edi_error(
    seed: str, edits: list[tuple[float, int, str]]
) -> None:
    text = seed
    for where, cut, insert in edits:
        i = int(where * len(text))
        text = text[:i] + insert + text[i + cut :]
    exercise(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_only_raise_edi_error(data: bytes) -> None:
    exercise(b"ISA" + data)
    exercise(data)


@settings(max_examples=200, deadline=None)
@given(st.text(ALPHABET, max_size=300))
def test_isa_like_text_only_raises_edi_error(tail: str) -> None:
    isa = SEEDS[0][:106]
    exercise(isa + tail)
