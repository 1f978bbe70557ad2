"""X12 envelope checks: ISA fields, GS/GE and IEA counts and control numbers."""

from __future__ import annotations

from connectors.edi.core.errors import Code, EdiEnvelopeError, EdiError
from connectors.edi.core.model import Group, Interchange, Segment

ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


def env_error(msg: str, code: str, seg: Segment | None, element: int | None = None) -> EdiError:
    return EdiEnvelopeError(
        msg,
        code=code,
        position=seg.position if seg is not None else None,
        segment_id=seg.tag if seg is not None else None,
        element=element,
    )


def is_date(v: str, width: int) -> bool:
    if len(v) != width or not v.isascii() or not v.isdigit():
        return False
    m, d = (int(v[2:4]), int(v[4:6])) if width == 6 else (int(v[4:6]), int(v[6:8]))
    return 1 <= m <= 12 and 1 <= d <= 31


def is_time(v: str) -> bool:
    return len(v) >= 4 and v.isascii() and v.isdigit() and int(v[:2]) < 24 and int(v[2:4]) < 60


def check_isa(isa: Segment, fixed: bool) -> list[EdiError]:
    """ISA field checks; element numbers map onto TA1 note codes."""
    errs: list[EdiError] = []
    if len(isa.elements) != 16:
        n = len(isa.elements)
        return [env_error(f"ISA has {n} elements, expected 16", Code.INTERCHANGE_HEADER, isa)]
    el = [isa.get(i) for i in range(1, 17)]
    if not fixed:
        errs.append(
            env_error("ISA is not fixed-width (106 characters)", Code.INTERCHANGE_HEADER, isa)
        )
    for i, width in enumerate(ISA_WIDTHS[:-1]):
        if len(el[i]) != width:
            errs.append(
                env_error(
                    f"ISA{i + 1:02d} must be {width} characters, found {len(el[i])}",
                    Code.INTERCHANGE_HEADER,
                    isa,
                    i + 1,
                )
            )
    if not is_date(el[8], 6):
        errs.append(
            env_error(f"ISA09 {el[8]!r} is not a YYMMDD date", Code.INTERCHANGE_BAD_DATE, isa, 9)
        )
    if not is_time(el[9]):
        errs.append(
            env_error(f"ISA10 {el[9]!r} is not a HHMM time", Code.INTERCHANGE_BAD_TIME, isa, 10)
        )
    if not (el[11].isascii() and el[11].isdigit()):
        errs.append(
            env_error(f"ISA12 {el[11]!r} is not a version", Code.INTERCHANGE_BAD_VERSION, isa, 12)
        )
    if not (el[12].isascii() and el[12].isdigit()):
        errs.append(
            env_error(
                f"ISA13 {el[12]!r} is not a control number", Code.INTERCHANGE_BAD_CONTROL, isa, 13
            )
        )
    if el[13] not in ("0", "1"):
        errs.append(env_error(f"ISA14 {el[13]!r} must be 0 or 1", Code.INTERCHANGE_HEADER, isa, 14))
    if el[14] not in ("P", "T", "I"):
        errs.append(
            env_error(f"ISA15 {el[14]!r} must be P, T or I", Code.INTERCHANGE_HEADER, isa, 15)
        )
    return errs


def start_group(gs: Segment) -> Group:
    g = gs.get
    group = Group(
        functional_id=g(1),
        sender=g(2),
        receiver=g(3),
        control_number=g(6),
        version=g(8),
        date=g(4),
        time=g(5),
        agency=g(7),
        header=gs,
    )
    if len(gs.elements) < 8 or not all(g(i) for i in range(1, 9)):
        group.errors.append(env_error("GS must have 8 non-empty elements", Code.GROUP_HEADER, gs))
    if g(4) and not is_date(g(4), 8):
        group.errors.append(env_error(f"GS04 {g(4)!r} is not a date", Code.GROUP_HEADER, gs, 4))
    if g(5) and not is_time(g(5)):
        group.errors.append(env_error(f"GS05 {g(5)!r} is not a time", Code.GROUP_HEADER, gs, 5))
    cn = g(6)
    if cn and not (cn.isascii() and cn.isdigit() and len(cn) <= 9):
        group.errors.append(
            env_error(f"GS06 {cn!r} is not a control number", Code.GROUP_HEADER, gs, 6)
        )
    return group


def close_group(group: Group, ge: Segment | None, anchor: Segment) -> None:
    if ge is None:
        group.errors.append(
            env_error(
                f"group {group.control_number} has no GE trailer",
                Code.GROUP_TRAILER_MISSING,
                anchor,
            )
        )
        return
    group.trailer = ge
    if ge.get(1) != str(len(group.transactions)):
        group.errors.append(
            env_error(
                f"GE01 says {ge.get(1)!r} transactions, group has {len(group.transactions)}",
                Code.GROUP_COUNT_MISMATCH,
                ge,
                1,
            )
        )
    if ge.get(2) != group.control_number:
        group.errors.append(
            env_error(
                f"GE02 {ge.get(2)!r} does not match GS06 {group.control_number!r}",
                Code.GROUP_CONTROL_MISMATCH,
                ge,
                2,
            )
        )


def check_iea(ic: Interchange, iea: Segment) -> None:
    if iea.get(1) != str(len(ic.groups)):
        ic.errors.append(
            env_error(
                f"IEA01 says {iea.get(1)!r} groups, interchange has {len(ic.groups)}",
                Code.INTERCHANGE_COUNT_MISMATCH,
                iea,
                1,
            )
        )
    if iea.get(2) != ic.control_number:
        ic.errors.append(
            env_error(
                f"IEA02 {iea.get(2)!r} does not match ISA13 {ic.control_number!r}",
                Code.INTERCHANGE_CONTROL_MISMATCH,
                iea,
                2,
            )
        )
