"""Building blocks every part of a profile shares: the strict base model, secret references,
timeouts, retry policy and rate limits."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from connectors.secrets import REFERENCE_PATTERN, is_reference

SECRET_WORDS = re.compile(
    r"(?i)(authorization|api[-_]?key|private[-_]?key|passphrase|token|secret|password|signature)"
)
"""Names of headers and options that hold credentials, so must hold references."""


def _require_reference(value: str) -> str:
    if not is_reference(value):
        # Never echo the value: it is probably the secret itself.
        raise ValueError(
            "a literal secret is not allowed in a profile; give a reference instead: "
            "env:VAR_NAME, airflow:conn_id[.field] or file:/path"
        )
    return value


SecretRef = Annotated[
    str,
    AfterValidator(_require_reference),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": REFERENCE_PATTERN,
            "examples": ["env:CRM_CLIENT_SECRET", "airflow:crm.password", "file:/run/secrets/crm"],
        }
    ),
]
"""A reference to a secret, never the secret: ``env:``, ``airflow:`` or ``file:``."""


class StrictModel(BaseModel):
    """Frozen, and unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Timeouts(StrictModel):
    """Network timeouts in seconds; every request has both."""

    connect: float = Field(5.0, gt=0, description="Seconds to wait for a connection.")
    read: float = Field(30.0, gt=0, description="Seconds to wait between bytes of the answer.")


class RetryPolicy(StrictModel):
    """Exponential backoff with jitter for retriable errors (connection, timeout, 429, 5xx)."""

    max_attempts: int = Field(5, ge=1, le=20, description="Attempts in all, the first included.")
    backoff_base: float = Field(0.5, ge=0, description="Seconds before the first retry.")
    backoff_cap: float = Field(30.0, ge=0, description="Longest wait between two attempts.")
    jitter: float = Field(
        0.2, ge=0, le=1, description="Fraction of each wait that is random (0 = none)."
    )
    retry_after_cap: float = Field(
        120.0, ge=0, description="Longest wait honoured from a Retry-After header."
    )


class RateLimit(StrictModel):
    """A token bucket: steady requests per second, with bursts up to ``burst``."""

    requests_per_second: float = Field(gt=0, description="Sustained request rate.")
    burst: int = Field(1, ge=1, description="Requests that may go at once after a quiet spell.")
