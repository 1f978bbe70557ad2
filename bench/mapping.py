"""Benchmark: CRM accounts to canonical Customer, mapping engine against hand-written code.

Streams 200,000 generated CRM account records in batches and prints records per second for
the mapping alone and for mapping plus Customer validation, each with its ratio to a
hand-written Python function doing the same work, all measured in this one run.
Run: ``.venv/bin/python bench/mapping.py [--records N]``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from canonical import Customer  # noqa: E402
from mappings import Rejected, compile_mapping  # noqa: E402
from mappings.tables import COUNTRY_BY_NAME, fold_name  # noqa: E402

MAPPING = ROOT / "mappings" / "examples" / "crm" / "account.yaml"
BATCH = 2_000
CITIES = [
    ("Berlin", "10115", "Germany"),
    ("Hamburg", "20095", "DE"),
    ("München", "80331", "deutschland"),
    ("Paris", "75001", "France"),
    ("Lyon", "69001", "FR"),
    ("Amsterdam", "1011", "Netherlands"),
    ("Wien", "1010", "Österreich"),
    ("Zürich", "8001", "Switzerland"),
    ("London", "EC1A 1BB", "United Kingdom"),
    ("Madrid", "28001", "Spain"),
    ("Milano", "20121", "IT"),
    ("New York", "10001", "USA"),
]
TIERS = ["GOLD", "Silver", "bronze", "PLATINUM", "unknown-tier", None]


def accounts(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Yield CRM-style account records (camelCase, a little dirty), one at a time."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(count):
        city, zip_code, country = rng.choice(CITIES)
        record: dict[str, Any] = {
            "accountId": f"ACC-{n:07d}",
            "accountName": f"  Customer {n}  {rng.choice(['GmbH', 'AG', 'SARL', 'Ltd'])} ",
            "taxNumber": f"DE{rng.randrange(10**8, 10**9)}" if rng.random() < 0.8 else None,
            "email": f"buyer{n}@example.com" if rng.random() < 0.9 else "",
            "phone": f"+49{rng.randrange(10**9, 10**10)}",
            "billingAddress": {
                "street": f"Hauptstraße  {rng.randrange(1, 200)}",
                "city": city,
                "zip": zip_code,
                "country": country,
            },
            "externalIds": {"erp": f"C-{n:06d}"} if rng.random() < 0.7 else {},
            "tier": rng.choice(TIERS),
            "creditLimit": f"{rng.randrange(0, 500000)}.{rng.randrange(0, 100):02d}",
            "lastModified": (start + timedelta(seconds=n * 37)).isoformat(),
            "isDeleted": rng.random() < 0.01,
        }
        if rng.random() < 0.5:
            scity, szip, scountry = rng.choice(CITIES)
            record["shippingAddress"] = {
                "street": f"Lagerweg {rng.randrange(1, 50)}",
                "city": scity,
                "zip": szip,
                "country": scountry,
            }
        yield record


_TIERS = {"platinum": "platinum", "gold": "gold", "silver": "silver", "bronze": "bronze"}
_CENT = Decimal("0.01")


def _country(text: str) -> str:
    code = COUNTRY_BY_NAME.get(text) or COUNTRY_BY_NAME.get(fold_name(text))
    if code is None:
        raise ValueError(f"unknown country {text!r}")
    return code


def _address(role: str, native: dict[str, Any]) -> dict[str, Any]:
    address: dict[str, Any] = {"role": role}
    if native.get("street"):
        address["lines"] = [" ".join(native["street"].split())]
    if native.get("city"):
        address["city"] = native["city"].strip()
    if native.get("zip"):
        address["postal_code"] = native["zip"].strip()
    if native.get("country"):
        address["country"] = _country(native["country"])
    return address


def hand_written(native: dict[str, Any]) -> dict[str, Any] | None:
    """The same transformation as the YAML mapping, written by hand (None: filtered)."""
    if native.get("isDeleted") is True:
        return None
    out: dict[str, Any] = {}
    refs = [{"system": "crm", "id": native["accountId"]}]
    erp = (native.get("externalIds") or {}).get("erp")
    if erp:
        refs.append({"system": "erp", "id": erp})
    out["external_refs"] = refs
    out["legal_name"] = " ".join(native["accountName"].split())
    if native.get("taxNumber"):
        out["tax_ids"] = [{"scheme": "EU:VAT", "value": native["taxNumber"].strip()}]
    addresses = []
    if native.get("billingAddress"):
        addresses.append(_address("bill_to", native["billingAddress"]))
    if native.get("shippingAddress"):
        addresses.append(_address("ship_to", native["shippingAddress"]))
    if addresses:
        out["addresses"] = addresses
    if native.get("email"):
        contact: dict[str, Any] = {"name": " ".join(native["accountName"].split())}
        contact["role"] = "primary"
        contact["email"] = native["email"].strip().lower()
        if native.get("phone"):
            contact["phone"] = native["phone"].strip()
        out["contacts"] = [contact]
    tier = native.get("tier")
    if tier:
        out["tier"] = _TIERS.get(tier.casefold(), "standard")
    limit = native.get("creditLimit")
    if limit:
        out["credit_limit"] = {
            "amount": Decimal(limit.strip()).quantize(_CENT, rounding=ROUND_HALF_UP),
            "currency": "EUR",
        }
    modified = native.get("lastModified")
    if modified:
        moment = datetime.fromisoformat(modified.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        out["updated_at"] = moment.astimezone(UTC)
    return out


def hand_written_validated(batch: list[dict[str, Any]]) -> list[Customer]:
    """Hand-written mapping plus validation; like map_batch it keeps the batch's results
    (a sink writes them next) and one record's failure does not stop the rest."""
    customers: list[Customer] = []
    for native in batch:
        try:
            mapped = hand_written(native)
            if mapped is not None:
                customers.append(Customer.model_validate(mapped))
        except ValueError:
            continue
    return customers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    args = parser.parse_args()
    mapping = compile_mapping(MAPPING)

    # The two must agree before their speed means anything.
    for native in accounts(2_000, seed=99):
        engine = mapping.to_canonical(native)
        expected = hand_written(native)
        assert (expected is None) == isinstance(engine, Rejected), native
        assert expected is None or engine == expected, (native, engine, expected)

    def map_engine(batch: list[dict[str, Any]]) -> int:
        to_canonical = mapping.to_canonical
        return sum(1 for native in batch if not isinstance(to_canonical(native), Rejected))

    def map_hand(batch: list[dict[str, Any]]) -> int:
        return sum(1 for native in batch if hand_written(native) is not None)

    def validate_engine(batch: list[dict[str, Any]]) -> int:
        return len(mapping.map_batch(batch).mapped)

    timers: dict[str, float] = dict.fromkeys(("hand", "engine", "hand+v", "engine+v"), 0.0)
    runners: dict[str, Callable[[list[dict[str, Any]]], int]] = {
        "hand": map_hand,
        "engine": map_engine,
        "hand+v": lambda batch: len(hand_written_validated(batch)),
        "engine+v": validate_engine,
    }
    outputs: dict[str, int] = dict.fromkeys(timers, 0)
    stream = accounts(args.records)
    total = 0
    while batch := list(itertools.islice(stream, BATCH)):
        total += len(batch)
        # Interleaved per batch, so drift in machine speed hits every variant alike.
        for name, runner in runners.items():
            began = time.perf_counter()
            outputs[name] += runner(batch)
            timers[name] += time.perf_counter() - began

    def rate(name: str) -> float:
        return total / timers[name]

    alone = rate("engine") / rate("hand")
    validated = rate("engine+v") / rate("hand+v")
    print(f"{total:,} CRM accounts, batches of {BATCH:,}; mapped {outputs['engine']:,}")
    print(f"{'variant':<28}{'records/s':>12}{'hand-written':>14}{'ratio':>8}{'target':>8}")
    print(
        f"{'mapping alone':<28}{rate('engine'):>12,.0f}{rate('hand'):>14,.0f}"
        f"{alone:>8.2f}{'>=0.50':>8}"
    )
    print(
        f"{'mapping + model_validate':<28}{rate('engine+v'):>12,.0f}{rate('hand+v'):>14,.0f}"
        f"{validated:>8.2f}{'>=0.80':>8}"
    )
    assert outputs["engine+v"] == outputs["hand+v"], outputs
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
