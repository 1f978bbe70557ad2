"""Where things are: ship-to coordinates, great-circle distances and transit days."""

from __future__ import annotations

import hashlib
import math

EARTH_RADIUS_KM = 6371.0
# One day of road transit per started 500 km, and at least one day even next door.
KM_PER_TRANSIT_DAY = 500

# Well-known cities, matched by (country, lower-cased name).
CITIES: dict[tuple[str, str], tuple[float, float]] = {
    ("DE", "berlin"): (52.52, 13.40),
    ("DE", "hamburg"): (53.55, 9.99),
    ("DE", "munich"): (48.14, 11.58),
    ("DE", "münchen"): (48.14, 11.58),
    ("DE", "cologne"): (50.94, 6.96),
    ("DE", "köln"): (50.94, 6.96),
    ("DE", "frankfurt"): (50.11, 8.68),
    ("NL", "amsterdam"): (52.37, 4.90),
    ("NL", "rotterdam"): (51.92, 4.48),
    ("NL", "utrecht"): (52.09, 5.12),
    ("FR", "paris"): (48.86, 2.35),
    ("FR", "lyon"): (45.76, 4.84),
    ("FR", "marseille"): (43.30, 5.37),
    ("FR", "lille"): (50.63, 3.06),
    ("GB", "london"): (51.51, -0.13),
    ("GB", "manchester"): (53.48, -2.24),
    ("GB", "birmingham"): (52.49, -1.89),
    ("US", "new york"): (40.71, -74.01),
    ("US", "chicago"): (41.88, -87.63),
    ("US", "los angeles"): (34.05, -118.24),
}

# Where an unknown city of a country is placed: near the country's centre of population.
COUNTRY_ANCHORS: dict[str, tuple[float, float]] = {
    "DE": (51.0, 10.0),
    "NL": (52.2, 5.3),
    "FR": (46.8, 2.5),
    "GB": (52.8, -1.6),
    "US": (39.5, -89.0),
    "BE": (50.6, 4.5),
    "AT": (47.6, 14.1),
    "CH": (46.8, 8.2),
    "IT": (42.8, 12.5),
    "ES": (40.4, -3.7),
    "PL": (52.1, 19.4),
    "DK": (55.9, 10.0),
}
# How far (degrees) an unknown city may sit from its country's anchor.
SCATTER_LAT = 1.5
SCATTER_LON = 2.0


def locate(city: str, country: str) -> tuple[float, float] | None:
    """Coordinates for a city: exact when known, else a stable spot near the country anchor.

    The demo world's customer cities are invented names, so most fall back to the anchor,
    shifted by a hash of the name so that customers of one country do not all stand on
    one point and each city always lands in the same place.
    """
    key = (country.upper(), city.strip().lower())
    if key in CITIES:
        return CITIES[key]
    anchor = COUNTRY_ANCHORS.get(country.upper())
    if anchor is None:
        return None
    digest = hashlib.sha256(key[1].encode()).digest()
    dlat = (int.from_bytes(digest[:4], "big") / 2**32 * 2 - 1) * SCATTER_LAT
    dlon = (int.from_bytes(digest[4:8], "big") / 2**32 * 2 - 1) * SCATTER_LON
    return round(anchor[0] + dlat, 4), round(anchor[1] + dlon, 4)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def transit_days(distance_km: float) -> int:
    """Days on the road: one, plus one per full 500 km."""
    return 1 + int(distance_km // KM_PER_TRANSIT_DAY)
