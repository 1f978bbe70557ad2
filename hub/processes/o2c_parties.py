"""Who an order's customer is in each system: the xref table, then the documented fallbacks."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from canonical.types import PartyRef
from connectors.errors import ClientError
from hub.processes.framework import ProcessContext
from hub.store.errors import XrefConflictError
from hub.store.xref import canonical_id_for, link, populate_or_lookup, system_id_for

log = logging.getLogger(__name__)

CUSTOMER = "customer"


def partner_system(partner_id: str) -> str:
    """The xref system name under which a trading partner's own party ids are kept."""
    return f"edi:{partner_id}"


class OrderParties:
    """An `XrefResolver` for order mappings, backed by the state store's xref table.

    Customers the xref does not know yet are resolved the way the demo landscape is
    wired, and the answer is linked so the next lookup is a plain xref read:

    - an OMS ``customer_ref`` is the ERP customer number (the OMS customer master is fed
      from the ERP), so an unknown OMS customer gets a hub id linked to both;
    - a CRM account is the one carrying the ERP number as its external id ``erp``, both
      ways (a CRM-only account stays unresolved: the ERP could not bill it).

    A customer none of these find stays unresolved (None): the mapping then fails the
    record, which becomes a dead letter.
    """

    def __init__(self, ctx: ProcessContext, session: Session) -> None:
        self.ctx = ctx
        self.session = session

    # XrefResolver -------------------------------------------------------------------------

    def canonical_id(self, entity: str, system: str, system_id: str) -> str | None:
        known = canonical_id_for(self.session, entity, system, system_id)
        if known is not None or entity != CUSTOMER or system not in ("oms", "crm"):
            return known
        if system == "crm":
            return self._from_crm_account(system_id)
        by_erp = canonical_id_for(self.session, CUSTOMER, "erp", system_id)
        if by_erp is not None:
            self._link(by_erp, "oms", system_id)
            return by_erp
        hub_id = populate_or_lookup(self.session, CUSTOMER, "oms", system_id)
        self._link(hub_id, "erp", system_id)
        return hub_id

    def system_id(self, entity: str, canonical_id: str, system: str) -> str | None:
        known = system_id_for(self.session, entity, canonical_id, system)
        if known is not None or entity != CUSTOMER:
            return known
        if system == "crm":
            return self._crm_account(canonical_id)
        if system in ("oms", "erp"):
            other = system_id_for(
                self.session, CUSTOMER, canonical_id, "erp" if system == "oms" else "oms"
            )
            if other is not None:
                self._link(canonical_id, system, other)
            return other
        return None

    # partners -----------------------------------------------------------------------------

    def partner_customer(self, partner_id: str, party: PartyRef) -> str | None:
        """The hub customer a partner's buyer party is: by GLN, their id, or the partner."""
        system = partner_system(partner_id)
        keys = [party.hub_id and f"hub:{party.hub_id}", party.gln]
        keys += [ref.id for ref in party.external_refs]
        keys.append("*")  # the partner as a whole, when all its stores are one customer
        for key in keys:
            if key:
                found = canonical_id_for(self.session, CUSTOMER, system, key)
                if found is not None:
                    return found
        return None

    # helpers ------------------------------------------------------------------------------

    def _crm_account(self, hub_id: str) -> str | None:
        erp_no = self.system_id(CUSTOMER, hub_id, "erp")
        if erp_no is None:
            return None
        crm = self.ctx.systems.rest("crm")
        try:
            response = crm.request(
                "GET",
                f"/accounts/by-external-id/erp/{erp_no}",
                entity="accounts",
                allow_status=(404, 410),
            )
        except ClientError as exc:
            log.info("order to cash: no CRM account for %s (%s)", erp_no, exc)
            return None
        if response.status_code != 200:
            return None
        account: dict[str, Any] = crm.json(response)
        account_id = str(account.get("accountId") or "") or None
        if account_id is not None:
            self._link(hub_id, "crm", account_id)
        return account_id

    def _from_crm_account(self, account_id: str) -> str | None:
        """The hub customer of a CRM account that carries an ERP number, linked both ways."""
        crm = self.ctx.systems.rest("crm")
        response = crm.request(
            "GET", f"/accounts/{account_id}", entity="accounts", allow_status=(404, 410)
        )
        if response.status_code != 200:
            return None
        erp_no = (crm.json(response).get("externalIds") or {}).get("erp")
        if not erp_no:
            return None  # a CRM-only account: the ERP could not bill it
        hub_id = canonical_id_for(self.session, CUSTOMER, "erp", str(erp_no))
        if hub_id is None:
            hub_id = populate_or_lookup(self.session, CUSTOMER, "erp", str(erp_no))
        self._link(hub_id, "crm", account_id)
        return hub_id

    def _link(self, hub_id: str, system: str, system_id: str) -> None:
        try:
            with self.session.begin_nested():
                link(self.session, CUSTOMER, hub_id, system, system_id)
        except XrefConflictError:
            log.info("order to cash: %s %s is already linked elsewhere", system, system_id)
