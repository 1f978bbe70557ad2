"""EDI benchmark: X12 and EDIFACT parse + validate on ~10 MB files, with two ratios.

Run: python -m uv run python bench/edi.py [megabytes]

- X12: our tokenizer + envelopes + 004010 validation against a bare ``str.split``
  tokenizer on the same 850 file (target >= 0.25);
- EDIFACT: our reader + D.96A validation against pydifact parsing the same ORDERS file
  (target >= 3).

Both baselines run in this process on the same text, so the ratios compare across machines.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# sibling benchmark modules, found through sys.path above
import edi_edifact
import edi_x12


def main() -> None:
    size = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0

    x12_text = edi_x12.make_850_file(size)
    x12_mb = len(x12_text.encode()) / 1e6
    t_split = edi_x12.best_of(edi_x12.bare_split, x12_text)
    t_x12 = edi_x12.best_of(edi_x12.parse_and_validate, x12_text)

    edifact_text = edi_edifact.build_text(size)
    edifact_mb = len(edifact_text.encode()) / 1e6
    edifact_ours, _ = edi_edifact.timed(edi_edifact.ours, edifact_text)
    with warnings.catch_warnings():
        # pydifact warns once per segment tag that it has no XML directory to check against.
        warnings.simplefilter("ignore")
        edifact_theirs, _ = edi_edifact.timed(edi_edifact.pydifact, edifact_text)

    print(f"{'':28}{'MB':>6}{'MB/s':>10}")
    print(f"{'X12 bare str.split':28}{x12_mb:6.1f}{x12_mb / t_split:10.1f}")
    print(f"{'X12 parse + validate':28}{x12_mb:6.1f}{x12_mb / t_x12:10.1f}")
    print(f"{'EDIFACT pydifact parse':28}{edifact_mb:6.1f}{edifact_mb / edifact_theirs:10.1f}")
    print(f"{'EDIFACT parse + validate':28}{edifact_mb:6.1f}{edifact_mb / edifact_ours:10.1f}")
    print(f"X12 ratio to bare split:      {t_split / t_x12:5.2f}  (target >= 0.25)")
    print(f"EDIFACT ratio to pydifact:    {edifact_theirs / edifact_ours:5.2f}  (target >= 3)")


if __name__ == "__main__":
    main()
