"""Base class and error helper shared by every canonical model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class CanonicalModel(BaseModel):
    """Immutable pydantic model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def invariant_error(kind: str, field: str, detail: str) -> PydanticCustomError:
    """Build an error whose message starts with, and whose ctx carries, the field path."""
    # The path goes into both the message (readable in logs and dead letters) and ctx
    # (machine-readable), because a model validator's loc cannot point inside the model.
    return PydanticCustomError(kind, "{field}: {detail}", {"field": field, "detail": detail})
