"""Every canonical model survives a JSON round trip unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from canonical_strategies import STRATEGIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canonical import MODELS


def test_a_strategy_for_each_model() -> None:
    assert set(STRATEGIES) == set(MODELS)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_json_round_trip_is_lossless(name: str) -> None:
    model = MODELS[name]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def round_trip(data: st.DataObject) -> None:
        original: Any = data.draw(STRATEGIES[name])
        assert isinstance(original, model)
        text = original.model_dump_json()
        again = model.model_validate_json(text)
        assert again == original
        assert again.model_dump_json() == text

    round_trip()
