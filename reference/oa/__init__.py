"""Reference OA: a REST/JSON approval workflow engine (see README.md in this package)."""

from __future__ import annotations

from reference.kit.spec import SystemSpec
from reference.oa.app import (
    PREFIX_ENV,
    SECRET_ENV,
    TOKEN_ENV,
    approver_token,
    callback_secret,
    create_app,
    integration_token,
)
from reference.oa.seed import seed

SPEC = SystemSpec(
    name="oa",
    title="Reference OA (approval workflows)",
    default_port=8106,
    protocol="REST/JSON",
    auth="Authorization: Bearer <personal access token> (hub user, or one per approver)",
    credentials={
        "token": integration_token(),
        "callback_secret": callback_secret(),
        "approver_token_mgr.meyer": approver_token("mgr.meyer"),
        "approver_token_fin.okafor": approver_token("fin.okafor"),
        "approver_token_ceo.lind": approver_token("ceo.lind"),
    },
    create_app=create_app,
    seed=seed,
    extra={
        "token_env": TOKEN_ENV,
        "callback_secret_env": SECRET_ENV,
        "approver_token_prefix_env": PREFIX_ENV,
        "money": "decimal strings in String variables",
    },
)

__all__ = ["SPEC"]
