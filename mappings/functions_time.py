"""Date and datetime functions with explicit formats and time zones (canonical is UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from mappings.errors import StepError
from mappings.functions_numbers import to_decimal_value
from mappings.steps import BuildContext, Function, Params, StepFn, StepSpec

ISO = "iso"
EPOCH_SECONDS = "epoch_seconds"
EPOCH_MILLIS = "epoch_millis"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


class DateParams(Params):
    """A calendar date format: ``iso`` or a strftime pattern such as ``%d.%m.%Y``."""

    format: str = Field(ISO, min_length=1, description="'iso' or a strftime/strptime pattern.")


class DatetimeParams(Params):
    """A datetime format and the zone naive native times are in."""

    format: str = Field(
        ISO,
        min_length=1,
        description="'iso', 'epoch_seconds', 'epoch_millis' or a strftime/strptime pattern.",
    )
    tz: str = Field("UTC", description="IANA zone of native times without an offset.")

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        _zone(value)
        return value


def _parse_date(params: DateParams | None, ctx: BuildContext) -> StepFn:
    fmt = (params or DateParams()).format

    def parse_date(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise StepError(f"parse_date needs text, got {type(value).__name__}", value)
        try:
            if fmt != ISO:
                return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a date
            text = value.strip()
            return (
                date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
            )
        except ValueError:
            raise StepError(f"parse_date: does not match format {fmt!r}", value) from None

    return parse_date


def _format_date(params: DateParams | None, ctx: BuildContext) -> StepFn:
    fmt = (params or DateParams()).format
    parse = _parse_date(DateParams(), ctx)

    def format_date(value: Any) -> Any:
        day = parse(value)
        return day.isoformat() if fmt == ISO else day.strftime(fmt)

    return format_date


def _parse_datetime(params: DatetimeParams | None, ctx: BuildContext) -> StepFn:
    p = params or DatetimeParams()
    fmt, zone = p.format, _zone(p.tz)

    iso = fmt == ISO

    def parse_datetime(value: Any) -> Any:
        if iso and value.__class__ is str:
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                raise StepError(f"parse_datetime: does not match format {fmt!r}", value) from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
            return moment.astimezone(UTC)
        if fmt in (EPOCH_SECONDS, EPOCH_MILLIS) and not isinstance(value, datetime):
            seconds = to_decimal_value(value, "parse_datetime")
            if fmt == EPOCH_MILLIS:
                seconds = seconds / 1000
            try:
                return datetime.fromtimestamp(float(seconds), UTC)
            except (OverflowError, OSError, ValueError):
                raise StepError("parse_datetime: timestamp out of range", value) from None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str):
            try:
                text = value.strip()
                moment = (
                    datetime.fromisoformat(text)
                    if fmt in (ISO, EPOCH_SECONDS, EPOCH_MILLIS)
                    else datetime.strptime(text, fmt)  # noqa: DTZ007 - zone applied below
                )
            except ValueError:
                raise StepError(f"parse_datetime: does not match format {fmt!r}", value) from None
        else:
            raise StepError(f"parse_datetime needs text, got {type(value).__name__}", value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)

    return parse_datetime


def _format_datetime(params: DatetimeParams | None, ctx: BuildContext) -> StepFn:
    p = params or DatetimeParams()
    fmt, zone = p.format, _zone(p.tz)
    utc_out = p.tz == "UTC"
    parse = _parse_datetime(DatetimeParams(), ctx)

    def format_datetime(value: Any) -> Any:
        moment: datetime = parse(value).astimezone(zone)
        if fmt == EPOCH_SECONDS:
            return int(moment.timestamp())
        if fmt == EPOCH_MILLIS:
            return int(moment.timestamp() * 1000)
        if fmt != ISO:
            return moment.strftime(fmt)
        text = moment.isoformat()
        return text[:-6] + "Z" if utc_out and text.endswith("+00:00") else text

    return format_datetime


TIME_FUNCTIONS = (
    Function(
        "parse_date",
        "Text to a calendar date.",
        _parse_date,
        DateParams,
        False,
        lambda p: StepSpec("format_date", p or DateParams()),
    ),
    Function(
        "format_date",
        "Calendar date to text.",
        _format_date,
        DateParams,
        False,
        lambda p: StepSpec("parse_date", p or DateParams()),
    ),
    Function(
        "parse_datetime",
        "Text or epoch to a UTC-aware datetime.",
        _parse_datetime,
        DatetimeParams,
        False,
        lambda p: StepSpec("format_datetime", p or DatetimeParams()),
    ),
    Function(
        "format_datetime",
        "Datetime to text or epoch in a given zone ('Z' for UTC).",
        _format_datetime,
        DatetimeParams,
        False,
        lambda p: StepSpec("parse_datetime", p or DatetimeParams()),
    ),
)
