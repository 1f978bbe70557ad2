"""Envelopes and acknowledgements as the partner's EDI software writes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.edi.core.model import Interchange, Separators
from connectors.edi.edifact import InterchangeOut, MessageOut, generate_contrl
from connectors.edi.edifact import generate_interchange as generate_edifact
from connectors.edi.x12.ack import AckControlNumbers, acknowledge, write_acknowledgement
from connectors.edi.x12.writer import OutboundGroup, OutboundTransaction
from connectors.edi.x12.writer import generate_interchange as generate_x12
from reference.edi_partner.identity import Counter, Identity

X12_SEPARATORS = Separators(element="*", component=">", segment="~", repetition="^", suffix="\n")


def envelope(
    identity: Identity, counter: Counter, edi_type: str, body: Sequence[Any]
) -> tuple[str, str]:
    """(interchange text, interchange control number) carrying one document."""
    now = datetime.now(UTC)
    icn = counter.next()
    if identity.standard == "x12":
        text = generate_x12(
            [
                OutboundGroup(
                    str(icn),
                    [OutboundTransaction(edi_type, str(icn).zfill(4), list(body))],
                    version=identity.version,
                )
            ],
            sender_qualifier=identity.own_qualifier,
            sender=identity.own_id,
            receiver_qualifier=identity.hub_qualifier,
            receiver=identity.hub_id,
            control_number=str(icn).zfill(9),
            separators=X12_SEPARATORS,
            when=now,
        )
        return text, str(icn).zfill(9)
    text = generate_edifact(
        InterchangeOut(
            sender=identity.own_id,
            receiver=identity.hub_id,
            sender_qualifier=identity.own_qualifier,
            receiver_qualifier=identity.hub_qualifier,
            control_reference=str(icn),
            messages=[
                MessageOut(
                    reference=str(icn),
                    type=edi_type,
                    body=list(body),
                    version=identity.version[0],
                    release=identity.version[1:],
                )
            ],
            prepared=now,
            suffix="\n",
        )
    )
    return text, str(icn)


def acknowledgement(identity: Identity, counter: Counter, ic: Interchange) -> str:
    """The 997 or CONTRL the partner sends for an interchange it received."""
    if ic.standard == "x12":
        result = acknowledge(ic)
        n = counter.next()
        numbers = AckControlNumbers(
            str(n).zfill(9), [str(n)] * len(result.groups), [str(n).zfill(4)] * len(result.groups)
        )
        return write_acknowledgement(ic, result, numbers, include_ta1=False)
    return generate_contrl(ic, control_reference=str(counter.next()))
