"""Code lists as data: ISO 3166-1 countries, ISO 4217 currencies, UN/ECE Rec 20 units."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from pydantic_core import core_schema as cs
from typing_extensions import TypeAliasType

# ISO 3166-1 alpha-2, all 249 officially assigned codes.
_COUNTRIES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""

# ISO 4217 active currency and fund codes with their minor units (decimal places).
# Precious metals, XDR and testing codes carry no minor unit and are left out.
_CURRENCIES = """
AED:2 AFN:2 ALL:2 AMD:2 ANG:2 AOA:2 ARS:2 AUD:2 AWG:2 AZN:2 BAM:2 BBD:2 BDT:2 BGN:2
BHD:3 BIF:0 BMD:2 BND:2 BOB:2 BOV:2 BRL:2 BSD:2 BTN:2 BWP:2 BYN:2 BZD:2 CAD:2 CDF:2
CHE:2 CHF:2 CHW:2 CLF:4 CLP:0 CNY:2 COP:2 COU:2 CRC:2 CUP:2 CVE:2 CZK:2 DJF:0 DKK:2
DOP:2 DZD:2 EGP:2 ERN:2 ETB:2 EUR:2 FJD:2 FKP:2 GBP:2 GEL:2 GHS:2 GIP:2 GMD:2 GNF:0
GTQ:2 GYD:2 HKD:2 HNL:2 HTG:2 HUF:2 IDR:2 ILS:2 INR:2 IQD:3 IRR:2 ISK:0 JMD:2 JOD:3
JPY:0 KES:2 KGS:2 KHR:2 KMF:0 KPW:2 KRW:0 KWD:3 KYD:2 KZT:2 LAK:2 LBP:2 LKR:2 LRD:2
LSL:2 LYD:3 MAD:2 MDL:2 MGA:2 MKD:2 MMK:2 MNT:2 MOP:2 MRU:2 MUR:2 MVR:2 MWK:2 MXN:2
MXV:2 MYR:2 MZN:2 NAD:2 NGN:2 NIO:2 NOK:2 NPR:2 NZD:2 OMR:3 PAB:2 PEN:2 PGK:2 PHP:2
PKR:2 PLN:2 PYG:0 QAR:2 RON:2 RSD:2 RUB:2 RWF:0 SAR:2 SBD:2 SCR:2 SDG:2 SEK:2 SGD:2
SHP:2 SLE:2 SOS:2 SRD:2 SSP:2 STN:2 SVC:2 SYP:2 SZL:2 THB:2 TJS:2 TMT:2 TND:3 TOP:2
TRY:2 TTD:2 TWD:2 TZS:2 UAH:2 UGX:0 USD:2 USN:2 UYI:0 UYU:2 UYW:4 UZS:2 VED:2 VES:2
VND:0 VUV:0 WST:2 XAF:0 XCD:2 XCG:2 XOF:0 XPF:0 YER:2 ZAR:2 ZMW:2 ZWG:2
"""

# UN/ECE Recommendation 20 unit codes the hub's systems use, with their names.
UNIT_NAMES: Mapping[str, str] = {
    "EA": "each",
    "C62": "one",
    "H87": "piece",
    "PCE": "piece",
    "NAR": "number of articles",
    "NPR": "number of pairs",
    "PR": "pair",
    "SET": "set",
    "DZN": "dozen",
    "KT": "kit",
    "BX": "box",
    "CT": "carton",
    "CS": "case",
    "PK": "pack",
    "PL": "pallet",
    "BG": "bag",
    "BO": "bottle",
    "CA": "can",
    "RO": "roll",
    "TU": "tube",
    "KGM": "kilogram",
    "GRM": "gram",
    "MGM": "milligram",
    "TNE": "tonne (metric ton)",
    "LBR": "pound",
    "ONZ": "ounce",
    "MTR": "metre",
    "CMT": "centimetre",
    "MMT": "millimetre",
    "KMT": "kilometre",
    "INH": "inch",
    "FOT": "foot",
    "YRD": "yard",
    "LM": "linear metre",
    "MTK": "square metre",
    "CMK": "square centimetre",
    "FTK": "square foot",
    "MTQ": "cubic metre",
    "CMQ": "cubic centimetre",
    "LTR": "litre",
    "MLT": "millilitre",
    "HLT": "hectolitre",
    "GLL": "gallon (US)",
    "SEC": "second",
    "MIN": "minute",
    "HUR": "hour",
    "DAY": "day",
    "WEE": "week",
    "MON": "month",
    "ANN": "year",
    "KWH": "kilowatt hour",
    "E48": "service unit",
}

COUNTRY_CODES: frozenset[str] = frozenset(_COUNTRIES.split())
CURRENCY_MINOR_UNITS: Mapping[str, int] = {
    code: int(units) for code, units in (item.split(":") for item in _CURRENCIES.split())
}
CURRENCY_CODES: frozenset[str] = frozenset(CURRENCY_MINOR_UNITS)
UNIT_CODES: frozenset[str] = frozenset(UNIT_NAMES)


@dataclass(frozen=True, slots=True)
class CodeList:
    """Annotation that validates a str against a code list inside pydantic-core."""

    name: str
    codes: frozenset[str]
    description: str

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        # A literal schema is a hash lookup in Rust; the custom error keeps the message
        # short instead of listing every code.
        return cs.custom_error_schema(
            cs.literal_schema(sorted(self.codes)),
            custom_error_type=f"{self.name}_code",
            custom_error_message=f"Input should be {self.description}",
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "enum": sorted(self.codes), "description": self.description}


CountryCode = TypeAliasType(
    "CountryCode",
    Annotated[str, CodeList("country", COUNTRY_CODES, "an ISO 3166-1 alpha-2 country code")],
)
CurrencyCode = TypeAliasType(
    "CurrencyCode",
    Annotated[str, CodeList("currency", CURRENCY_CODES, "an ISO 4217 currency code")],
)
UnitCode = TypeAliasType(
    "UnitCode",
    Annotated[str, CodeList("unit", UNIT_CODES, "a UN/ECE Recommendation 20 unit code")],
)


def minor_units(currency: str) -> int:
    """Decimal places of ``currency`` (ISO 4217 minor unit)."""
    return CURRENCY_MINOR_UNITS[currency]
