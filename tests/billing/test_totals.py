"""The invoice arithmetic: line nets rounded to the cent, EN 16931's breakdown and totals, and
bad input refused naming the field."""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from djmoney.money import Money
from hypothesis import given
from hypothesis import strategies as st

from billing import totals
from billing.models import QuoteLine
from billing.totals import Line
from fieldservice.errors import InvalidInput

CENT = Decimal("0.01")
quantities = st.decimals(min_value=0, max_value=10_000, places=3)
prices = st.decimals(min_value=0, max_value=100_000, places=2)
discounts = st.decimals(min_value=0, max_value=100, places=2)
rates = st.sampled_from([Decimal(r) for r in ("22", "10", "4", "21", "20", "9", "0")])
taxed = st.tuples(st.just("S"), rates)
untaxed = st.tuples(st.sampled_from(["Z", "E", "AE"]), st.just(Decimal("0")))
lines = st.builds(
    lambda q, p, d, tax: Line(q, p, discount_percent=d, category=tax[0], rate=tax[1]),
    quantities,
    prices,
    discounts,
    st.one_of(taxed, untaxed),
)


def test_a_line_is_quantity_times_price_less_discount_rounded_half_up():
    line = Line(Decimal("3"), Decimal("0.35"), discount_percent=Decimal("5"))  # 0.9975
    assert totals.line_net(line) == Decimal("1.00")
    assert totals.line_net(Line(Decimal("0.125"), Decimal("1.00"))) == Decimal("0.13")


def test_the_breakdown_groups_by_category_and_rate():
    result = totals.compute(
        [
            Line(Decimal("1"), Decimal("10.00"), rate=Decimal("22")),
            Line(Decimal("1"), Decimal("0.05"), rate=Decimal("22")),
            Line(Decimal("1"), Decimal("100.00"), rate=Decimal("0"), category="E"),
        ]
    )
    assert [(g.category, g.rate, g.taxable, g.tax) for g in result.groups] == [
        ("S", Decimal("22.00"), Decimal("10.05"), Decimal("2.21")),
        ("E", Decimal("0.00"), Decimal("100.00"), Decimal("0.00")),
    ]
    assert (result.net, result.tax, result.gross) == (
        Decimal("110.05"),
        Decimal("2.21"),
        Decimal("112.26"),
    )


@given(st.lists(lines, max_size=25))
def test_every_invoice_the_builder_accepts_passes_en16931(items):
    result = totals.compute(items)
    # Each line: quantity x price x (1 - discount), to the cent.
    for line, net in zip(items, result.line_nets, strict=True):
        exact = line.quantity * line.unit_price * (100 - line.discount_percent) / 100
        assert abs(net - exact) <= Decimal("0.005")
        assert net == net.quantize(Decimal("0.01"))
    # BR-CO-10: the net total is the sum of the line nets.
    assert result.net == sum(result.line_nets, Decimal(0))
    # The breakdown's taxable amounts add up to the same.
    assert sum((g.taxable for g in result.groups), Decimal(0)) == result.net
    # BR-CO-17: each category's tax is its taxable amount times its rate, rounded.
    for group in result.groups:
        assert group.tax == (group.taxable * group.rate / 100).quantize(CENT, ROUND_HALF_UP)
    # BR-CO-15: the total with VAT is the net total plus the VAT total.
    assert result.tax == sum((g.tax for g in result.groups), Decimal(0))
    assert result.gross == result.net + result.tax


@given(st.lists(lines, min_size=1, max_size=10))
def test_totals_equal_the_sum_of_lines_in_any_order(items):
    forward, backward = totals.compute(items), totals.compute(list(reversed(items)))
    assert (forward.net, forward.tax, forward.gross) == (
        backward.net,
        backward.tax,
        backward.gross,
    )


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (Line(Decimal("-1"), Decimal("10.00")), "quantity"),
        (Line(Decimal("1"), Decimal("10.001")), "unit_price"),
        (
            Line(Decimal("1"), Decimal("10.00"), discount_percent=Decimal("100.01")),
            "discount_percent",
        ),
        (Line(Decimal("1"), Decimal("10.00"), discount_percent=Decimal("-1")), "discount_percent"),
        (Line(Decimal("1"), Decimal("-10.00")), "unit_price"),
        (Line(Decimal("1"), Decimal("10"), currency="USD"), "currency"),
        (Line(1.5, Decimal("10")), "quantity"),  # type: ignore[arg-type]
        (Line(Decimal("1"), Decimal("10"), category="E", rate=Decimal("22")), "rate"),
    ],
)
def test_bad_input_is_refused_naming_the_field(line, field):
    with pytest.raises(InvalidInput) as refused:
        totals.line_net(line)
    assert refused.value.field == field


def test_mixed_currencies_are_never_summed():
    with pytest.raises(InvalidInput) as refused:
        totals.compute([Line(Decimal("1"), Decimal("1.00"), currency="BGN")], "EUR")
    assert refused.value.field == "currency"


def test_leva_convert_at_the_fixed_rate():
    assert totals.bgn_to_eur(Decimal("1.95583")) == Decimal("1.00")
    assert totals.bgn_to_eur(Decimal("100")) == Decimal("51.13")


@given(quantities, prices, discounts)
def test_a_quote_line_amounts_to_the_invoice_line_net(quantity, price, discount):
    # A quote's lines become invoice lines: both round through billing.totals.line_net.
    line = QuoteLine(quantity=quantity, unit_price=Money(price, "EUR"), discount_percent=discount)
    assert line.amount == totals.line_net(Line(quantity, price, discount_percent=discount))


def refusal(line: Line) -> tuple[str | None, str]:
    with pytest.raises(InvalidInput) as refused:
        totals.line_net(line)
    return refused.value.field, str(refused.value)


def test_each_refusal_says_what_is_wrong():
    one, ten = Decimal("1"), Decimal("10.00")
    assert refusal(Line(Decimal("-1"), ten)) == ("quantity", "The quantity cannot be negative.")
    assert refusal(Line(Decimal("1.0001"), ten)) == (
        "quantity",
        "The quantity has more than 3 decimals.",
    )
    assert refusal(Line(one, Decimal("-0.01"))) == (
        "unit_price",
        "The unit price cannot be negative: a credit note corrects an invoice.",
    )
    assert refusal(Line(one, Decimal("0.001"))) == (
        "unit_price",
        "The unit price has more decimals than EUR allows.",
    )
    assert refusal(Line(one, ten, discount_percent=Decimal("-0.01"))) == (
        "discount_percent",
        "The discount must be between 0 and 100%.",
    )
    assert refusal(Line(one, ten, rate=Decimal("100.01"))) == (
        "rate",
        "The VAT rate must be between 0 and 100%.",
    )
    assert refusal(Line(one, ten, rate=Decimal("-0.01"))) == (
        "rate",
        "The VAT rate must be between 0 and 100%.",
    )
    assert refusal(Line(one, ten, category="K")) == ("category", "Unknown VAT category.")
    assert refusal(Line(one, ten, category="AE", rate=Decimal("0.01"))) == (
        "rate",
        "Only standard-rated lines carry VAT.",
    )
    assert refusal(Line(one, ten, currency="USD")) == (
        "currency",
        "The currency USD is not one invoices use.",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "quantity must be a decimal number."),
        (True, "quantity must be a decimal number."),
        ("1,5", "quantity must be a number."),
        ("NaN", "quantity must be a number."),
        (Decimal("Infinity"), "quantity must be a number."),
    ],
)
def test_a_quantity_must_be_a_finite_decimal(value, message):
    assert refusal(Line(value, Decimal("1.00"))) == ("quantity", message)


def test_each_field_is_named_when_it_is_not_a_number():
    assert refusal(Line(Decimal("1"), "x"))[0] == "unit_price"  # type: ignore[arg-type]
    assert refusal(Line(Decimal("1"), Decimal("1"), discount_percent="x"))[0] == (  # type: ignore[arg-type]
        "discount_percent"
    )
    assert refusal(Line(Decimal("1"), Decimal("1"), rate="x"))[0] == "rate"  # type: ignore[arg-type]


def test_the_limits_themselves_are_allowed():
    net = totals.line_net
    assert net(Line(Decimal("0"), Decimal("0"))) == Decimal("0.00")
    assert net(Line(Decimal("1.125"), Decimal("2.00"))) == Decimal("2.25")  # three decimals
    assert net(Line(Decimal("10"), Decimal("1.5"))) == Decimal("15.00")
    assert net(Line(Decimal("1E+1"), Decimal("1E+1"))) == Decimal("100.00")
    assert net(Line(Decimal("2"), Decimal("5.00"), discount_percent=Decimal("100"))) == 0
    assert net(Line(Decimal("2"), Decimal("5.00"), discount_percent=Decimal("0"))) == 10
    assert net(Line(Decimal("1"), Decimal("5.00"), rate=Decimal("100"))) == Decimal("5.00")
    assert net(Line(Decimal("1"), Decimal("5.00"), category="Z")) == Decimal("5.00")
    assert net(Line(Decimal("1"), Decimal("5.00"), category="AE")) == Decimal("5.00")
    assert net(Line(Decimal("1"), Decimal("5.00"), category="E")) == Decimal("5.00")
    assert net(Line("1.5", "2.10")) == Decimal("3.15")  # type: ignore[arg-type]


def test_leva_round_to_the_stotinka():
    line = Line(Decimal("1"), Decimal("0.05"), currency="BGN", discount_percent=Decimal("50"))
    assert str(totals.line_net(line)) == "0.03"  # 0.025 half-up
    assert str(totals.round_money(Decimal("1.005"), "BGN")) == "1.01"
    assert str(totals.round_money(Decimal("1.004"), "EUR")) == "1.00"
    assert str(totals.bgn_to_eur(Decimal("1"))) == "0.51"
    assert str(totals.bgn_to_eur(Decimal("1000000"))) == "511291.88"


def test_the_breakdown_is_by_rate_highest_first_then_category():
    lines = [
        Line(Decimal("1"), Decimal("1.00"), category="Z"),
        Line(Decimal("1"), Decimal("2.00"), rate=Decimal("10")),
        Line(Decimal("1"), Decimal("3.00"), category="AE"),
        Line(Decimal("1"), Decimal("4.00"), rate=Decimal("22.00")),
        Line(Decimal("1"), Decimal("5.00"), category="E"),
        Line(Decimal("1"), Decimal("6.00"), rate=Decimal("22")),
    ]
    result = totals.compute(lines, "EUR")
    assert [(g.category, str(g.rate), str(g.taxable), str(g.tax)) for g in result.groups] == [
        ("S", "22.00", "10.00", "2.20"),
        ("S", "10.00", "2.00", "0.20"),
        ("AE", "0.00", "3.00", "0.00"),
        ("E", "0.00", "5.00", "0.00"),
        ("Z", "0.00", "1.00", "0.00"),
    ]
    assert (str(result.net), str(result.tax), str(result.gross)) == ("21.00", "2.40", "23.40")
    assert result.currency == "EUR"


def test_an_invoice_in_leva_and_an_empty_one():
    result = totals.compute([Line(Decimal("1"), Decimal("10.00"), currency="BGN", rate=20)], "BGN")
    assert (str(result.net), str(result.tax), str(result.gross)) == ("10.00", "2.00", "12.00")
    assert result.currency == "BGN"
    empty = totals.compute([], "BGN")
    assert (str(empty.net), str(empty.tax), str(empty.gross)) == ("0.00", "0.00", "0.00")
    assert empty.groups == ()
    assert empty.line_nets == ()
    with pytest.raises(InvalidInput) as refused:
        totals.compute([], "USD")
    assert refused.value.field == "currency"
    with pytest.raises(InvalidInput, match=r"^A line in EUR cannot be on an invoice in BGN\.$"):
        totals.compute([Line(Decimal("1"), Decimal("1.00"))], "BGN")


def test_the_defaults_of_a_line_and_of_totals():
    line = Line(Decimal("1"), Decimal("1.00"))
    assert (line.currency, line.discount_percent, line.rate, line.category) == ("EUR", 0, 0, "S")
    bare = totals.Totals("EUR", ())
    assert (str(bare.net), str(bare.tax), str(bare.gross), bare.groups) == (
        "0.00",
        "0.00",
        "0.00",
        (),
    )


def test_lines_groups_and_totals_are_values_that_cannot_change():
    result = totals.compute([Line(Decimal("1"), Decimal("1.00"), rate=Decimal("22"))])
    for value, name in ((Line(Decimal("1"), Decimal("1.00")), "quantity"), (result, "net")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, Decimal("2"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.groups[0].tax = Decimal("0")  # type: ignore[misc]
