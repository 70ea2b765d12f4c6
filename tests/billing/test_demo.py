"""The demo's invoices: one in each state."""

from __future__ import annotations

import pytest
from django.utils import timezone

from billing import selectors
from billing.models import Invoice
from demo.invoices import seed_invoices
from tests.billing.helpers import ensure_rates_and_company
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_invoice_in_each_state():
    ensure_rates_and_company("IT")
    for _ in range(5):
        SiteFactory()
    assert seed_invoices() == 7
    invoices = list(Invoice.objects.all())
    assert {i.status for i in invoices} == {"draft", "issued"}
    assert sum(1 for i in invoices if i.kind == "credit_note") == 1
    issued = [i for i in invoices if i.status == "issued" and i.kind == "invoice"]
    assert any(i.paid_total and i.balance > 0 for i in issued)  # partly paid
    assert any(i.paid_total and i.balance == 0 for i in issued)  # paid
    assert selectors.overdue_invoices(timezone.localdate()).count() == 1
    assert seed_invoices() == 0
