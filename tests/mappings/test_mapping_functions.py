"""The function library: each function, and inverses that really invert (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings import RecordError, compile_mapping


def one_step(step: Any, **rule: Any) -> Any:
    """A mapping with a single field rule native `v` -> canonical `tier` through `step`."""
    return compile_mapping(
        {
            "system": "crm",
            "entity": "account",
            "canonical": "Customer",
            "key": "id",
            "version": 1,
            "rules": [{"source": "v", "target": "tier", "steps": [step], **rule}],
        }
    )


def forward(step: Any, value: Any) -> Any:
    mapped = one_step(step, reverse="skip").to_canonical({"v": value})
    assert isinstance(mapped, dict)
    return mapped.get("tier")


@pytest.mark.parametrize(
    ("step", "value", "expected"),
    [
        ("trim", "  a b  ", "a b"),
        ({"trim": {"chars": "0", "side": "left"}}, "00420", "420"),
        ("normalize_whitespace", " a \t b\n c ", "a b c"),
        ("upper", "abc", "ABC"),
        ("lower", "ÄBC", "äbc"),
        ({"split": {"sep": ",", "index": 1}}, "a,b,c", "b"),
        ({"pad": {"width": 5, "char": "0"}}, "42", "00042"),
        ({"pad": {"width": 5, "side": "right"}}, 42, "42   "),
        ({"to_decimal": {"places": 2}}, "1.005", Decimal("1.01")),
        ({"to_decimal": {"places": 2, "rounding": "half_even"}}, "1.005", Decimal("1.00")),
        ({"to_decimal": {"decimal_sep": ",", "group_sep": "."}}, "1.234,5", Decimal("1234.5")),
        ({"to_decimal": {}}, 0.1, Decimal("0.1")),
        ("to_int", "42", 42),
        ({"minor_to_decimal": {"places": 3}}, 1234, Decimal("1.234")),
        ({"decimal_to_minor": {"places": 2}}, "12.345", 1235),
        ({"round": {"places": 1}}, "2.25", Decimal("2.3")),
        ({"convert_unit": {"from": "GRM", "to": "KGM"}}, "1500", Decimal("1.5")),
        ({"convert_unit": {"from": "MTR", "to": "MMT"}}, "1.2", Decimal(1200)),
        ({"convert_unit": {"from": "DZN", "to": "EA"}}, 2, Decimal(24)),
        ("unit_code", "Stück", "EA"),
        ({"unit_code": {"pieces": "C62"}}, "pcs", "C62"),
        ("unit_code", "kg", "KGM"),
        ("country_to_iso", "Deutschland", "DE"),
        ("country_to_iso", " united states of america ", "US"),
        ("country_to_iso", "U.S.A.", "US"),
        ("country_to_iso", "fra", "FR"),
        ("country_to_iso", "at", "AT"),
        ({"country_to_iso": {"unknown": "passthrough"}}, "Atlantis", "Atlantis"),
        ("parse_date", "2024-02-29", date(2024, 2, 29)),
        ({"parse_date": {"format": "%d.%m.%Y"}}, "29.02.2024", date(2024, 2, 29)),
        ({"format_date": {"format": "%Y%m%d"}}, date(2024, 2, 29), "20240229"),
        (
            {"parse_datetime": {"tz": "Europe/Berlin"}},
            "2024-07-01T12:00:00",
            datetime(2024, 7, 1, 10, tzinfo=UTC),
        ),
        (
            {"parse_datetime": {"format": "%d.%m.%Y %H:%M", "tz": "America/New_York"}},
            "01.01.2024 07:00",
            datetime(2024, 1, 1, 12, tzinfo=UTC),
        ),
        (
            {"parse_datetime": {"format": "epoch_millis"}},
            1_700_000_000_000,
            datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        ),
        ("parse_datetime", "2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        ({"to_string": {"from": "int"}}, 7, "7"),
    ],
)
def test_function(step: Any, value: Any, expected: Any) -> None:
    result = forward(step, value)
    assert result == expected
    assert type(result) is type(expected)


def test_parse_datetime_output_is_utc_aware() -> None:
    result = forward("parse_datetime", "2024-05-01T10:00:00+02:00")
    assert result.tzinfo is UTC
    assert result.hour == 8


@pytest.mark.parametrize(
    ("step", "value", "message"),
    [
        ("trim", 5, "trim needs text"),
        ("to_decimal", "12,5x", "not a decimal"),
        ("to_decimal", "NaN", "not a finite"),
        ("to_int", "1.5", "not a whole number"),
        ("country_to_iso", "Atlantis", "unknown country"),
        ("unit_code", "furlong", "unknown unit"),
        ({"parse_date": {"format": "%d.%m.%Y"}}, "2024-01-01", "does not match format"),
        ("minor_to_decimal", "1.5", "must be whole"),
    ],
)
def test_function_errors_fail_the_record_with_a_message(
    step: Any, value: Any, message: str
) -> None:
    with pytest.raises(RecordError, match=message):
        forward(step, value)


def test_secret_rule_keeps_the_value_out_of_errors() -> None:
    m = one_step("to_decimal", reverse="skip", secret=True)
    with pytest.raises(RecordError) as caught:
        m.to_canonical({"v": "DE89370400440532013000"})
    assert "DE89370400440532013000" not in str(caught.value)
    assert "redacted" in str(caught.value)


def test_unit_conversion_refuses_different_dimensions_at_compile_time() -> None:
    with pytest.raises(Exception, match="cannot convert GRM"):
        one_step({"convert_unit": {"from": "GRM", "to": "MTR"}})


def test_unknown_time_zone_is_refused_at_compile_time() -> None:
    with pytest.raises(Exception, match="unknown time zone"):
        one_step({"parse_datetime": {"tz": "Mars/Olympus"}})


def test_elementwise_functions_apply_to_each_item_of_a_list() -> None:
    assert forward({"split": {"sep": ","}}, "a, b") == ["a", " b"]
    m = one_step("upper", reverse="skip")
    assert m.to_canonical({"v": ["a", None, "b"]}) == {"tier": ["A", None, "B"]}


def round_trip(step: Any, native: Any) -> Any:
    m = one_step(step)
    canonical = m.to_canonical({"v": native})
    assert isinstance(canonical, dict)
    back = m.to_native(canonical)
    assert isinstance(back, dict)
    return back["v"]


money_text = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False
).map(lambda d: format(d, "f"))


@given(money_text)
def test_to_decimal_inverse_restores_the_text(text: str) -> None:
    assert round_trip({"to_decimal": {"places": 2}}, text) == text


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_minor_units_round_trip(cents: int) -> None:
    assert round_trip({"minor_to_decimal": {"places": 2}}, cents) == cents


@given(st.decimals(min_value=0, max_value=Decimal("1e6"), places=3, allow_nan=False))
def test_unit_conversion_round_trip(grams: Decimal) -> None:
    back = round_trip({"convert_unit": {"from": "GRM", "to": "KGM"}}, grams)
    assert Decimal(back) == grams


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)))
def test_datetime_format_round_trip_in_a_zone(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    step = {"parse_datetime": {"format": "%Y-%m-%d %H:%M:%S", "tz": "UTC"}}
    assert round_trip(step, text) == text


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_date_format_round_trip(day: date) -> None:
    text = day.strftime("%d.%m.%Y")
    assert round_trip({"parse_date": {"format": "%d.%m.%Y"}}, text) == text


def test_format_datetime_writes_the_zone_asked_for() -> None:
    m = one_step({"parse_datetime": {"tz": "Europe/Berlin", "format": "%Y-%m-%d %H:%M"}})
    moment = datetime(2024, 1, 1, 11, tzinfo=timezone(timedelta(hours=0)))
    assert m.to_native({"tier": moment}) == {"v": "2024-01-01 12:00"}


def test_iso_datetime_inverse_uses_z_for_utc() -> None:
    assert round_trip("parse_datetime", "2024-05-01T10:00:00Z") == "2024-05-01T10:00:00Z"
