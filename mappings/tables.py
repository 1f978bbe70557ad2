"""Lookup tables of the function library: country names to ISO 3166 and units of measure."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import Decimal

from canonical.codes import COUNTRY_CODES

# Names and alpha-3 codes that dirty CRM data uses for the countries the hub trades with;
# alpha-2 codes are accepted as they are. Keys are folded by ``fold_name``.
_COUNTRY_NAMES = """
AT: austria, osterreich, aut, republic of austria
BE: belgium, belgie, belgique, belgien, bel
BG: bulgaria, bgr
BR: brazil, brasil, bra
CA: canada, can
CH: switzerland, schweiz, suisse, svizzera, che
CN: china, people's republic of china, prc, chn
CZ: czech republic, czechia, tschechien, cze
DE: germany, deutschland, allemagne, alemania, federal republic of germany, deu, ger
DK: denmark, danmark, danemark, dnk
EE: estonia, est
ES: spain, espana, spanien, espagne, esp
FI: finland, suomi, fin
FR: france, frankreich, francia, fra
GB: united kingdom, uk, great britain, britain, england, scotland, wales, gbr
GR: greece, griechenland, grc
HR: croatia, hrv
HU: hungary, ungarn, hun
IE: ireland, irland, eire, irl
IN: india, ind
IT: italy, italien, italia, ita
JP: japan, jpn
KR: south korea, korea, republic of korea, kor
LT: lithuania, ltu
LU: luxembourg, luxemburg, lux
LV: latvia, lva
MX: mexico, mex
NL: netherlands, the netherlands, holland, niederlande, nederland, pays-bas, nld
NO: norway, norwegen, norge, nor
PL: poland, polen, polska, pol
PT: portugal, prt
RO: romania, rumanien, rou
SE: sweden, schweden, sverige, swe
SI: slovenia, svn
SK: slovakia, slowakei, svk
TR: turkey, turkiye, turkei, tur
US: united states, united states of america, usa, us of a, america, u s, u s a
ZA: south africa, zaf
AU: australia, aus
NZ: new zealand, nzl
SG: singapore, sgp
AE: united arab emirates, uae, are
"""


def fold_name(text: str) -> str:
    """Case-fold, strip accents and punctuation, and collapse spaces, for name matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = [
        c if c.isalnum() or c == "'" else " " for c in decomposed if not unicodedata.combining(c)
    ]
    return " ".join("".join(kept).split())


def _country_table() -> dict[str, str]:
    table = {fold_name(code): code for code in COUNTRY_CODES}
    table.update({code: code for code in COUNTRY_CODES})
    for line in _COUNTRY_NAMES.strip().splitlines():
        code, names = line.split(":", 1)
        for name in names.split(","):
            table[fold_name(name)] = code.strip()
            table.setdefault(name.strip().title(), code.strip())
    return table


COUNTRY_BY_NAME: Mapping[str, str] = _country_table()

# Each unit's size in its dimension's base unit (g, mm, ml, piece, s); exact decimals.
_UNIT_FACTORS: dict[str, tuple[str, Decimal]] = {
    "MGM": ("mass", Decimal("0.001")),
    "GRM": ("mass", Decimal(1)),
    "KGM": ("mass", Decimal(1000)),
    "TNE": ("mass", Decimal(1000000)),
    "LBR": ("mass", Decimal("453.59237")),
    "ONZ": ("mass", Decimal("28.349523125")),
    "MMT": ("length", Decimal(1)),
    "CMT": ("length", Decimal(10)),
    "MTR": ("length", Decimal(1000)),
    "KMT": ("length", Decimal(1000000)),
    "INH": ("length", Decimal("25.4")),
    "FOT": ("length", Decimal("304.8")),
    "YRD": ("length", Decimal("914.4")),
    "MLT": ("volume", Decimal(1)),
    "CMQ": ("volume", Decimal(1)),
    "LTR": ("volume", Decimal(1000)),
    "HLT": ("volume", Decimal(100000)),
    "MTQ": ("volume", Decimal(1000000)),
    "GLL": ("volume", Decimal("3785.411784")),
    "EA": ("count", Decimal(1)),
    "C62": ("count", Decimal(1)),
    "H87": ("count", Decimal(1)),
    "PCE": ("count", Decimal(1)),
    "NAR": ("count", Decimal(1)),
    "PR": ("count", Decimal(2)),
    "DZN": ("count", Decimal(12)),
    "SEC": ("time", Decimal(1)),
    "MIN": ("time", Decimal(60)),
    "HUR": ("time", Decimal(3600)),
    "DAY": ("time", Decimal(86400)),
}

PIECE_CODES = frozenset({"EA", "C62", "H87", "PCE", "NAR"})

# Spellings seen in source systems, folded; a piece alias resolves to the caller's choice.
_UNIT_ALIASES = {
    "mg": "MGM",
    "g": "GRM",
    "gr": "GRM",
    "gram": "GRM",
    "grams": "GRM",
    "kg": "KGM",
    "kgs": "KGM",
    "kilo": "KGM",
    "kilogram": "KGM",
    "t": "TNE",
    "ton": "TNE",
    "tonne": "TNE",
    "lb": "LBR",
    "lbs": "LBR",
    "pound": "LBR",
    "oz": "ONZ",
    "mm": "MMT",
    "cm": "CMT",
    "m": "MTR",
    "meter": "MTR",
    "metre": "MTR",
    "km": "KMT",
    "in": "INH",
    "inch": "INH",
    "ft": "FOT",
    "foot": "FOT",
    "yd": "YRD",
    "ml": "MLT",
    "l": "LTR",
    "ltr": "LTR",
    "liter": "LTR",
    "litre": "LTR",
    "hl": "HLT",
    "m3": "MTQ",
    "gal": "GLL",
    "dozen": "DZN",
    "dz": "DZN",
    "pair": "PR",
    "pairs": "PR",
    "s": "SEC",
    "min": "MIN",
    "h": "HUR",
    "hr": "HUR",
    "d": "DAY",
}
_PIECE_ALIASES = frozenset(
    {"st", "stk", "stuck", "pc", "pcs", "piece", "pieces", "ea", "each", "unit", "units"}
)


def unit_code(text: str, piece_code: str) -> str | None:
    """The Rec 20 code for a unit spelling, or None when the spelling is unknown."""
    upper = text.strip().upper()
    if upper in PIECE_CODES:
        return piece_code
    if upper in _UNIT_FACTORS:
        return upper
    folded = fold_name(text)
    if folded in _PIECE_ALIASES:
        return piece_code
    return _UNIT_ALIASES.get(folded)


def unit_factor(from_code: str, to_code: str) -> Decimal:
    """The exact factor that turns a quantity in ``from_code`` into one in ``to_code``."""
    from_dim, from_size = _UNIT_FACTORS[from_code]
    to_dim, to_size = _UNIT_FACTORS[to_code]
    if from_dim != to_dim:
        raise ValueError(f"cannot convert {from_code} ({from_dim}) to {to_code} ({to_dim})")
    return from_size / to_size


CONVERTIBLE_UNITS: frozenset[str] = frozenset(_UNIT_FACTORS)
