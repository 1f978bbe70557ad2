"""Check-digit helpers: GS1 mod-10 (GTIN, GLN, SSCC) and IBAN mod-97."""

from __future__ import annotations

_GTIN_LENGTHS = frozenset({8, 12, 13, 14})


def gs1_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for the digits that precede it."""
    if not body.isascii() or not body.isdigit():
        raise ValueError("GS1 keys hold digits only")
    # Weights alternate 3, 1, ... starting from the digit next to the check digit.
    total = 3 * sum(map(int, body[-1::-2])) + sum(map(int, body[-2::-2]))
    return (10 - total % 10) % 10


def has_valid_gs1_check_digit(key: str) -> bool:
    """True when ``key`` is all digits and its last digit is the GS1 check digit."""
    if len(key) < 2 or not key.isascii() or not key.isdigit():
        return False
    return gs1_check_digit(key[:-1]) == int(key[-1])


def is_valid_gtin(value: str) -> bool:
    """True for a GTIN-8, -12, -13 or -14 with a correct check digit."""
    return len(value) in _GTIN_LENGTHS and has_valid_gs1_check_digit(value)


def is_valid_gln(value: str) -> bool:
    """True for a 13-digit GLN with a correct check digit."""
    return len(value) == 13 and has_valid_gs1_check_digit(value)


def is_valid_sscc(value: str) -> bool:
    """True for an 18-digit SSCC with a correct check digit."""
    return len(value) == 18 and has_valid_gs1_check_digit(value)


def with_gs1_check_digit(body: str) -> str:
    """Append the GS1 check digit to ``body``."""
    return body + str(gs1_check_digit(body))


def is_valid_iban(value: str) -> bool:
    """True when ``value`` (no spaces) passes the ISO 13616 mod-97 check."""
    if not 15 <= len(value) <= 34 or not value.isascii() or not value.isalnum():
        return False
    if not value[:2].isalpha() or not value[2:4].isdigit():
        return False
    rearranged = (value[4:] + value[:4]).upper()
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1
