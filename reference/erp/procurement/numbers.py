"""Number ranges of procurement documents: PO 45000xxxxx, GR 50000xxxxx and the rest."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.procurement.models import NumberRange

# object -> the number before the first one issued; all numbers are 10 digits.
RANGE_START: dict[str, int] = {
    "VENDOR": 100000,
    "PO": 4500000000,
    "GR": 5000000000,
    "INVOICE": 5105600000,
    "FI_DOC": 1000000000,
}


def next_number(session: Session, obj: str) -> str:
    """Draw the next number of range ``obj`` as a 10-digit string."""
    # One atomic UPDATE .. RETURNING, so concurrent requests never draw the same number.
    stmt = (
        sa.update(NumberRange)
        .where(NumberRange.object == obj)
        .values(last_no=NumberRange.last_no + 1)
        .returning(NumberRange.last_no)
    )
    drawn = session.execute(stmt).scalar_one_or_none()
    if drawn is None:
        drawn = RANGE_START[obj] + 1
        session.add(NumberRange(object=obj, last_no=drawn))
        session.flush()
    return f"{drawn:010d}"


def alpha(number: str, width: int = 10) -> str:
    """SAP's ALPHA conversion: a purely numeric key is padded with zeros to ``width``."""
    return number.zfill(width) if number.isdigit() else number
