"""X12 benchmark: parse+validate a ~10 MB file of 850s vs a bare str.split tokenizer.

Run: .venv/bin/python bench/edi_x12.py [size_mb]. Prints MB/s for both and the ratio
(target >= 0.25).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

from connectors.edi.core.detect import parse_file
from connectors.edi.core.spec import validate


def make_850_file(size_mb: float = 10.0, seed: int = 7) -> str:
    """A multi-transaction X12 interchange of realistic 850s, about ``size_mb`` MB."""
    rnd = random.Random(seed)
    target = int(size_mb * 1_000_000)
    head = (
        "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         "
        "*240101*1200*U*00401*000000001*0*P*>~\nGS*PO*BUYER*SELLER*20240101*1200*1*X*004010~\n"
    )
    parts = [head]
    size = len(head)
    n = 0
    while size < target:
        n += 1
        cn = f"{n:04d}"[-9:].zfill(4)
        segs = [
            f"ST*850*{cn}",
            f"BEG*00*SA*PO{n:08d}**2024{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}",
            "CUR*BY*USD",
            "REF*DP*042",
            "PER*BD*Jane Buyer*TE*5551234567*EM*jane@example.com",
            "FOB*DF***01*FOB*ZZ*Chicago",
            "ITD*01*3*2**10**30*****NET30",
            f"DTM*002*2024{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}",
            "TD5**2*UPSN**UPS Ground",
            "N1*BY*Example Stores Inc*UL*0614141000005",
            "N1*ST*Example Stores DC 4*UL*0614141000012",
            "N3*100 Distribution Way*Dock 7",
            "N4*Chicago*IL*60601*US",
        ]
        lines = rnd.randint(5, 40)
        for i in range(1, lines + 1):
            qty = rnd.randint(1, 500)
            price = f"{rnd.randint(1, 9999)}.{rnd.randint(0, 99):02d}"
            segs.append(
                f"PO1*{i}*{qty}*EA*{price}*PE*BP*ITEM{rnd.randint(1, 99999):05d}"
                f"*VP*SKU-{rnd.randint(1, 99999)}*UP*{rnd.randint(10**11, 10**12 - 1)}"
            )
            segs.append(f"PID*F****Product description {i}")
            segs.append("TXI*VA**0*VD*Z")
        segs.append(f"CTT*{lines}")
        segs.append(f"SE*{len(segs) + 1}*{cn}")
        text = "~\n".join(segs) + "~\n"
        parts.append(text)
        size += len(text)
    parts.append(f"GE*{n}*1~\nIEA*1*000000001~\n")
    return "".join(parts)


def bare_split(data: str) -> int:
    """The baseline: split segments and elements, nothing else."""
    count = 0
    for seg in data.split("~"):
        count += len(seg.split("*"))
    return count


def parse_and_validate(data: str) -> int:
    """Our reader with envelope checks plus spec validation of every transaction."""
    errors = 0
    for ic in parse_file(data):
        errors += len(ic.errors)
        for tx in ic.transactions:
            errors += len(tx.errors) + len(validate(tx, "x12"))
    return errors


def best_of(fn: Callable[[str], int], data: str, runs: int = 3) -> float:
    """Fastest of a few runs, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn(data)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    size = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    data = make_850_file(size)
    mb = len(data.encode()) / 1_000_000
    errors = parse_and_validate(data)
    if errors:
        raise SystemExit(f"generated file has {errors} validation errors")
    t_split = best_of(bare_split, data)
    t_ours = best_of(parse_and_validate, data)
    print(f"file: {mb:.1f} MB of X12 850s")
    print(f"bare split tokenizer: {mb / t_split:8.1f} MB/s")
    print(f"parse + validate:     {mb / t_ours:8.1f} MB/s")
    print(f"ratio: {t_split / t_ours:.2f} (target >= 0.25)")


if __name__ == "__main__":
    main()
