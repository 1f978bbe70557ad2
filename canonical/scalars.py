"""Scalar field types: UTC datetimes, GS1 keys, identifiers and short texts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from canonical.checks import is_valid_gln, is_valid_gtin, is_valid_sscc


def _to_utc(value: datetime) -> datetime:
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _gtin(value: str) -> str:
    if not is_valid_gtin(value):
        raise ValueError("GTIN check digit is wrong")
    return value


def _gln(value: str) -> str:
    if not is_valid_gln(value):
        raise ValueError("GLN check digit is wrong")
    return value


def _sscc(value: str) -> str:
    if not is_valid_sscc(value):
        raise ValueError("SSCC check digit is wrong")
    return value


# Naive datetimes are refused by AwareDatetime (the error names the field); aware ones are
# converted so that every stored instant reads in UTC.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]

# The pattern runs in pydantic-core; only a value of the right shape reaches the
# Python check-digit validator, and an absent optional key costs nothing.
Gtin = Annotated[str, Field(pattern=r"^(?:\d{8}|\d{12,14})$"), AfterValidator(_gtin)]
Gln = Annotated[str, Field(pattern=r"^\d{13}$"), AfterValidator(_gln)]
Sscc = Annotated[str, Field(pattern=r"^\d{18}$"), AfterValidator(_sscc)]

HubId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=35)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
PhoneE164 = Annotated[str, StringConstraints(pattern=r"^\+[1-9]\d{1,14}$")]
SystemName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,31}$")]
