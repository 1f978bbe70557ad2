"""Trading-partner simulator: a supplier and a retail customer that talk EDI over SFTP.

They log in to the mailbox as the partner would (their own user and key, via paramiko)
and use the EDI translator as a partner's own EDI software would. Nothing of the hub
is imported: the simulator sees the hub only through the files it exchanges.
"""

from __future__ import annotations

from reference.edi_partner.customer import RetailCustomer
from reference.edi_partner.identity import Counter, Identity
from reference.edi_partner.mailbox import Mailbox
from reference.edi_partner.supplier import BEHAVIOURS, SupplierSimulator

__all__ = ["BEHAVIOURS", "Counter", "Identity", "Mailbox", "RetailCustomer", "SupplierSimulator"]
