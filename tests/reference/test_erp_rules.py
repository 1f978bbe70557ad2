"""Procurement rules of the ERP, unit-tested on plain values and an in-memory Session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.db import Base
from reference.erp.models.master import BomComponent, Item
from reference.erp.procurement import matching, mrp, stock
from reference.erp.procurement.models import Plant
from reference.erp.procurement.tolerances import Tolerances
from reference.erp.soap.faults import SoapFault

D = Decimal
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def facts(price: str = "10", received: str = "10", invoiced: str = "0") -> matching.LineFacts:
    return matching.LineFacts(D(price), D(received), D(invoiced))


@pytest.mark.parametrize(
    ("qty", "price", "line", "tol", "expected"),
    [
        ("10", "10.20", facts(), Tolerances(), []),  # exactly +2 %
        ("10", "9.80", facts(), Tolerances(), []),  # exactly -2 %
        ("10", "10.21", facts(), Tolerances(), ["PRICE_VARIANCE"]),
        ("10", "9.79", facts(), Tolerances(), ["PRICE_VARIANCE"]),
        ("11", "10", facts(), Tolerances(), ["QTY_OVER_RECEIVED"]),
        ("11", "10", facts(), Tolerances(qty_over_pct=D(10)), []),
        ("5", "10", facts(invoiced="6"), Tolerances(), ["QTY_OVER_RECEIVED"]),
        ("4", "10", facts(invoiced="6"), Tolerances(), []),
        ("1", "10", facts(received="0"), Tolerances(), ["NO_RECEIPT"]),
        ("1", "12", facts(received="0"), Tolerances(), ["NO_RECEIPT", "PRICE_VARIANCE"]),
        ("1", "10", None, Tolerances(), ["UNKNOWN_LINE"]),
        # An absolute limit on the line amount: 10 x 0.06 = 0.60 > 0.50 although within 1 %.
        (
            "10",
            "10.06",
            facts(),
            Tolerances(price_pct=D(1), price_abs=D("0.50")),
            ["PRICE_VARIANCE"],
        ),
        ("10", "10.05", facts(), Tolerances(price_pct=D(1), price_abs=D("0.50")), []),
        ("10", "13", facts(), Tolerances(price_pct=None, price_abs=None), []),
    ],
)
def test_match_line(
    qty: str, price: str, line: matching.LineFacts | None, tol: Tolerances, expected: list[str]
) -> None:
    assert matching.match_line(D(qty), D(price), line, tol) == expected


def test_invoice_status_is_an_exception_when_any_line_is() -> None:
    assert matching.invoice_status([[], []]) == "MATCHED"
    assert matching.invoice_status([[], ["NO_RECEIPT"]]) == "EXCEPTION"


@pytest.mark.parametrize(
    ("projected", "rop", "rqty", "expected"),
    [("5", "20", "50", "50"), ("-40.5", "20", "50", "61"), ("0", "30", "0", "30")],
)
def test_proposal_quantity(projected: str, rop: str, rqty: str, expected: str) -> None:
    assert mrp.proposal_quantity(D(projected), D(rop), D(rqty)) == D(expected)


def test_low_level_codes_and_cycles() -> None:
    bom = {"A": [("B", D(1)), ("C", D(1))], "B": [("C", D(1))]}
    assert mrp.low_level_codes(bom) == {"A": 0, "B": 1, "C": 2}
    with pytest.raises(SoapFault) as info:
        mrp.low_level_codes({"A": [("B", D(1))], "B": [("A", D(1))]})
    assert info.value.code == "BOM_CYCLE"


@pytest.fixture
def session() -> Iterator[Session]:
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Plant(plant="1000", name1="Main", city="Berlin", country_key="DE"))
        yield s
    engine.dispose()


def _item(s: Session, no: str, kind: str, rop: int, rqty: int) -> None:
    s.add(
        Item(
            material_no=no,
            description=no,
            base_uom="ST",
            procurement_type=kind,
            reorder_point=D(rop),
            reorder_qty=D(rqty),
            lead_time_days=3,
            changed_at=NOW,
        )
    )


def test_multi_level_explosion_multiplies_and_nets(session: Session) -> None:
    # FG (E) needs 2 SUB (E); SUB needs 3 RAW (F). RAW has stock to net against.
    _item(session, "FG", "E", rop=10, rqty=5)
    _item(session, "SUB", "E", rop=0, rqty=0)
    _item(session, "RAW", "F", rop=4, rqty=1)
    session.flush()
    session.add_all(
        [
            BomComponent(parent_material_no="FG", component_material_no="SUB", quantity=D(2)),
            BomComponent(parent_material_no="SUB", component_material_no="RAW", quantity=D(3)),
        ]
    )
    stock.import_snapshot(
        session,
        1,
        NOW,
        [
            stock.SnapshotLine("FG", "1000", D(2), D(0)),
            stock.SnapshotLine("RAW", "1000", D(50), D(6)),
        ],
        NOW,
    )
    proposals = {p.material_no: p for p in mrp.reorder_proposals(session, date(2026, 3, 2))}
    # FG: projected 2 < 10, shortfall 8 > reorder qty 5.
    assert proposals["FG"].quantity == D(8)
    assert proposals["FG"].proposal_type == "PRODUCTION"
    # SUB: no stock, 16 demanded -> 16, itself produced in house.
    assert proposals["SUB"].dependent_demand == D(16)
    assert proposals["SUB"].quantity == D(16)
    assert proposals["SUB"].reason == "DEPENDENT_DEMAND"
    # RAW: 48 demanded, 44 available; 44 - 48 = -4, below 4 by 8.
    raw = proposals["RAW"]
    assert (raw.dependent_demand, raw.projected_stock, raw.quantity) == (D(48), D(44), D(8))
    assert raw.required_for == ("SUB",)
    assert raw.proposal_type == "PURCHASE"


def test_stale_snapshot_is_refused_and_pages_of_one_snapshot_are_not(session: Session) -> None:
    _item(session, "RAW", "F", rop=4, rqty=1)
    session.flush()
    line = stock.SnapshotLine("RAW", "1000", D(5), D(0))
    stock.import_snapshot(session, 7, NOW, [line], NOW)
    assert stock.import_snapshot(session, 7, NOW, [line], NOW).applied == 1
    with pytest.raises(SoapFault) as info:
        stock.import_snapshot(session, 6, NOW, [line], NOW)
    assert info.value.code == "STALE_SNAPSHOT"
