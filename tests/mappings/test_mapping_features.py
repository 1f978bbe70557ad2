"""Positions, the enclosing record, grouping, flattening, amounts and computed totals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from canonical import Order, Shipment
from mappings import MappingCompileError, RecordError, compile_mapping, run_examples


def doc(canonical: str, rules: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "system": "crm",
        "entity": "thing",
        "canonical": canonical,
        "key": "id",
        "version": 1,
        "rules": rules,
        **extra,
    }


LINE_RULES: list[dict[str, Any]] = [
    {"source": "$index", "target": "line_no"},
    {"source": "sku", "target": "sku"},
    {"source": "qty", "target": "quantity.value"},
    {"target": "quantity.uom", "const": "EA"},
    {"source": "price", "target": "unit_price.amount", "steps": ["to_decimal"]},
    {"source": "$root.currency", "target": "unit_price.currency"},
    {"target": "tax_category", "const": "S"},
    {"target": "tax_rate", "const": 19},
]


def order_doc(*, line_rules: list[dict[str, Any]] = LINE_RULES, **extra: Any) -> dict[str, Any]:
    rules: list[dict[str, Any]] = [
        {"source": "id", "target": "order_number"},
        {"target": "channel", "const": "crm"},
        {"target": "status", "const": "pending"},
        {"source": "date", "target": "order_date", "steps": ["parse_date"]},
        {"source": "customer", "target": "customer.hub_id"},
        {"source": "currency", "target": "currency"},
        {"source": "lines", "target": "lines", "each": {"rules": line_rules}},
    ]
    return doc("Order", rules, **extra)


def native_order(currency: str = "JPY", **extra: Any) -> dict[str, Any]:
    return {
        "id": "SO-1",
        "date": "2026-11-19",
        "customer": "cus_1",
        "currency": currency,
        "lines": [
            {"sku": "A", "qty": 3, "price": "333.5"},
            {"sku": "B", "qty": 1, "price": "100"},
        ],
        **extra,
    }


# $index and $root ------------------------------------------------------------------------


def test_index_numbers_elements_and_root_reads_the_record_any_currency() -> None:
    m = compile_mapping(order_doc())
    mapped = m.to_canonical(native_order("JPY"))
    assert isinstance(mapped, dict)
    assert [line["line_no"] for line in mapped["lines"]] == [1, 2]
    assert {line["unit_price"]["currency"] for line in mapped["lines"]} == {"JPY"}


def test_index_counts_kept_elements_and_index0_starts_at_zero() -> None:
    rules = [
        {"source": "$index", "target": "line_no"},
        {"source": "$index0", "target": "sku"},
    ]
    m = compile_mapping(
        doc(
            "Order",
            [
                {
                    "source": "lines",
                    "target": "lines",
                    "each": {"keep_if": {"path": "skip", "op": "missing"}, "rules": rules},
                }
            ],
        )
    )
    mapped = m.to_canonical({"lines": [{"skip": True}, {}, {"skip": 1}, {}]})
    assert mapped == {"lines": [{"line_no": 1, "sku": 0}, {"line_no": 2, "sku": 1}]}


def test_index_and_root_rules_have_no_derived_reverse() -> None:
    m = compile_mapping(order_doc())
    canonical = {
        "currency": "EUR",
        "lines": [{"line_no": 7, "sku": "A", "unit_price": {"amount": "1", "currency": "EUR"}}],
    }
    back = m.to_native(canonical)
    assert isinstance(back, dict)
    assert back["currency"] == "EUR"
    assert back["lines"] == [{"sku": "A", "price": "1"}]


def test_a_declared_reverse_may_read_the_canonical_root() -> None:
    line_rules = [
        {"source": "sku", "target": "sku"},
        {
            "source": "$root.currency",
            "target": "unit_price.currency",
            "reverse": {"source": "$root.order_number", "target": "order"},
        },
    ]
    m = compile_mapping(order_doc(line_rules=line_rules))
    back = m.to_native({"order_number": "SO-9", "lines": [{"sku": "A"}, {"sku": "B"}]})
    assert isinstance(back, dict)
    assert back["lines"] == [{"sku": "A", "order": "SO-9"}, {"sku": "B", "order": "SO-9"}]


def test_parent_reads_the_enclosing_element_and_root_the_record() -> None:
    m = compile_mapping(
        doc(
            "Shipment",
            [
                {
                    "source": "packages",
                    "target": "packages",
                    "each": {
                        "rules": [
                            {"source": "sscc", "target": "sscc"},
                            {
                                "source": "contents",
                                "target": "lines",
                                "each": {
                                    "rules": [
                                        {"source": "$index", "target": "line_no"},
                                        {"source": "$parent.sscc", "target": "lot"},
                                        {"source": "$root.order", "target": "order_ref"},
                                    ]
                                },
                            },
                        ]
                    },
                }
            ],
        )
    )
    native = {
        "order": "SO-1",
        "packages": [{"sscc": "P1", "contents": [{}, {}]}, {"sscc": "P2", "contents": [{}]}],
    }
    mapped = m.to_canonical(native)
    assert isinstance(mapped, dict)
    assert mapped["packages"][0]["lines"] == [
        {"line_no": 1, "lot": "P1", "order_ref": "SO-1"},
        {"line_no": 2, "lot": "P1", "order_ref": "SO-1"},
    ]
    assert mapped["packages"][1]["lines"] == [{"line_no": 1, "lot": "P2", "order_ref": "SO-1"}]


def test_objects_with_a_source_are_one_level_down_and_without_are_not() -> None:
    line_rules = [
        {
            "source": "price",
            "target": "unit_price",
            "object": {"rules": [{"source": "$parent.sku", "target": "currency"}]},
        },
        {
            "target": "line_total",
            "object": {"rules": [{"source": "$parent.id", "target": "currency"}]},
        },
    ]
    m = compile_mapping(order_doc(line_rules=line_rules))
    mapped = m.to_canonical({"id": "SO-1", "lines": [{"sku": "A", "price": {"x": 1}}]})
    assert isinstance(mapped, dict)
    assert mapped["lines"] == [
        {"unit_price": {"currency": "A"}, "line_total": {"currency": "SO-1"}}
    ]


def test_a_rule_when_may_read_the_root_record() -> None:
    line_rules = [
        {"source": "sku", "target": "sku"},
        {
            "source": "qty",
            "target": "quantity_shipped",
            "when": {"path": "$root.status", "op": "in", "value": ["shipped"]},
            "reverse": "skip",
        },
    ]
    m = compile_mapping(order_doc(line_rules=line_rules))
    shipped = m.to_canonical(native_order(status="shipped"))
    pending = m.to_canonical(native_order(status="open"))
    assert isinstance(shipped, dict)
    assert isinstance(pending, dict)
    assert [line.get("quantity_shipped") for line in shipped["lines"]] == [3, 1]
    assert [line.get("quantity_shipped") for line in pending["lines"]] == [None, None]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"source": "$index", "target": "order_number"}], "position in an each"),
        ([{"source": "$parent.x", "target": "order_number"}], "enclosing element"),
        (
            [
                {
                    "target": "ship_to",
                    "object": {"rules": [{"source": "$index", "target": "name"}]},
                }
            ],
            "position in an each",
        ),
        ([{"source": "$root.lines", "target": "lines", "each": {"rules": LINE_RULES}}], "field"),
        ([{"source": "x", "target": "$root.y"}], "only sources begin with"),
    ],
)
def test_misplaced_scopes_are_refused_at_compile(rules: list[Any], message: str) -> None:
    with pytest.raises(MappingCompileError, match=message):
        compile_mapping(doc("Order", rules))


def test_filters_and_keep_if_read_only_the_element() -> None:
    with pytest.raises(MappingCompileError, match="only a rule's when"):
        compile_mapping(
            doc(
                "Order",
                [{"source": "id", "target": "order_number"}],
                filters=[
                    {"name": "f", "reject_if": {"path": "$root.x", "op": "exists"}, "reason": "r"}
                ],
            )
        )


def test_scoped_paths_never_reach_generated_code() -> None:
    hostile = "$root['__import__(os)']"
    line_rules = [
        {"source": hostile, "target": "sku"},
        {"source": "$index", "target": "line_no", "when": {"path": hostile, "op": "exists"}},
    ]
    m = compile_mapping(order_doc(line_rules=line_rules))
    for compiled in (m._inbound, m._outbound):
        assert "import" not in compiled.code
        assert "'" not in compiled.code
    mapped = m.to_canonical({"__import__(os)": "X", "lines": [{}]})
    assert mapped == {"channel": "crm", "status": "pending", "lines": [{"sku": "X", "line_no": 1}]}


# group_by and flattening -------------------------------------------------------------------

ASN = doc(
    "Shipment",
    [
        {
            "source": "lines",
            "target": "packages",
            "each": {
                "group_by": "sscc",
                "rules": [
                    {"source": "key", "target": "sscc", "required": True},
                    {
                        "source": "items",
                        "target": "lines",
                        "each": {
                            "rules": [
                                {"source": "$index", "target": "line_no"},
                                {"source": "item", "target": "sku"},
                                {"source": "qty", "target": "quantity.value"},
                            ]
                        },
                    },
                ],
            },
        }
    ],
)


def test_group_by_nests_lines_by_key_and_writes_the_key_back_flat() -> None:
    m = compile_mapping(ASN)
    native = {
        "lines": [
            {"sscc": "S1", "item": "A", "qty": 1},
            {"sscc": "S2", "item": "B", "qty": 2},
            {"sscc": "S1", "item": "C", "qty": 3},
        ]
    }
    mapped = m.to_canonical(native)
    assert mapped == {
        "packages": [
            {
                "sscc": "S1",
                "lines": [
                    {"line_no": 1, "sku": "A", "quantity": {"value": 1}},
                    {"line_no": 2, "sku": "C", "quantity": {"value": 3}},
                ],
            },
            {"sscc": "S2", "lines": [{"line_no": 1, "sku": "B", "quantity": {"value": 2}}]},
        ]
    }
    back = m.to_native(mapped)
    assert back == {
        "lines": [
            {"sscc": "S1", "item": "A", "qty": 1},
            {"sscc": "S1", "item": "C", "qty": 3},
            {"sscc": "S2", "item": "B", "qty": 2},
        ]
    }


def test_group_by_gathers_elements_without_a_key_in_one_keyless_group() -> None:
    m = compile_mapping(ASN)
    with pytest.raises(RecordError) as caught:
        m.to_canonical({"lines": [{"sscc": "S1", "item": "A"}, {"item": "B"}, {"item": "C"}]})
    assert caught.value.field == "packages[1].sscc"


def test_group_by_belongs_to_each_rules() -> None:
    rules = [{"target": "ship_to", "object": {"group_by": "x", "rules": [LINE_RULES[1]]}}]
    with pytest.raises(MappingCompileError, match="group_by"):
        compile_mapping(doc("Order", rules))


FLATTEN = order_doc(
    line_rules=[{"source": "no", "target": "line_no"}],
)
FLATTEN["rules"].append(
    {
        "source": "lines[*].allocations",
        "target": "allocations",
        "each": {
            "rules": [
                {"source": "$parent.no", "target": "line_no"},
                {"source": "whse", "target": "warehouse_id"},
                {"source": "$root.id", "target": "warehouse_gln"},
            ]
        },
        "reverse": "skip",
    }
)


def test_each_over_a_nested_list_flattens_it_with_the_parent_element() -> None:
    m = compile_mapping(FLATTEN)
    native = {
        "id": "SO-1",
        "lines": [
            {"no": 10, "allocations": [{"whse": "W1"}, {"whse": "W2"}]},
            {"no": 20},
            {"no": 30, "allocations": [{"whse": "W1"}]},
        ],
    }
    mapped = m.to_canonical(native)
    assert isinstance(mapped, dict)
    assert mapped["allocations"] == [
        {"line_no": 10, "warehouse_id": "W1", "warehouse_gln": "SO-1"},
        {"line_no": 10, "warehouse_id": "W2", "warehouse_gln": "SO-1"},
        {"line_no": 30, "warehouse_id": "W1", "warehouse_gln": "SO-1"},
    ]


def test_a_flattening_each_has_no_derived_reverse() -> None:
    rules = [dict(FLATTEN["rules"][-1])]
    del rules[0]["reverse"]
    with pytest.raises(MappingCompileError, match="cannot be inverted: the each flattens"):
        compile_mapping(doc("Order", rules))


# multiply ---------------------------------------------------------------------------------


def amount(step: Any, value: Any) -> Any:
    rule = {"source": "v", "target": "tier", "steps": [step], "reverse": "skip"}
    mapped = compile_mapping(doc("Customer", [rule])).to_canonical({"v": value})
    assert isinstance(mapped, dict)
    return mapped.get("tier")


@pytest.mark.parametrize(
    ("step", "value", "expected"),
    [
        ("multiply", ["3", 2, Decimal("0.5")], Decimal("3.0")),
        ({"multiply": {"places": 2}}, ["12", "24.995"], Decimal("299.94")),
        ({"multiply": {"currency": "EUR"}}, [3, "0.335"], Decimal("1.01")),
        ({"multiply": {"currency": "JPY"}}, [3, "333.5"], Decimal("1001")),
        ({"multiply": {"currency": "KWD"}}, [1, "1.23456"], Decimal("1.235")),
        ({"multiply": {"divide_by_last": True, "places": 2}}, [250, "1.85", 100], Decimal("4.63")),
        ({"multiply": {"divide_by_last": True, "places": 2}}, [2, "1.85", None], Decimal("3.70")),
        ({"multiply": {"divisor": 100, "places": 2}}, [250, "1.85"], Decimal("4.63")),
        ({"multiply": {"currency": "last"}}, [3, "333.5", "JPY"], Decimal("1001")),
        (
            {"multiply": {"divide_by_last": True, "currency": "last"}},
            [250, "1.85", 100, "EUR"],
            Decimal("4.63"),
        ),
        ({"multiply": {"places": 0, "rounding": "down"}}, [3, "0.99"], Decimal("2")),
        ("multiply", [3, None], None),
    ],
)
def test_multiply(step: Any, value: Any, expected: Any) -> None:
    result = amount(step, value)
    assert result == expected
    if expected is not None:
        assert str(result) == str(expected)


def test_multiply_reads_a_list_of_sources_and_rounds_to_the_root_currency() -> None:
    line_rules = [
        *LINE_RULES,
        {
            "source": ["qty", "price", "$root.currency"],
            "target": "line_total.amount",
            "steps": [{"multiply": {"currency": "last"}}],
        },
    ]
    mapped = compile_mapping(order_doc(line_rules=line_rules)).to_canonical(native_order("JPY"))
    assert isinstance(mapped, dict)
    assert [line["line_total"]["amount"] for line in mapped["lines"]] == [
        Decimal("1001"),
        Decimal("100"),
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"places": 2, "currency": "EUR"}, "not both"),
        ({"currency": "XXY"}, "unknown currency"),
        ({"currency": "EUR", "rounding": "down"}, "half up"),
        ({"divisor": 0}, "greater than 0"),
    ],
)
def test_multiply_refuses_contradicting_parameters(params: dict[str, Any], message: str) -> None:
    with pytest.raises(MappingCompileError, match=message):
        amount({"multiply": params}, [1])


def test_multiply_reports_bad_input_and_has_no_inverse() -> None:
    with pytest.raises(RecordError, match="not a decimal number"):
        amount("multiply", [1, "x"])
    with pytest.raises(RecordError, match="not a known currency"):
        amount({"multiply": {"currency": "last"}}, [1, 2, "EURO"])
    with pytest.raises(RecordError, match="divisor must be positive"):
        amount({"multiply": {"divide_by_last": True}}, [1, 2, 0])
    rule = {"source": ["a", "b"], "target": "tier", "steps": ["multiply"]}
    with pytest.raises(MappingCompileError, match="step 'multiply' has no inverse"):
        compile_mapping(doc("Customer", [rule]))


# compute_totals ---------------------------------------------------------------------------


def test_compute_totals_builds_a_valid_document_from_quantities_and_prices() -> None:
    m = compile_mapping(order_doc(compute_totals=True))
    order = m.to_model(native_order("JPY"))
    assert isinstance(order, Order)
    assert [line.line_total.amount for line in order.lines] == [Decimal("1001"), Decimal("100")]
    (subtotal,) = order.tax_subtotals
    assert (subtotal.tax_category, subtotal.taxable_amount.amount) == ("S", Decimal("1101"))
    assert subtotal.tax_amount.amount == Decimal("209")
    assert order.totals.payable.amount == Decimal("1310")
    assert order.totals.payable.currency == "JPY"


def test_compute_totals_keeps_declared_amounts_so_validation_checks_them() -> None:
    rules = order_doc(compute_totals=True)
    rules["rules"].append({"source": "total", "target": "totals.payable.amount"})
    m = compile_mapping(rules)
    good = m.to_model(native_order("JPY", total=1310))
    assert isinstance(good, Order)
    with pytest.raises(RecordError) as caught:
        m.to_model(native_order("JPY", total=1300))
    assert "totals.payable.amount: expected 1310, got 1300" in str(caught.value)


def test_compute_totals_with_allowances_base_quantity_and_prepaid() -> None:
    line_rules = [
        *LINE_RULES,
        {"source": "per", "target": "base_quantity"},
        {
            "source": "off",
            "target": "allowance_charges[0]",
            "object": {
                "rules": [
                    {"target": "charge", "const": False},
                    {"source": "amount", "target": "amount.amount", "steps": ["to_decimal"]},
                    {"source": "$root.currency", "target": "amount.currency"},
                ]
            },
        },
    ]
    document = order_doc(line_rules=line_rules, compute_totals=True)
    document["rules"].append({"source": "paid", "target": "totals.prepaid.amount"})
    native = native_order("EUR", paid="10")
    native["lines"][0].update(per=10, off={"amount": "0.05"})
    order = compile_mapping(document).to_model(native)
    assert isinstance(order, Order)
    # 3 x 333.5 / 10 = 100.05, less a 0.05 allowance.
    assert order.lines[0].line_total.amount == Decimal("100.00")
    assert order.totals.tax_exclusive.amount == Decimal("200.00")
    assert order.totals.payable.amount == order.totals.tax_inclusive.amount - 10


def test_compute_totals_leaves_gaps_for_validation_to_name() -> None:
    m = compile_mapping(order_doc(compute_totals=True))
    native = native_order("EUR")
    native["lines"][1]["price"] = None
    with pytest.raises(RecordError) as caught:
        m.to_model(native)
    assert caught.value.field is not None
    assert caught.value.field.startswith("lines[1]")


def test_compute_totals_is_for_priced_documents_and_inbound_only() -> None:
    rules = [{"source": "n", "target": "legal_name"}]
    with pytest.raises(MappingCompileError, match="priced document"):
        compile_mapping(doc("Customer", rules, compute_totals=True))
    m = compile_mapping(order_doc(compute_totals=True))
    order = m.to_model(native_order("EUR"))
    assert isinstance(order, Order)
    back = m.to_native(order)
    assert isinstance(back, dict)
    assert "totals" not in back
    assert "total" not in back


def test_a_shipment_from_grouped_lines_validates() -> None:
    native = {"lines": [{"sscc": "340123450000000048", "item": "A", "qty": 2}]}
    document = dict(ASN)
    document["rules"] = [
        *ASN["rules"],
        {"target": "shipment_number", "const": "S-1"},
        {"target": "status", "const": "shipped"},
        {"target": "ship_from.hub_id", "const": "loc_1"},
        {"target": "ship_to.hub_id", "const": "loc_2"},
    ]
    mapped = compile_mapping(document).to_canonical(native)
    assert isinstance(mapped, dict)
    mapped["packages"][0]["lines"][0]["quantity"]["uom"] = "EA"
    assert Shipment.model_validate(mapped).packages[0].lines[0].line_no == 1


# worked-example diffs ---------------------------------------------------------------------


def test_examples_compare_numbers_by_value(tmp_path: Path) -> None:
    mapping = tmp_path / "crm" / "thing.yaml"
    examples = mapping.with_suffix(".examples")
    examples.mkdir(parents=True)
    rules = [
        {"source": "id", "target": "legal_name"},
        {"source": "limit", "target": "credit_limit.amount"},
        {"target": "credit_limit.currency", "const": "EUR"},
    ]
    mapping.write_text(json.dumps(doc("Customer", rules, key="id")), encoding="utf-8")
    (examples / "a.native.json").write_text('{"id": "A", "limit": 500}', encoding="utf-8")
    canonical = {"legal_name": "A", "credit_limit": {"amount": "500.00", "currency": "EUR"}}
    (examples / "a.canonical.json").write_text(json.dumps(canonical), encoding="utf-8")
    (examples / "a.native_back.json").write_text('{"id": "A", "limit": 500.0}', encoding="utf-8")
    assert [r.describe() for r in run_examples(mapping) if not r.ok] == []
    # A real difference shows; the equal numbers around it do not.
    (examples / "a.native_back.json").write_text('{"id": "B", "limit": 500.0}', encoding="utf-8")
    (outbound,) = [r for r in run_examples(mapping) if r.direction == "outbound"]
    assert not outbound.ok
    assert '-  "id": "B"' in outbound.diff
    assert '+  "id": "A"' in outbound.diff
    assert "limit" not in "".join(line for line in outbound.diff.splitlines() if line[:1] in "+-")
