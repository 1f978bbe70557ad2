"""What a partner profile means to the translator: code mappings and separators."""

from __future__ import annotations

from connectors.edi.core.model import Separators
from connectors.edi.edifact import ServiceChars
from connectors.edi.edifact.translate.common import PartnerOptions as EdifactOptions
from connectors.edi.x12.translate.common import DEFAULT_UNITS_IN
from connectors.edi.x12.translate.common import PartnerOptions as X12Options
from hub.edi.partner import PartnerProfile


def x12_options(profile: PartnerProfile) -> X12Options:
    """X12 translation options: their items -> our skus, their units -> Rec 20."""
    units = dict(DEFAULT_UNITS_IN)
    units.update(profile.mappings.units)
    return X12Options(
        partner_system=profile.id.lower(),
        item_to_sku=dict(profile.mappings.items),
        units_in=units,
        default_currency=profile.currency,
        default_country=profile.country,
    )


def edifact_chars(profile: PartnerProfile) -> ServiceChars:
    """The UNA service characters we write to the partner."""
    s = profile.edifact_separators
    return ServiceChars(
        component=s.component,
        element=s.element,
        decimal=s.decimal,
        release=s.release,
        repetition=s.repetition,
        terminator=s.terminator,
    )


def edifact_options(profile: PartnerProfile) -> EdifactOptions:
    """EDIFACT translation options: our skus -> their items, Rec 20 -> their units."""
    return EdifactOptions(
        partner=profile.id.lower(),
        sku_to_item={sku: item for item, sku in profile.mappings.items.items()},
        unit_to_partner={ours: theirs for theirs, ours in profile.mappings.units.items()},
        chars=edifact_chars(profile),
    )


def x12_separators(profile: PartnerProfile) -> Separators:
    """The delimiters we write X12 with."""
    s = profile.x12_separators
    return Separators(
        element=s.element,
        component=s.component,
        segment=s.segment,
        repetition=s.repetition,
        suffix="\n" if s.newline else "",
    )


def x12_syntax(profile: PartnerProfile) -> str:
    """ISA12 for this partner (00401 unless the profile says otherwise)."""
    return profile.syntax or "00401"
