"""Load the world's suppliers into the SRM as vendors, with their onboarding history."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from reference.kit.db import make_engine, make_sessionmaker
from reference.seed.world import World
from reference.srm.models import Base, Certificate, Vendor, VendorStatusChange
from reference.srm.onboarding import vendor_code

# The path each world status took through onboarding, so seeded history is consistent.
PATHS: dict[str, list[str]] = {
    "prospect": ["PROSPECT"],
    "approved": ["PROSPECT", "APPROVED"],
    "suspended": ["PROSPECT", "APPROVED", "SUSPENDED"],
    "blocked": ["PROSPECT", "APPROVED", "BLOCKED"],
}
REASONS = {
    "PROSPECT": "registered",
    "APPROVED": "qualification passed",
    "SUSPENDED": "quality audit findings",
    "BLOCKED": "compliance breach",
}


def seed(db_url: str, world: World) -> None:
    """Create tables and insert the world's suppliers not yet present (by buyer_ref)."""
    engine = make_engine(db_url)
    try:
        Base.metadata.create_all(engine)
        with make_sessionmaker(engine)() as session:
            known = set(session.scalars(sa.select(Vendor.buyer_ref)))
            for supplier in world.suppliers:
                if supplier.number in known:
                    continue
                path = PATHS[supplier.status]
                vendor = Vendor(
                    name=supplier.name,
                    country=supplier.country,
                    currency=supplier.currency,
                    tax_id=supplier.tax_id,
                    email=supplier.email,
                    buyer_ref=supplier.number,
                    lead_time_days=supplier.lead_time_days,
                    edi_partner=supplier.edi_partner,
                    status=path[-1],
                )
                session.add(vendor)
                session.flush()
                vendor.vendor_id = vendor_code(vendor.id)
                previous: str | None = None
                for status in path:
                    session.add(
                        VendorStatusChange(
                            vendor_pk=vendor.id,
                            from_status=previous,
                            to_status=status,
                            reason=REASONS[status],
                            actor="seed",
                        )
                    )
                    previous = status
                for cert in supplier.certificates:
                    session.add(
                        Certificate(
                            vendor_pk=vendor.id,
                            cert_type=cert.kind,
                            number=cert.number,
                            issued=cert.valid_to - timedelta(days=3 * 365),
                            valid_until=cert.valid_to,
                        )
                    )
            session.commit()
    finally:
        engine.dispose()
