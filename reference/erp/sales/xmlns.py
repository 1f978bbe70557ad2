"""The sales service's namespace and an element builder for it."""

from __future__ import annotations

from reference.erp.soap.service import Builder

SALES_NS = "urn:reference:erp:sales"
B = Builder(SALES_NS)
