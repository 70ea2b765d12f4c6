"""The managers' page's period and filters, from its query string."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import ServiceContract
from customers.models import ApplianceModel, Customer
from dispatch.selectors import company_tz
from technicians.models import Technician
from tickets.models import Ticket

from .kpis import Scope

# Two years at most: a longer period is a report of its own, not a page.
LONGEST_DAYS = 731
DEFAULT_DAYS = 90
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


def _any(label) -> list[tuple[str, object]]:
    return [("", label)]


def areas() -> list[tuple[str, str]]:
    """The technicians' areas, as choices."""
    found = (
        Technician.objects.exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
    return [(a, a) for a in found]


class PeriodForm(forms.Form):
    """A period of local days; both may be left empty: it is then the last 90 days up to
    today."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        for name, day in (("start", start), ("end", end)):
            if not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(name, _("Give a date between 2000 and 2100."))
                return data
        if end < start:
            self.add_error("end", _("The last day is before the first."))
        elif (end - start).days >= LONGEST_DAYS:
            self.add_error("end", _("Choose a period of two years at most."))
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The validated period (local days, both included) as [start, end) in UTC."""
        data = self.cleaned_data
        tz = company_tz()
        first = datetime.datetime.combine(data["start"], datetime.time(), tzinfo=tz)
        after = datetime.datetime.combine(
            data["end"] + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
        )
        return first.astimezone(datetime.UTC), after.astimezone(datetime.UTC)

    def query(self) -> str:
        """The period and filters as a query string, for the links to the rows counted."""
        pairs = [(name, self.data.get(name)) for name in self.fields if self.data.get(name)]
        return urlencode(pairs)


class InsightsForm(PeriodForm):
    """Every field may be left empty: the period is then the last 90 days up to today."""

    area = forms.ChoiceField(label=_("Area"), required=False)
    # A number, not a list: a company of thousands of technicians picks an area first, and the
    # utilization table links each technician's row.
    technician = forms.ModelChoiceField(
        label=_("Technician number"),
        required=False,
        queryset=Technician.objects.select_related("user"),
        widget=forms.NumberInput(attrs={"min": 1}),
        error_messages={"invalid_choice": _("That technician does not exist.")},
    )
    customer = forms.ModelChoiceField(
        label=_("Customer number"),
        required=False,
        queryset=Customer.objects.all(),
        widget=forms.NumberInput(attrs={"min": 1}),
        error_messages={"invalid_choice": _("That customer does not exist.")},
    )
    contract = forms.ModelChoiceField(
        label=_("Contract number"),
        required=False,
        queryset=ServiceContract.objects.all(),
        to_field_name="number",
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("That contract does not exist.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of job"),
        required=False,
        choices=[*_any(_("Any kind")), *Ticket.Kind.choices],
    )
    category = forms.ChoiceField(
        label=_("Appliance category"),
        required=False,
        choices=[*_any(_("Any category")), *ApplianceModel.Category.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [*_any(_("Any area")), *areas()]

    def scope(self) -> Scope:
        """The validated period and filters, for insights.kpis."""
        data = self.cleaned_data
        start, end = self.period()
        return Scope(
            start=start,
            end=end,
            area=data.get("area") or "",
            technician=data.get("technician"),
            customer=data.get("customer"),
            contract=data.get("contract"),
            kind=data.get("kind") or "",
            category=data.get("category") or "",
        )


class OrganizationInsightsForm(PeriodForm):
    """A client organization's administrator's period and filters: the kind of job and the
    appliance category (the organization is the one in use, never a field)."""

    kind = InsightsForm.base_fields["kind"]
    category = InsightsForm.base_fields["category"]

    def scope(self, *, organization: Customer) -> Scope:
        """The validated period and filters, narrowed to `organization`'s tickets."""
        start, end = self.period()
        return Scope(
            start=start,
            end=end,
            customer=organization,
            kind=self.cleaned_data.get("kind") or "",
            category=self.cleaned_data.get("category") or "",
        )


class ImportForm(forms.Form):
    """The file to import: customers with their site and appliances, as CSV or XLSX."""

    file = forms.FileField(label=_("File (CSV or XLSX)"), allow_empty_file=True)


class ConfirmImportForm(forms.Form):
    """The confirmation of a previewed file: its token, and whether to leave out the rows with
    errors."""

    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    only_valid = forms.BooleanField(required=False, label=_("Import only the valid rows"))
