"""GS1 check digits and SSCC numbers (18 digits: extension, company prefix, serial, check)."""

from __future__ import annotations


def gs1_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit for a numeric body (GTIN, GLN or SSCC without its last digit)."""
    if not body.isdigit():
        raise ValueError("a GS1 number holds digits only")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gs1_valid(number: str) -> bool:
    """True when ``number`` is all digits and ends with its correct check digit."""
    return len(number) >= 2 and number.isdigit() and gs1_check_digit(number[:-1]) == number[-1]


def build_sscc(company_prefix: str, serial: int, extension: int = 0) -> str:
    """The SSCC for ``serial`` under ``company_prefix`` (7 to 10 digits)."""
    if not (company_prefix.isdigit() and 7 <= len(company_prefix) <= 10):
        raise ValueError("a GS1 company prefix has 7 to 10 digits")
    width = 16 - len(company_prefix)
    if not 0 <= serial < 10**width:
        raise ValueError(f"serial {serial} does not fit in {width} digits")
    if not 0 <= extension <= 9:
        raise ValueError("the extension digit is 0-9")
    body = f"{extension}{company_prefix}{serial:0{width}d}"
    return body + gs1_check_digit(body)


def valid_sscc(number: str) -> bool:
    return len(number) == 18 and gs1_valid(number)
