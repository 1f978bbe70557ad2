"""Who the simulated partner is on the envelope, and its control numbers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Identity:
    """The partner's and the hub's interchange ids, as the partner's software knows them."""

    standard: Literal["x12", "edifact"]
    own_id: str
    hub_id: str
    own_qualifier: str = "ZZ"
    hub_qualifier: str = "ZZ"
    version: str = "004010"  # X12 GS08, or the EDIFACT directory (D96A)


@dataclass
class Counter:
    """The partner's own control numbers (one sequence, as small EDI packages do)."""

    start: int = 1
    _numbers: itertools.count[int] = field(init=False)

    def __post_init__(self) -> None:
        self._numbers = itertools.count(self.start)

    def next(self) -> int:
        """The next control number."""
        return next(self._numbers)
