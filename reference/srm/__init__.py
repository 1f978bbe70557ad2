"""Reference SRM: a REST/JSON supplier portal (see README.md in this package)."""

from __future__ import annotations

from reference.kit.spec import SystemSpec
from reference.srm.app import API_KEY_ENV, api_key_from_env, create_app
from reference.srm.seed import seed

SPEC = SystemSpec(
    name="srm",
    title="Reference SRM (supplier portal)",
    default_port=8105,
    protocol="REST/JSON",
    auth="API key in the query string: ?apikey=... (401 without or with a wrong key)",
    credentials={"apikey": api_key_from_env()},
    create_app=create_app,
    seed=seed,
    extra={"apikey_env": API_KEY_ENV, "money": "decimal strings", "paging": "offset/limit"},
)

__all__ = ["SPEC"]
