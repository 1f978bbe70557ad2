"""The ERP's declarative base, shared by its master-data and procurement tables."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """All ERP tables."""
