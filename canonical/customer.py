"""Customer: the canonical customer party master."""

from __future__ import annotations

from canonical.party import PartyMaster


class Customer(PartyMaster):
    """A customer account, as the CRM and ERP both know it."""
