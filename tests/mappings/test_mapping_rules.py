"""Every rule kind, inbound as written and outbound as derived or declared."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mappings import InMemoryXrefResolver, RecordError, Rejected, compile_mapping


def doc(rules: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "system": "crm",
        "entity": "account",
        "canonical": "Customer",
        "key": "id",
        "version": 1,
        "rules": rules,
        **extra,
    }


def test_rename_with_nested_paths_and_indexes_both_ways() -> None:
    m = compile_mapping(
        doc(
            [
                {"source": "name", "target": "legal_name"},
                {"source": "billing.address.street", "target": "addresses[0].lines[0]"},
                {"source": "emails[1]", "target": "contacts[0].email"},
            ]
        )
    )
    native = {
        "name": "Acme",
        "billing": {"address": {"street": "Main 1"}},
        "emails": ["a@x.io", "b@x.io"],
    }
    canonical = m.to_canonical(native)
    assert canonical == {
        "legal_name": "Acme",
        "addresses": [{"lines": ["Main 1"]}],
        "contacts": [{"email": "b@x.io"}],
    }
    back = m.to_native(canonical)
    assert back == {
        "name": "Acme",
        "billing": {"address": {"street": "Main 1"}},
        "emails": [None, "b@x.io"],
    }


def test_quoted_keys_and_missing_intermediates_are_absent() -> None:
    m = compile_mapping(doc([{"source": "['odd.key'].x", "target": "legal_name"}]))
    assert m.to_canonical({"odd.key": {"x": "A"}}) == {"legal_name": "A"}
    assert m.to_canonical({"other": 1}) == {}
    assert m.to_native({"legal_name": "A"}) == {"odd.key": {"x": "A"}}


def test_wildcards_read_and_write_lists_elementwise() -> None:
    m = compile_mapping(
        doc(
            [
                {
                    "source": "people[*].mail",
                    "target": "contacts[*].email",
                    "steps": ["lower"],
                    "reverse": {"source": "contacts[*].email", "target": "people[*].mail"},
                }
            ]
        )
    )
    native = {"people": [{"mail": "A@X.IO"}, {"mail": "B@X.IO"}]}
    assert m.to_canonical(native) == {"contacts": [{"email": "a@x.io"}, {"email": "b@x.io"}]}
    assert m.to_native({"contacts": [{"email": "a@x.io"}]}) == {"people": [{"mail": "a@x.io"}]}


def test_const_written_inbound_and_dropped_or_declared_outbound() -> None:
    m = compile_mapping(
        doc(
            [
                {"target": "party_type", "const": "person"},
                {
                    "target": "status",
                    "const": "active",
                    "reverse": {"target": "kind", "const": "ACC"},
                },
            ]
        )
    )
    assert m.to_canonical({}) == {"party_type": "person", "status": "active"}
    assert m.to_native({"party_type": "person", "status": "active"}) == {"kind": "ACC"}


def test_const_containers_are_not_shared_between_records() -> None:
    m = compile_mapping(doc([{"target": "external_refs", "const": [{"system": "crm", "id": "x"}]}]))
    first = m.to_canonical({})
    assert isinstance(first, dict)
    first["external_refs"].append("mutated")
    assert m.to_canonical({}) == {"external_refs": [{"system": "crm", "id": "x"}]}


@pytest.mark.parametrize("value", [None, "", [], {}])
def test_default_applies_when_missing_none_or_empty(value: Any) -> None:
    m = compile_mapping(doc([{"source": "tier", "target": "tier", "default": "standard"}]))
    assert m.to_canonical({"tier": value}) == {"tier": "standard"}
    assert m.to_canonical({}) == {"tier": "standard"}
    assert m.to_canonical({"tier": "gold"}) == {"tier": "gold"}


def test_default_applies_after_steps_empty_the_value() -> None:
    m = compile_mapping(
        doc([{"source": "tier", "target": "tier", "steps": ["trim"], "default": "x"}])
    )
    assert m.to_canonical({"tier": "   "}) == {"tier": "x"}


def test_required_missing_value_fails_the_record() -> None:
    m = compile_mapping(doc([{"source": "name", "target": "legal_name", "required": True}]))
    with pytest.raises(RecordError, match="required"):
        m.to_canonical({"id": "7"})


VALUE_MAPS = {
    "status": {"values": {"A": "active", "B": "blocked", "X": "blocked"}, "unknown": "error"},
    "loose": {"values": {"A": "active"}, "unknown": "passthrough"},
    "fallback": {"values": {"A": "active"}, "unknown": "default:prospect"},
    "cased": {"values": {"Gold": "gold"}, "ignore_case": True, "reverse": {"gold": "GOLD"}},
}


def test_value_map_forward_and_derived_reverse() -> None:
    m = compile_mapping(
        doc([{"source": "s", "target": "status", "map": "status"}], value_maps=VALUE_MAPS)
    )
    assert m.to_canonical({"s": "B"}) == {"status": "blocked"}
    assert m.to_canonical({"s": "X"}) == {"status": "blocked"}
    # Many-to-one: the first native key declared wins on the way back.
    assert m.to_native({"status": "blocked"}) == {"s": "B"}
    assert m.to_native({"status": "active"}) == {"s": "A"}


def test_value_map_unknown_policies() -> None:
    rules = [
        {"source": "a", "target": "status", "map": "status"},
    ]
    strict = compile_mapping(doc(rules, value_maps=VALUE_MAPS))
    with pytest.raises(RecordError, match="value map 'status'"):
        strict.to_canonical({"id": "1", "a": "Q"})
    with pytest.raises(RecordError, match="canonical to native"):
        strict.to_native({"status": "inactive"})
    loose = compile_mapping(
        doc([{"source": "a", "target": "tier", "map": "loose"}], value_maps=VALUE_MAPS)
    )
    assert loose.to_canonical({"a": "Q"}) == {"tier": "Q"}
    assert loose.to_native({"tier": "Q"}) == {"a": "Q"}
    fallback = compile_mapping(
        doc([{"source": "a", "target": "status", "map": "fallback"}], value_maps=VALUE_MAPS)
    )
    assert fallback.to_canonical({"a": "Q"}) == {"status": "prospect"}


def test_value_map_ignore_case_and_reverse_override() -> None:
    m = compile_mapping(
        doc([{"source": "t", "target": "tier", "map": "cased"}], value_maps=VALUE_MAPS)
    )
    assert m.to_canonical({"t": "GOLD"}) == {"tier": "gold"}
    assert m.to_native({"tier": "gold"}) == {"t": "GOLD"}


def test_function_pipeline_runs_in_order_and_inverts_in_reverse_order() -> None:
    m = compile_mapping(
        doc(
            [
                {
                    "source": "cents",
                    "target": "credit_limit.amount",
                    "steps": [
                        {"to_int": {"native": "string"}},
                        {"minor_to_decimal": {"places": 2}},
                    ],
                }
            ]
        )
    )
    assert m.to_canonical({"cents": "12345"}) == {"credit_limit": {"amount": Decimal("123.45")}}
    assert m.to_native({"credit_limit": {"amount": Decimal("123.45")}}) == {"cents": "12345"}


def test_multi_source_concat_needs_reverse_split_writes_several_targets() -> None:
    m = compile_mapping(
        doc(
            [
                {
                    "source": ["first", "last"],
                    "target": "contacts[0].name",
                    "steps": [{"concat": {"sep": " "}}],
                    "reverse": {
                        "source": "contacts[0].name",
                        "target": ["first", "last"],
                        "steps": [{"split": {"sep": " ", "maxsplit": 1}}],
                    },
                }
            ]
        )
    )
    assert m.to_canonical({"first": "Ada", "last": "Lovelace"}) == {
        "contacts": [{"name": "Ada Lovelace"}]
    }
    assert m.to_canonical({"last": "Lovelace"}) == {"contacts": [{"name": "Lovelace"}]}
    assert m.to_native({"contacts": [{"name": "Ada King Lovelace"}]}) == {
        "first": "Ada",
        "last": "King Lovelace",
    }


def test_coalesce_takes_the_first_present_value() -> None:
    m = compile_mapping(
        doc(
            [
                {
                    "source": ["mobile", "phone"],
                    "target": "contacts[0].phone",
                    "steps": ["coalesce"],
                    "reverse": {"source": "contacts[0].phone", "target": "phone"},
                }
            ]
        )
    )
    assert m.to_canonical({"mobile": "", "phone": "+4930"}) == {"contacts": [{"phone": "+4930"}]}
    assert m.to_native({"contacts": [{"phone": "+4930"}]}) == {"phone": "+4930"}


@pytest.mark.parametrize(
    ("when", "native", "applies"),
    [
        ({"path": "type", "op": "eq", "value": "B2B"}, {"type": "B2B"}, True),
        ({"path": "type", "op": "eq", "value": "B2B"}, {"type": "B2C"}, False),
        ({"path": "type", "op": "ne", "value": "B2B"}, {}, True),
        ({"path": "type", "op": "in", "value": ["A", "B"]}, {"type": "B"}, True),
        ({"path": "type", "op": "not_in", "value": ["A", "B"]}, {"type": "B"}, False),
        ({"path": "meta.vat", "op": "exists"}, {"meta": {"vat": "x"}}, True),
        ({"path": "meta.vat", "op": "exists"}, {"meta": {"vat": ""}}, False),
        ({"path": "meta.vat", "op": "missing"}, {}, True),
        ([{"path": "type", "value": "B2B"}, {"path": "n", "op": "exists"}], {"type": "B2B"}, False),
    ],
)
def test_conditions(when: Any, native: dict[str, Any], applies: bool) -> None:
    m = compile_mapping(doc([{"target": "party_type", "const": "organization", "when": when}]))
    assert m.to_canonical(native) == ({"party_type": "organization"} if applies else {})


def test_condition_on_another_field_blocks_derived_inverse() -> None:
    rule = {"source": "name", "target": "legal_name", "when": {"path": "type", "value": "B2B"}}
    with pytest.raises(Exception, match=r"rules\[0\].*cannot be inverted.*reads type"):
        compile_mapping(doc([rule]))
    ok = compile_mapping(doc([{**rule, "reverse": {"source": "legal_name", "target": "name"}}]))
    assert ok.to_native({"legal_name": "A"}) == {"name": "A"}


def test_each_maps_array_elements_with_a_filter_and_back() -> None:
    m = compile_mapping(
        doc(
            [
                {
                    "source": "people",
                    "target": "contacts",
                    "each": {
                        "keep_if": {"path": "deleted", "op": "ne", "value": True},
                        "rules": [
                            {"source": "fullName", "target": "name", "steps": ["trim"]},
                            {"source": "mail", "target": "email"},
                        ],
                    },
                }
            ]
        )
    )
    native = {
        "people": [
            {"fullName": " Ada "},
            {"fullName": "Bob", "deleted": True},
            {"fullName": "Cy", "mail": "c@x.io"},
        ]
    }
    assert m.to_canonical(native) == {
        "contacts": [{"name": "Ada"}, {"name": "Cy", "email": "c@x.io"}]
    }
    assert m.to_native({"contacts": [{"name": "Ada"}]}) == {"people": [{"fullName": "Ada"}]}


def test_each_error_names_the_element_field() -> None:
    m = compile_mapping(
        doc(
            [
                {
                    "source": "lines",
                    "target": "contacts",
                    "each": {
                        "rules": [{"source": "qty", "target": "name", "steps": ["to_decimal"]}]
                    },
                }
            ]
        )
    )
    with pytest.raises(RecordError) as caught:
        m.to_canonical({"id": "O-1", "lines": [{"qty": "1"}, {"qty": "x"}]})
    assert caught.value.field == "contacts[1].name"
    assert caught.value.rule is not None
    assert caught.value.rule.label == "rules[0].each.rules[0]"
    assert caught.value.key == "O-1"


def test_object_appends_and_reads_back_by_its_constants() -> None:
    address_rules = [{"source": "city", "target": "city"}]
    m = compile_mapping(
        doc(
            [
                {
                    "source": "bill",
                    "target": "addresses[+]",
                    "object": {"rules": [{"target": "role", "const": "bill_to"}, *address_rules]},
                },
                {
                    "source": "ship",
                    "target": "addresses[+]",
                    "object": {"rules": [{"target": "role", "const": "ship_to"}, *address_rules]},
                },
            ]
        )
    )
    only_ship = m.to_canonical({"ship": {"city": "Wien"}})
    assert only_ship == {"addresses": [{"role": "ship_to", "city": "Wien"}]}
    # The shipping address lands first, yet it goes back to `ship`, found by its role.
    assert m.to_native(only_ship) == {"ship": {"city": "Wien"}}


def test_object_without_source_groups_fields_of_the_record() -> None:
    m = compile_mapping(
        doc(
            [
                {
                    "target": "credit_limit",
                    "object": {
                        "rules": [
                            {"source": "limit", "target": "amount", "steps": ["to_decimal"]},
                            {"source": "cur", "target": "currency"},
                        ]
                    },
                }
            ]
        )
    )
    assert m.to_canonical({"limit": "5", "cur": "EUR"}) == {
        "credit_limit": {"amount": Decimal(5), "currency": "EUR"}
    }
    assert m.to_native({"credit_limit": {"amount": Decimal(5), "currency": "EUR"}}) == {
        "limit": "5",
        "cur": "EUR",
    }


def test_record_filter_returns_a_typed_rejection_naming_the_filter() -> None:
    m = compile_mapping(
        doc(
            [{"source": "name", "target": "legal_name"}],
            filters=[
                {
                    "name": "deleted",
                    "reject_if": {"path": "gone", "value": True},
                    "reason": "deleted upstream",
                }
            ],
        )
    )
    result = m.to_canonical({"id": "9", "gone": True, "name": "X"})
    assert result == Rejected("9", "deleted", "deleted upstream", "inbound")
    assert m.to_canonical({"id": "9", "name": "X"}) == {"legal_name": "X"}


def test_lookup_through_a_fake_resolver_both_ways() -> None:
    resolver = InMemoryXrefResolver([("customer", "hub-c-1", "oms", "C9")])
    m = compile_mapping(
        {
            **doc(
                [
                    {
                        "source": "customerId",
                        "target": "customer.hub_id",
                        "lookup": {"entity": "customer"},
                    }
                ]
            ),
            "system": "oms",
            "canonical": "Order",
        },
        resolver=resolver,
    )
    assert m.to_canonical({"customerId": "C9"}) == {"customer": {"hub_id": "hub-c-1"}}
    assert m.to_native({"customer": {"hub_id": "hub-c-1"}}) == {"customerId": "C9"}


def test_missing_lookup_is_an_error_naming_the_rule() -> None:
    m = compile_mapping(
        {
            **doc(
                [
                    {
                        "source": "lines",
                        "target": "lines",
                        "each": {
                            "rules": [
                                {
                                    "source": "item",
                                    "target": "sku",
                                    "lookup": {"entity": "product", "system": "erp"},
                                }
                            ]
                        },
                    }
                ]
            ),
            "canonical": "Order",
            "key": "orderNo",
        },
        resolver=InMemoryXrefResolver(),
    )
    with pytest.raises(RecordError) as caught:
        m.to_canonical({"orderNo": "SO-1", "lines": [{"item": "P-404"}]})
    error = caught.value
    assert "no canonical product for erp id" in error.message
    assert error.rule is not None
    assert error.rule.label == "rules[0].each.rules[0]"
    assert (error.key, error.field) == ("SO-1", "lines[0].sku")


def test_lookup_without_resolver_fails_clearly_and_bind_adds_one() -> None:
    m = compile_mapping(
        doc([{"source": "c", "target": "hub_id", "lookup": {"entity": "customer"}}])
    )
    with pytest.raises(RecordError, match="no xref resolver"):
        m.to_canonical({"c": "1"})
    bound = m.bind(InMemoryXrefResolver([("customer", "H", "crm", "1")]))
    assert bound.to_canonical({"c": "1"}) == {"hub_id": "H"}
