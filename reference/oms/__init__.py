"""Reference OMS: channel orders, available-to-promise and allocation over REST/JSON.

API key in ``X-API-Key``; offset/limit lists with RFC 8288 Link headers. See README.md.
"""

from __future__ import annotations

from reference.kit.spec import SystemSpec
from reference.oms.app import create_app
from reference.oms.auth import DEFAULT_KEY, DEFAULT_READONLY_KEY, KEY_ENV, READONLY_KEY_ENV
from reference.oms.seed import seed

SPEC = SystemSpec(
    name="oms",
    title="Reference OMS (order management)",
    default_port=8103,
    protocol="REST/JSON",
    auth="API key in the X-API-Key header (full key, or a read-only key that gets 403 on writes)",
    credentials={"api_key": DEFAULT_KEY, "readonly_api_key": DEFAULT_READONLY_KEY},
    create_app=create_app,
    seed=seed,
    extra={"api_key_env": KEY_ENV, "readonly_api_key_env": READONLY_KEY_ENV},
)

__all__ = ["SPEC", "create_app", "seed"]
