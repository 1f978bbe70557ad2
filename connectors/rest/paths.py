"""Moved to `connectors.paths` (shared by REST and SOAP); kept for old imports."""

from __future__ import annotations

from connectors.paths import MISSING, fill_template, lookup

__all__ = ["MISSING", "fill_template", "lookup"]
