from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing.einvoice.document import Kind, subtotals_for
from billing.einvoice.rules import check
from tests.billing.einvoice.builders import CONSUMER_IT, document, line, replace

quantities = st.decimals(min_value="0.01", max_value="999", places=2)
prices = st.decimals(min_value="0", max_value="9999", places=2)
discounts = st.sampled_from(["0", "5", "10", "12.5", "33.33", "50", "100"])
rates = st.sampled_from([("S", "22"), ("S", "10"), ("S", "4"), ("S", "21"), ("S", "9"), ("E", "0")])
line_args = st.tuples(quantities, prices, discounts, rates)


def build(args: list[tuple[Decimal, Decimal, str, tuple[str, str]]]):  # type: ignore[no-untyped-def]
    return document(
        [
            line(i + 1, str(q), str(p), discount=d, category=c, rate=r)
            for i, (q, p, d, (c, r)) in enumerate(args)
        ]
    )


def rules_of(doc) -> set[str]:  # type: ignore[no-untyped-def]
    return {problem.rule for problem in check(doc)}


@given(st.lists(line_args, min_size=1, max_size=12))
def test_every_built_document_passes(args) -> None:  # type: ignore[no-untyped-def]
    doc = build(args)

    assert check(doc) == []
    # and the module's own breakdown agrees with the independent one
    assert sorted(subtotals_for(doc.lines), key=str) == sorted(doc.subtotals, key=str)


@given(st.lists(line_args, min_size=1, max_size=12), st.data())
def test_a_line_net_off_by_a_cent_fails(args, data) -> None:  # type: ignore[no-untyped-def]
    doc = build(args)
    index = data.draw(st.integers(min_value=0, max_value=len(doc.lines) - 1))
    bad = replace(doc.lines[index], net_amount=doc.lines[index].net_amount + Decimal("0.01"))
    lines = list(doc.lines)
    lines[index] = bad
    mutated = replace(doc, lines=tuple(lines))

    problems = check(mutated)

    assert ("LINE-NET", f"lines[{index}].net_amount") in {(p.rule, p.field) for p in problems}
    assert {"BR-CO-10"} <= {p.rule for p in problems}


def test_discounted_line_rounds_once_at_the_end() -> None:
    # 7 x 1.50 less 35% = 6.825 -> 6.83 (rounding the unit price first, 0.98 x 7, gives 6.86)
    doc = document([line(1, "7", "1.50", discount="35")])

    assert doc.lines[0].net_amount == Decimal("6.83")
    assert check(doc) == []


def test_totals_that_do_not_add_up_name_their_rule() -> None:
    doc = document([line(1, "1", "100")])

    assert rules_of(replace(doc, net_total=Decimal("99.99"))) >= {"BR-CO-10", "BR-CO-15"}
    assert rules_of(replace(doc, tax_total=Decimal("22.01"))) >= {"BR-CO-14", "BR-CO-15"}
    assert rules_of(replace(doc, grand_total=Decimal("122.01"))) >= {"BR-CO-15", "BR-CO-16"}
    assert rules_of(replace(doc, amount_due=Decimal("1"))) == {"BR-CO-16"}


def test_breakdown_row_tax_and_taxable_are_checked() -> None:
    doc = document([line(1, "1", "10.05"), line(2, "2", "5", rate="10")])
    rows = list(doc.subtotals)
    rows[0] = replace(rows[0], tax_amount=rows[0].tax_amount + Decimal("0.01"))
    rows[1] = replace(rows[1], taxable_amount=Decimal("9.99"))

    problems = {(p.rule, p.field) for p in check(replace(doc, subtotals=tuple(rows)))}

    assert ("BR-CO-17", "subtotals[0].tax_amount") in problems
    assert ("BR-S-08", "subtotals[1].taxable_amount") in problems


def test_a_line_without_a_breakdown_row_fails() -> None:
    doc = document([line(1, "1", "10"), line(2, "1", "10", rate="10")])

    problems = check(replace(doc, subtotals=doc.subtotals[:1], tax_total=Decimal("2.20")))

    assert ("BR-S-01", "subtotals") in {(p.rule, p.field) for p in problems}


def test_reverse_charge_needs_rate_zero_reason_and_buyer_vat_number() -> None:
    rc = line(1, "1", "100", category="AE", rate="22", exemption_reason="", exemption_code="")
    doc = document([rc], buyer=CONSUMER_IT)

    problems = {(p.rule, p.field) for p in check(doc)}

    assert ("BR-AE-05", "lines[0].tax_rate") in problems
    assert ("BR-AE-10", "lines[0].exemption_reason") in problems
    assert ("BR-AE-10", "subtotals[0].exemption_reason") in problems
    assert ("BR-AE-02", "buyer.vat_number") in problems


def test_exempt_and_zero_rated_lines_carry_their_reason() -> None:
    doc = document(
        [
            line(1, "1", "100", category="E", rate="0", exemption_reason="", exemption_code=""),
            line(2, "1", "100", category="Z", rate="0", exemption_reason=""),
        ]
    )

    problems = {(p.rule, p.field) for p in check(doc)}

    assert ("BR-E-10", "lines[0].exemption_reason") in problems
    assert ("BR-Z-10", "lines[1].exemption_reason") in problems


def test_a_line_in_another_currency_is_refused() -> None:
    doc = document([line(1, "1", "100"), line(2, "1", "50", currency="BGN")])

    assert ("CURRENCY", "lines[1].currency") in {(p.rule, p.field) for p in check(doc)}


def test_bad_inputs_are_named() -> None:
    doc = document(
        [
            line(1, "-1", "10"),
            line(2, "1", "-10"),
            line(3, "1", "10", discount="120"),
        ]
    )

    fields = {p.field for p in check(doc)}

    assert {"lines[0].quantity", "lines[1].unit_price", "lines[2].discount_percent"} <= fields


def test_invalid_vat_number_and_credit_note_without_invoice() -> None:
    doc = document([line(1, "1", "10")], kind=Kind.CREDIT_NOTE)
    doc = replace(doc, preceding_invoice_number="", buyer=replace(doc.buyer, vat_number="IT1"))

    problems = {(p.rule, p.field) for p in check(doc)}

    assert ("BR-CO-09", "buyer.vat_number") in problems
    assert ("BR-55", "preceding_invoice_number") in problems
