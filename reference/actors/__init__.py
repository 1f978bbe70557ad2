"""Simulated people and partners that work the reference systems through their APIs."""

from __future__ import annotations

from reference.actors.base import Actor

__all__ = ["Actor"]
