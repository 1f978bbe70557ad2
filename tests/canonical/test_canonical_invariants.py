"""Each invariant refuses bad input with an error that names the offending field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from canonical_samples import sample
from pydantic import ValidationError

from canonical import (
    MODELS,
    BankAccount,
    Customer,
    Envelope,
    Money,
    Order,
    Product,
    Record,
    StockLevel,
    content_hash,
)

Mutation = Callable[[dict[str, Any]], None]


def error_for(name: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Validate and return (printed error, first error) of the expected failure."""
    with pytest.raises(ValidationError) as caught:
        MODELS[name].model_validate(data)
    return str(caught.value), caught.value.errors()[0]


def names_field(error: dict[str, Any], field: str) -> bool:
    """True when the error's loc, ctx field path or message names ``field``."""
    loc = ".".join(str(part) for part in error["loc"])
    ctx_field = str((error.get("ctx") or {}).get("field", ""))
    return field in loc or field in ctx_field or field in error["msg"]


def test_samples_are_valid() -> None:
    for name in MODELS:
        MODELS[name].model_validate(sample(name))


def _set_payable(data: dict[str, Any]) -> None:
    data["totals"]["payable"]["amount"] = "35.72"


def _set_lines_total(data: dict[str, Any]) -> None:
    data["totals"]["lines_total"]["amount"] = "25.21"


def _set_tax_total(data: dict[str, Any]) -> None:
    data["totals"]["tax_total"]["amount"] = "5.50"


@pytest.mark.parametrize("name", ["Order", "PurchaseOrder", "Invoice"])
@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (_set_payable, "totals.payable"),
        (_set_lines_total, "totals.lines_total"),
        (_set_tax_total, "totals.tax_total"),
    ],
)
def test_totals_must_equal_sum_of_lines_with_tax(name: str, mutate: Mutation, field: str) -> None:
    data = sample(name)
    mutate(data)
    printed, error = error_for(name, data)
    assert error["type"] == "total_mismatch"
    assert names_field(error, field)
    assert field in printed


@pytest.mark.parametrize("name", ["Order", "PurchaseOrder", "Invoice"])
def test_line_total_must_follow_quantity_price_base_and_allowances(name: str) -> None:
    data = sample(name)
    # 3 x 4.00 per 10 is 1.20; 12.00 is what you get when base_quantity is ignored.
    data["lines"][1]["line_total"]["amount"] = "12.00"
    _, error = error_for(name, data)
    assert error["type"] == "line_total_mismatch"
    assert error["loc"][:2] == ("lines", 1)
    assert names_field(error, "line_total")


def test_tax_subtotal_must_match_the_lines() -> None:
    data = sample("Order")
    data["tax_subtotals"][0]["tax_amount"]["amount"] = "5.52"
    _, error = error_for("Order", data)
    assert names_field(error, "tax_subtotals[0].tax_amount")


def test_tax_subtotal_for_every_rate_is_required() -> None:
    data = sample("Invoice")
    del data["tax_subtotals"][1]
    _, error = error_for("Invoice", data)
    assert error["type"] == "tax_subtotal_missing"
    assert names_field(error, "tax_subtotals")


@pytest.mark.parametrize("name", ["Order", "PurchaseOrder", "Invoice"])
def test_all_money_in_a_document_shares_its_currency(name: str) -> None:
    data = sample(name)
    data["allowance_charges"][0]["amount"]["currency"] = "USD"
    _, error = error_for(name, data)
    assert error["type"] == "currency_mismatch"
    assert names_field(error, "allowance_charges[0].amount.currency")


def test_a_line_in_another_currency_is_refused() -> None:
    data = sample("Order")
    line = data["lines"][1]
    line["unit_price"]["currency"] = line["line_total"]["currency"] = "USD"
    _, error = error_for("Order", data)
    assert names_field(error, "lines[1].unit_price.currency")


def test_line_numbers_must_be_unique() -> None:
    data = sample("Order")
    data["lines"][1]["line_no"] = 1
    _, error = error_for("Order", data)
    assert names_field(error, "lines[1].line_no")


def test_allocations_cannot_exceed_the_ordered_quantity() -> None:
    data = sample("Order")
    data["allocations"][1]["quantity"] = "1.5"
    _, error = error_for("Order", data)
    assert error["type"] == "over_allocated"
    assert names_field(error, "allocations[1].quantity")


def test_allocations_must_point_at_a_line() -> None:
    data = sample("Order")
    data["allocations"][0]["line_no"] = 9
    _, error = error_for("Order", data)
    assert names_field(error, "allocations[0].line_no")


def test_stock_available_must_be_on_hand_minus_allocated() -> None:
    data = sample("StockLevel")
    data["available"] = "10"
    _, error = error_for("StockLevel", data)
    assert error["type"] == "available_mismatch"
    assert names_field(error, "available")


def test_newer_stock_snapshot_supersedes_older_one() -> None:
    older = StockLevel.model_validate(sample("StockLevel"))
    newer = older.model_copy(update={"sequence": older.sequence + 1})
    assert newer.supersedes(older)
    assert newer.supersedes(None)
    assert not older.supersedes(newer)
    assert not older.supersedes(older)


@pytest.mark.parametrize(
    ("name", "path", "bad"),
    [
        ("Product", ("gtin",), "4006381333932"),
        ("Product", ("unit_conversions", 0, "gtin"), "14006381333939"),
        ("Customer", ("gln",), "4012345000008"),
        ("Customer", ("addresses", 0, "gln"), "4012345000001"),
        ("Supplier", ("gln",), "4012345000007"),
        ("StockLevel", ("warehouse_gln",), "4012345000006"),
        ("Shipment", ("packages", 0, "sscc"), "106141411234567890"),
    ],
)
def test_gs1_check_digits_are_verified(name: str, path: tuple[Any, ...], bad: str) -> None:
    data = sample(name)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    _, error = error_for(name, data)
    assert error["loc"] == path
    assert "check digit" in error["msg"]


def test_duplicate_sscc_is_refused() -> None:
    data = sample("Shipment")
    data["packages"].append(data["packages"][0])
    _, error = error_for("Shipment", data)
    assert names_field(error, "packages[1].sscc")


@pytest.mark.parametrize(
    ("name", "path", "bad", "kind"),
    [
        ("Customer", ("addresses", 1, "country"), "XX", "country_code"),
        ("Customer", ("addresses", 0, "country"), "de", "country_code"),
        ("Customer", ("currency",), "EURO", "currency_code"),
        ("Customer", ("credit_limit", "currency"), "XAU", "currency_code"),
        ("Product", ("base_uom",), "PIECES", "unit_code"),
    ],
)
def test_iso_and_unit_codes_come_from_the_code_lists(
    name: str, path: tuple[Any, ...], bad: str, kind: str
) -> None:
    data = sample(name)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    _, error = error_for(name, data)
    assert error["type"] == kind
    assert error["loc"] == path


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Customer", "status"),
        ("Order", "status"),
        ("PurchaseOrder", "status"),
        ("PurchaseOrder", "approval_status"),
        ("Shipment", "status"),
        ("Invoice", "status"),
        ("ApprovalRequest", "status"),
        ("StockLevel", "stock_status"),
        ("Product", "status"),
    ],
)
def test_status_values_are_a_closed_list(name: str, field: str) -> None:
    data = sample(name)
    data[field] = "sort_of_done"
    _, error = error_for(name, data)
    assert error["type"] == "literal_error"
    assert error["loc"] == (field,)


def test_released_purchase_order_needs_settled_approval() -> None:
    data = sample("PurchaseOrder")
    data["approval_status"] = "pending"
    _, error = error_for("PurchaseOrder", data)
    assert error["type"] == "not_approved"
    assert names_field(error, "approval_status")


def test_invoice_due_date_not_before_issue_date() -> None:
    data = sample("Invoice")
    data["due_date"] = "2024-05-05"
    _, error = error_for("Invoice", data)
    assert names_field(error, "due_date")


def test_approval_status_must_agree_with_steps() -> None:
    data = sample("ApprovalRequest")
    data["status"] = "approved"
    _, error = error_for("ApprovalRequest", data)
    assert names_field(error, "status")


def test_decided_step_needs_decided_at() -> None:
    data = sample("ApprovalRequest")
    del data["steps"][0]["decided_at"]
    _, error = error_for("ApprovalRequest", data)
    assert error["loc"][:2] == ("steps", 0)
    assert names_field(error, "decided_at")


@pytest.mark.parametrize("value", [50000.0, 0.1, float("nan")])
def test_float_money_is_refused(value: float) -> None:
    data = sample("Customer")
    data["credit_limit"]["amount"] = value
    printed, error = error_for("Customer", data)
    assert error["type"] == "decimal_not_float"
    assert error["loc"] == ("credit_limit", "amount")
    assert "float" in printed


def test_float_money_in_json_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Money.model_validate_json('{"amount": 12.5, "currency": "EUR"}')
    assert caught.value.errors()[0]["loc"] == ("amount",)


@pytest.mark.parametrize("value", [Decimal("12.50"), 12, "12.50", "-0.5"])
def test_money_takes_decimal_int_and_text(value: Any) -> None:
    money = Money(amount=value, currency="EUR")
    assert money.amount == Decimal(str(value))
    assert isinstance(money.amount, Decimal)
    assert money.model_dump(mode="json")["amount"] == str(value)


def test_naive_datetime_is_refused_naming_the_field() -> None:
    data = sample("Customer")
    data["updated_at"] = "2024-05-06T09:08:09"
    _, error = error_for("Customer", data)
    assert error["loc"] == ("updated_at",)
    assert error["type"] == "timezone_aware"


def test_aware_datetimes_are_normalised_to_utc() -> None:
    customer = Customer.model_validate(sample("Customer"))
    assert customer.updated_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert customer.updated_at is not None
    assert customer.updated_at.utcoffset() == timedelta(0)
    local = datetime(2024, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    level = StockLevel.model_validate({**sample("StockLevel"), "as_of": local})
    assert level.as_of.tzinfo is UTC
    assert level.as_of.hour == 0


def test_unknown_fields_are_refused() -> None:
    data = sample("Customer")
    data["favourite_colour"] = "teal"
    _, error = error_for("Customer", data)
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ("favourite_colour",)


def test_models_are_frozen() -> None:
    order = Order.model_validate(sample("Order"))
    with pytest.raises(ValidationError):
        order.status = "cancelled"  # type: ignore[misc]


def test_phone_must_be_e164() -> None:
    data = sample("Customer")
    data["contacts"][0]["phone"] = "030 123456"
    _, error = error_for("Customer", data)
    assert error["loc"] == ("contacts", 0, "phone")


def test_bank_details_never_leak_into_repr_or_errors() -> None:
    account = BankAccount(iban="DE89370400440532013000", bic="COBADEFFXXX")
    assert "DE8937" not in repr(account)
    assert account.model_dump(mode="json")["iban"] == "DE89370400440532013000"
    with pytest.raises(ValidationError) as caught:
        BankAccount(iban="DE89370400440532013001")
    assert "DE893704" not in str(caught.value)
    assert caught.value.errors()[0]["ctx"]["field"] == "iban"


def test_record_payload_must_match_entity_type() -> None:
    product = Product.model_validate(sample("Product"))
    envelope = Envelope(
        message_id="m-1",
        entity_type="Customer",
        source_system="erp",
        source_id="SKU-1",
        source_updated_at=datetime(2024, 1, 1, tzinfo=UTC),
        content_hash=content_hash(product),
    )
    with pytest.raises(ValidationError) as caught:
        Record[Product](envelope=envelope, payload=product)
    assert caught.value.errors()[0]["ctx"]["field"] == "envelope.entity_type"
    good = envelope.model_copy(update={"entity_type": "Product"})
    record = Record[Product](envelope=good, payload=product)
    assert Record[Product].model_validate_json(record.model_dump_json()) == record


def test_only_a_tombstone_may_omit_its_payload() -> None:
    fields: dict[str, Any] = {
        "message_id": "m-2",
        "entity_type": "Customer",
        "source_system": "crm",
        "source_id": "001A",
        "source_updated_at": "2024-01-01T00:00:00Z",
    }
    with pytest.raises(ValidationError) as caught:
        Record[Customer](envelope=Envelope.model_validate(fields))
    assert caught.value.errors()[0]["ctx"]["field"] == "payload"
    tombstone = Record[Customer](envelope=Envelope.model_validate({**fields, "deleted": True}))
    assert tombstone.payload is None


def test_envelope_source_updated_at_must_be_aware() -> None:
    with pytest.raises(ValidationError) as caught:
        Envelope(
            message_id="m",
            entity_type="Order",
            source_system="oms",
            source_id="1",
            source_updated_at=datetime(2024, 1, 1),
        )
    assert caught.value.errors()[0]["loc"] == ("source_updated_at",)


def test_content_hash_changes_with_content() -> None:
    product = Product.model_validate(sample("Product"))
    renamed = Product.model_validate({**sample("Product"), "brand": "Other"})
    assert content_hash(product) == content_hash(Product.model_validate(sample("Product")))
    assert content_hash(product) != content_hash(renamed)
