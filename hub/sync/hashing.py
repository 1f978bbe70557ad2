"""Change detection: a stable hash of what a canonical record says, minus volatile fields."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from typing import Any

from hub.store.columns import dumps


def record_hash(canonical: Mapping[str, Any], exclude: Collection[str]) -> str:
    """``sha256:<hex>`` over the JSON form of the record without the `exclude` fields.

    None values are dropped, so a field that is absent and one that is null hash alike.
    """
    kept = {k: v for k, v in canonical.items() if k not in exclude and v is not None}
    return "sha256:" + hashlib.sha256(dumps(kept).encode()).hexdigest()


def idempotency_key(flow: str, canonical_id: str, digest: str, version: str = "") -> str:
    """The key a target write carries: the same flow, record, content and version, same key.

    `version` is the source record's change timestamp: a re-run after a crash re-reads the
    same version and repeats the key (the target ignores the repeat), while content that
    changes and later changes back is a new version, so the target does not swallow it.
    """
    text = f"{flow}\x1f{canonical_id}\x1f{digest}\x1f{version}"
    return "hub-" + hashlib.sha256(text.encode()).hexdigest()[:40]
